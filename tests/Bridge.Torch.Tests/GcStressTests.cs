using System.Diagnostics;
using Bridge.Python;

namespace Bridge.Torch.Tests;

/// <summary>
/// Training under another thread's forced collections and finalisers. Before Bridge owned every Scalar it handed to
/// libtorch, a Scalar made by an implicit conversion (an optimizer's learning rate, the alpha of an addition) could be
/// finalised while libtorch was reading it, and a step failed with "Expected false to be true" from Scalar::toDouble,
/// about once in a thousand steps under this load. The step count is BRIDGE_TORCH_STRESS_STEPS when set (for soak runs).
/// </summary>
public sealed class GcStressTests
{
    private const int DefaultSteps = 6_400;

    [Fact]
    public void Training_survives_forced_collections_on_another_thread()
    {
        using var pressure = new GcPressure();
        var outcome = TrainEveryConfiguration();
        Assert.True(pressure.Collections > 0, "the pressure thread completed no collection");
        Assert.True(outcome.Failures.Count == 0, outcome.Describe(pressure.Collections));
    }

    [SkippableFact]
    public void Training_survives_forced_collections_with_python_in_the_process()
    {
        PyObject numpy;
        try
        {
            Bridge.Python.Python.Initialize();
            numpy = Bridge.Python.Python.Import("numpy");
        }
        catch (Exception e) when (e is PythonNotFoundException or PythonException)
        {
            Skip.If(true, $"no Python with numpy here (set BRIDGE_PYTHON=/usr/bin/python3): {e.Message.Split('\n')[0]}");
            return;
        }
        using (numpy)
        {
            // Python objects left to their .NET finalisers, as the Python-backed backends' temporaries are.
            using var pressure = new GcPressure(() =>
            {
                for (int i = 0; i < 8; i++) _ = NumpyArrays.FromDoubles(new double[64], 8, 8);
            });
            var outcome = TrainEveryConfiguration();
            Assert.True(pressure.Collections > 0, "the pressure thread completed no collection");
            Assert.True(outcome.Failures.Count == 0, outcome.Describe(pressure.Collections));
        }
    }

    private static readonly Optimizer[] Optimizers = [new Sgd(0.05), new Sgd(0.05, 0.9), new Sgd(0.05, 0.9, true), new Adam(0.01)];

    /// <summary>Every optimizer in float32 and float64, on a squared-error and a cross-entropy network, step by step.</summary>
    private static StressOutcome TrainEveryConfiguration()
    {
        int total = Environment.GetEnvironmentVariable("BRIDGE_TORCH_STRESS_STEPS") is { } text ? int.Parse(text) : DefaultSteps;
        int steps = Math.Max(1, total / 16);
        var outcome = new StressOutcome();
        var clock = Stopwatch.StartNew();
        foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
        foreach (var optimizer in Optimizers)
        foreach (bool crossEntropy in new[] { false, true })
        {
            var spec = new Mlp(6, new Dense(8, Activation.Tanh), crossEntropy ? new Dense(3, Activation.Softmax) : new Dense(3, Activation.Sigmoid))
            {
                Loss = crossEntropy ? Loss.CategoricalCrossEntropy : Loss.HalfSquaredError, Optimizer = optimizer, Precision = precision,
            };
            using var model = new TorchBackend().Build(spec, 1);
            var batch = RandomNets.BatchFor(spec, 8, 2);
            for (int s = 0; s < steps; s++)
            {
                outcome.Steps++;
                try
                {
                    var result = model.TrainStep(batch);
                    if (!result.Applied) outcome.Failures.Add($"{spec.Describe()}: step {s} refused, loss {result.Loss}");
                }
                catch (Exception e)
                {
                    outcome.Failures.Add($"{optimizer.Describe()} {precision}: step {s}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
        }
        outcome.Elapsed = clock.Elapsed;
        return outcome;
    }

    private sealed class StressOutcome
    {
        public List<string> Failures { get; } = [];
        public long Steps { get; set; }
        public TimeSpan Elapsed { get; set; }

        public string Describe(int collections) =>
            $"{Failures.Count} failed steps of {Steps} ({Elapsed.TotalSeconds:F1} s, {collections} forced collections):\n" +
            string.Join("\n", Failures.Take(10));
    }
}
