using System.Diagnostics;
using Bridge.Python;

namespace Bridge.Torch.Tests;

/// <summary>
/// Training under another thread's forced collections and finalisers. Before Bridge owned every Scalar it handed to
/// libtorch, a Scalar made by an implicit conversion (an optimizer's learning rate, the alpha of an addition) could be
/// finalised while libtorch was reading it, and a step failed with "Expected false to be true" from Scalar::toDouble,
/// in about 270 to 700 steps under this load (24 of 6,400 without Python, 9 of 6,400 with it, on a busy two-core machine).
/// </summary>
public sealed class GcStressTests
{
    private const int DefaultSteps = 1_000_000;

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

    /// <summary>
    /// Every optimizer in float32 and float64, on a squared-error and a cross-entropy network, in rounds: each round
    /// gives every model 24 steps one call at a time and one epoch of 8 steps queued by the trainer on a data set
    /// resident on the device. It stops after the step count or the time budget (BRIDGE_TORCH_STRESS_SECONDS,
    /// default 12 s), whichever comes first, so a slow machine runs fewer steps rather than a longer test.
    /// </summary>
    private static StressOutcome TrainEveryConfiguration()
    {
        long total = Environment.GetEnvironmentVariable("BRIDGE_TORCH_STRESS_STEPS") is { } steps ? long.Parse(steps) : DefaultSteps;
        double budget = Environment.GetEnvironmentVariable("BRIDGE_TORCH_STRESS_SECONDS") is { } seconds ? double.Parse(seconds) : 12;
        var outcome = new StressOutcome();
        var runs = new List<(IModel Model, Batch Batch, Dataset Data, string Name)>();
        try
        {
            foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
            foreach (var optimizer in Optimizers)
            foreach (bool crossEntropy in new[] { false, true })
            {
                var spec = new Mlp(6, new Dense(8, Activation.Tanh), crossEntropy ? new Dense(3, Activation.Softmax) : new Dense(3, Activation.Sigmoid))
                {
                    Loss = crossEntropy ? Loss.CategoricalCrossEntropy : Loss.HalfSquaredError, Optimizer = optimizer, Precision = precision,
                };
                var data = RandomNets.BatchFor(spec, 64, 3);
                runs.Add((new TorchBackend().Build(spec, 1), RandomNets.BatchFor(spec, 8, 2),
                    Dataset.Classification("random", data.Inputs, data.Labels!, spec.Outputs), $"{optimizer.Describe()} {precision} {spec.Loss}"));
            }
            var clock = Stopwatch.StartNew();
            var epoch = new TrainingOptions { Epochs = 1, BatchSize = 8, EvaluateEachEpoch = false };
            while (outcome.Steps < total && clock.Elapsed.TotalSeconds < budget)
            {
                foreach (var (model, batch, data, name) in runs)
                {
                    for (int s = 0; s < 24; s++)
                    {
                        outcome.Steps++;
                        try
                        {
                            var result = model.TrainStep(batch);
                            if (!result.Applied) outcome.Failures.Add($"{name}: a step was refused, loss {result.Loss}");
                        }
                        catch (Exception e)
                        {
                            outcome.Failures.Add($"{name}: step: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                        }
                    }
                    try
                    {
                        outcome.Steps += Trainer.Fit(model, data, epoch).StepsTaken;
                    }
                    catch (Exception e)
                    {
                        outcome.Steps += 8;
                        outcome.Failures.Add($"{name}: queued epoch: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                    }
                }
            }
            outcome.Elapsed = clock.Elapsed;
        }
        finally
        {
            foreach (var run in runs) run.Model.Dispose();
        }
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
