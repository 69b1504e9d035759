namespace Bridge;

/// <summary>
/// A way to compute: the managed engine, libtorch, Keras, scikit-learn. Builds <see cref="IModel"/>s.
/// </summary>
public interface IBackend
{
    /// <summary>managed, managed-teaching, torch, keras, sklearn.</summary>
    string Name { get; }

    /// <summary>Whether this backend can build models on this machine, and if not, why and how to fix it.</summary>
    BackendAvailability Availability { get; }

    /// <summary>
    /// Why this backend cannot build <paramref name="spec"/> (for example scikit-learn and mixed hidden activations),
    /// or null when it can.
    /// </summary>
    string? CannotBuild(ModelSpec spec) => null;

    /// <summary>Builds the network of <paramref name="spec"/> with exactly <paramref name="initialWeights"/>.</summary>
    /// <exception cref="BackendUnavailableException">The backend cannot run here.</exception>
    /// <exception cref="ArgumentException">The spec is invalid, the backend cannot express it, or the weights do not fit it.</exception>
    IModel Build(ModelSpec spec, WeightSet initialWeights);
}

/// <summary>Whether a backend can run, and if not, the reason and the fix, in words a user can act on.</summary>
public sealed record BackendAvailability(bool IsAvailable, string Detail)
{
    public static BackendAvailability Available(string detail) => new(true, detail);

    public static BackendAvailability Unavailable(string reason) => new(false, reason);
}

/// <summary>Thrown when a backend is asked to run where it cannot; the message says why and how to fix it.</summary>
public sealed class BackendUnavailableException(string backend, string reason, Exception? inner = null)
    : Exception($"The {backend} backend is unavailable: {reason}", inner)
{
    public string Backend { get; } = backend;
    public string Reason { get; } = reason;
}

public static class BackendExtensions
{
    /// <summary>
    /// Why <paramref name="backend"/> cannot build <paramref name="spec"/> on this machine (it cannot run here at all, or
    /// it cannot express the spec), or null when it can.
    /// </summary>
    public static string? CannotRun(this IBackend backend, ModelSpec spec) =>
        backend.Availability.IsAvailable ? backend.CannotBuild(spec) : backend.Availability.Detail;

    /// <summary>Builds <paramref name="spec"/> with initial weights drawn by the spec's initializer from <paramref name="seed"/>.</summary>
    public static IModel Build(this IBackend backend, ModelSpec spec, ulong seed = 0)
    {
        spec.Validate();
        return backend.Build(spec, spec.Init.Draw(spec, seed));
    }
}
