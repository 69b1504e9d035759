using Bridge.Testing;

namespace Bridge.Keras.Tests;

/// <summary>The Keras backend these tests run, on the Keras backend KERAS_BACKEND names (as Keras itself reads it).</summary>
internal static class KerasUnderTest
{
    public static readonly KerasBackend Backend = new(Environment.GetEnvironmentVariable("KERAS_BACKEND"));

    /// <summary>The backend, or the test skips with its reason (fails where CI requires Keras).</summary>
    public static KerasBackend Require() => RequiredBackends.Require(Backend);
}
