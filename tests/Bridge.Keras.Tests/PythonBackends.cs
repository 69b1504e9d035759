using Bridge.Keras;

namespace Bridge.Keras.Tests;

/// <summary>
/// The Python-backed backends for the tests. Each test skips, with the backend's own reason, where its Python
/// package cannot be imported — never passes silently.
/// </summary>
internal static class PythonBackends
{
    public static readonly SklearnBackend Sklearn = new();
    public static readonly KerasBackend Keras = new(Environment.GetEnvironmentVariable("KERAS_BACKEND"));

    public static SklearnBackend RequireSklearn()
    {
        var availability = Sklearn.Availability;
        Skip.IfNot(availability.IsAvailable, $"scikit-learn backend unavailable: {availability.Detail}");
        return Sklearn;
    }

    public static KerasBackend RequireKeras()
    {
        var availability = Keras.Availability;
        if (KerasRequired && !availability.IsAvailable)
            Assert.Fail($"BRIDGE_REQUIRE_KERAS=1 (as in CI), and the Keras backend is unavailable: {availability.Detail}");
        Skip.IfNot(availability.IsAvailable, $"Keras backend unavailable: {availability.Detail}");
        return Keras;
    }

    /// <summary>The test's Python module of injected faults (python/faults.py beside the test assembly).</summary>
    public static Bridge.Python.PyObject FaultModule()
    {
        using var sys = Bridge.Python.Python.Import("sys");
        using var path = sys.GetAttr("path");
        string folder = Path.Combine(AppContext.BaseDirectory, "python");
        if (!path.ToList().Any(p => { using (p) return p.ToString() == folder; })) path.CallMethod("insert", 0, folder).Dispose();
        return Bridge.Python.Python.Import("faults");
    }

    /// <summary>Set by CI, where Keras is built for the tests: a Keras test that would skip fails instead.</summary>
    public static bool KerasRequired => Environment.GetEnvironmentVariable("BRIDGE_REQUIRE_KERAS") == "1";
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
