namespace Bridge.Testing;

/// <summary>
/// A backend a test needs, or the test skips with the backend's own reason (which names the fix) — never passes
/// silently. Where CI requires Keras (BRIDGE_REQUIRE_KERAS=1, Keras built for the tests) a Keras test fails instead.
/// </summary>
internal static class RequiredBackends
{
    /// <summary>Set by CI, where Keras is built for the tests: a Keras test that would skip fails instead.</summary>
    public static bool KerasRequired => Environment.GetEnvironmentVariable("BRIDGE_REQUIRE_KERAS") == "1";

    public static TBackend Require<TBackend>(TBackend backend) where TBackend : IBackend
    {
        var availability = backend.Availability;
        if (KerasRequired && backend.Name == "keras" && !availability.IsAvailable)
            Assert.Fail($"BRIDGE_REQUIRE_KERAS=1 (as in CI), and the Keras backend is unavailable: {availability.Detail}");
        Skip.IfNot(availability.IsAvailable, $"{backend.Name} backend unavailable: {availability.Detail}");
        return backend;
    }
}

/// <summary>All tests that use the embedded Python run one after another in one process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PythonCollection
{
    public const string Name = "python";
}

/// <summary>Random batches fitting a spec.</summary>
internal static class Batches
{
    public static Batch For(ModelSpec spec, int count, ulong seed)
    {
        var rng = new Rng(seed);
        var inputs = new Matrix(count, spec.Inputs);
        for (int i = 0; i < inputs.Data.Length; i++) inputs.Data[i] = rng.Uniform(-1, 1);
        int classes = spec.Outputs == 1 ? 2 : spec.Outputs;
        var labels = new int[count];
        for (int n = 0; n < count; n++) labels[n] = rng.NextInt(classes);
        Matrix targets;
        if (spec is Autoencoder) return new Batch(inputs, inputs);
        if (spec.Loss == Loss.CategoricalCrossEntropy) targets = OneHot.Encode(labels, spec.Outputs);
        else if (spec.Loss == Loss.BinaryCrossEntropy && spec.Outputs == 1) targets = new Matrix(count, 1, labels.Select(l => (double)l).ToArray());
        else if (spec.Loss == Loss.BinaryCrossEntropy)
        {
            // Several sigmoid outputs: each an independent 0/1 target, so there is no single class label.
            targets = new Matrix(count, spec.Outputs);
            for (int i = 0; i < targets.Data.Length; i++) targets.Data[i] = rng.NextInt(2);
            return new Batch(inputs, targets);
        }
        else
        {
            targets = new Matrix(count, spec.Outputs);
            for (int i = 0; i < targets.Data.Length; i++) targets.Data[i] = rng.Uniform(-1, 1);
            return new Batch(inputs, targets);
        }
        return new Batch(inputs, targets, labels);
    }
}
