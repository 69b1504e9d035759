using Bridge.Managed;
using Bridge.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Bridge.Benchmarks;

/// <summary>
/// Bridge against TorchSharp itself: each workload as an idiomatic raw TorchSharp loop (<see cref="RawTorchSharpLoop"/>),
/// timed in the same rounds as Bridge's torch backend and the managed engine through the <see cref="Trainer"/> — the
/// three interleaved, so a busy spell on the machine falls on all of them. Figures are epochs (the 2-4-1 online
/// workload: steps, an epoch of 256 divided by 256); Bridge's epochs are the trainer's own epoch times, which leave out
/// the copy of the data set to the device made once per fit, as the raw loop's figures leave out making its tensors.
/// </summary>
public sealed class TorchReferenceBench(bool quick, Action<string>? log = null)
{
    private readonly int _rounds = quick ? 3 : 7;

    private sealed record Workload(string Name, Mlp Spec, Dataset Data, int BatchSize, int PerEpoch);

    public IReadOnlyList<BenchRow> Run()
    {
        var torchBackend = new TorchBackend();
        if (!torchBackend.Availability.IsAvailable)
        {
            log?.Invoke($"torch unavailable: {torchBackend.Availability.Detail}");
            return [];
        }
        var workloads = new List<Workload>();
        var digits = Digits.Load();
        var moons = Datasets.Moons(256, seed: 1);
        var fashion = FashionMnist.IsAvailable ? FashionMnist.Load(DataSplit.Train) : null;
        foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
        {
            string p = precision == Precision.Float32 ? "f32" : "f64";
            workloads.Add(new Workload($"digits epoch 64-32-10, batch 32, {p}",
                new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = precision, Optimizer = new Sgd(0.1) },
                digits, 32, 1));
            workloads.Add(new Workload($"2-4-1 online step, {p}",
                new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)) { Precision = precision, Optimizer = new Sgd(0.5), Loss = Loss.MeanSquaredError },
                moons, 1, 256));
            if (fashion is not null)
                workloads.Add(new Workload($"Fashion-MNIST epoch 784-256-10, batch 128, {p}",
                    new Mlp(784, new Dense(256, Activation.Relu), new Dense(10, Activation.Softmax)) { Precision = precision, Optimizer = new Sgd(0.1) },
                    fashion, 128, 1));
        }
        if (fashion is null) log?.Invoke("Fashion-MNIST not found: its rows are left out.");

        var rows = new List<BenchRow>();
        // The long Fashion-MNIST epochs last.
        foreach (var workload in workloads.OrderBy(w => w.Data == fashion))
        {
            log?.Invoke($"raw TorchSharp, Bridge torch and managed: {workload.Name}");
            using var bridge = torchBackend.Build(workload.Spec, 1);
            using var managed = ManagedBackend.Batched.Build(workload.Spec, 1);
            using var raw = new RawTorchSharpLoop(workload.Spec, workload.Data, torch.CPU);
            var (bridgeTimes, rawTimes, managedTimes) = (new double[_rounds], new double[_rounds], new double[_rounds]);
            // One warm-up epoch each, then the rounds, interleaved.
            BridgeEpoch(bridge, workload);
            raw.Epoch(workload.BatchSize);
            BridgeEpoch(managed, workload);
            for (int r = 0; r < _rounds; r++)
            {
                bridgeTimes[r] = BridgeEpoch(bridge, workload) / workload.PerEpoch;
                rawTimes[r] = raw.Epoch(workload.BatchSize) / workload.PerEpoch;
                // libtorch's worker threads spin for a moment after their last operation: let them stop first.
                Thread.Sleep(50);
                managedTimes[r] = BridgeEpoch(managed, workload) / workload.PerEpoch;
            }
            var (b, t, m) = (Timed.FromSamples(bridgeTimes), Timed.FromSamples(rawTimes), Timed.FromSamples(managedTimes));
            log?.Invoke($"  raw TorchSharp {Format(t.Best)} (median {Format(t.Median)}), Bridge torch {Format(b.Best)} ({Format(b.Median)}), managed {Format(m.Best)} ({Format(m.Median)})");
            rows.Add(new BenchRow($"{workload.Name}: Bridge torch vs raw TorchSharp", Format(b.Best), Format(t.Best),
                t.Best / b.Best, t.Median / b.Median, "≥ 0.95 (within 1.05×)", t.Best / b.Best >= 1 / 1.05,
                "the trainer's bookkeeping; one read of the losses per epoch"));
            rows.Add(new BenchRow($"{workload.Name}: managed vs raw TorchSharp", Format(m.Best), Format(t.Best),
                t.Best / m.Best, t.Median / m.Median, "≥ 1.0", t.Best / m.Best >= 1.0, "the managed engine's kernels and data path"));
        }
        return rows;
    }

    /// <summary>
    /// Seconds of one epoch as the trainer times it (the data copy to the device of a queued fit is before it), with the
    /// same work as the raw loop: no running accuracy, which the raw loop does not count.
    /// </summary>
    private static double BridgeEpoch(IModel model, Workload workload) =>
        Trainer.Fit(model, workload.Data, new TrainingOptions
        {
            Epochs = 1, BatchSize = workload.BatchSize, EvaluateEachEpoch = false, CountRunningAccuracy = false,
        }).Epochs[0].Elapsed.TotalSeconds;

    private static string Format(double seconds) => seconds < 1e-3 ? $"{seconds * 1e6:F1} µs" : $"{seconds * 1e3:F2} ms";
}
