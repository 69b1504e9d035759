using Bridge.Testing;

namespace Bridge.Sklearn.Tests;

/// <summary>The scikit-learn backend these tests run.</summary>
internal static class SklearnUnderTest
{
    public static readonly SklearnBackend Backend = new();

    /// <summary>The backend, or the test skips with its reason.</summary>
    public static SklearnBackend Require() => RequiredBackends.Require(Backend);
}
