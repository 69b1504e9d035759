using System.Diagnostics;
using Bridge.Managed;
using Bridge.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bridge.Benchmarks;

/// <summary>
/// Bridge against TorchSharp itself: each workload as an idiomatic raw TorchSharp loop (nn.Linear layers, functional
/// activations, torch.optim.SGD, one dispose scope per step, the data already on the device as tensors, batches
/// index_select'ed by a randperm, nothing read back), timed in the same rounds as Bridge's torch backend and the
/// managed engine through the <see cref="Trainer"/> — the three interleaved, so a busy spell on the machine falls on
/// all of them. Figures are epochs (the 2-4-1 online workload: steps, an epoch of 256 divided by 256); Bridge's epochs
/// are the trainer's own epoch times, which leave out the copy of the data set to the device made once per fit, as
/// the raw loop's figures leave out making its tensors.
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
            using var raw = new RawLoop(workload.Spec, workload.Data);
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

    /// <summary>Seconds of one epoch as the trainer times it (the data copy to the device of a queued fit is before it).</summary>
    private static double BridgeEpoch(IModel model, Workload workload) =>
        Trainer.Fit(model, workload.Data, new TrainingOptions { Epochs = 1, BatchSize = workload.BatchSize, EvaluateEachEpoch = false })
            .Epochs[0].Elapsed.TotalSeconds;

    private static string Format(double seconds) => seconds < 1e-3 ? $"{seconds * 1e6:F1} µs" : $"{seconds * 1e3:F2} ms";

    /// <summary>The workload as one writes it in TorchSharp directly.</summary>
    private sealed class RawLoop : IDisposable
    {
        private readonly Linear _hidden, _output;
        private readonly bool _relu, _crossEntropy;
        private readonly optim.Optimizer _optimizer;
        private readonly Tensor _inputs, _targets;
        private readonly long _rows;

        public RawLoop(Mlp spec, Dataset data)
        {
            var dtype = spec.Precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;
            _hidden = nn.Linear(spec.Inputs, spec.Layers[0].Units, dtype: dtype);
            _output = nn.Linear(spec.Layers[0].Units, spec.Outputs, dtype: dtype);
            _relu = spec.Layers[0].Activation == Activation.Relu;
            _crossEntropy = spec.Loss == Loss.CategoricalCrossEntropy;
            _optimizer = optim.SGD(_hidden.parameters().Concat(_output.parameters()), ((Sgd)spec.Optimizer).LearningRate);
            _rows = data.Count;
            _inputs = torch.tensor(data.Features.Data, [data.Count, data.FeatureCount], dtype);
            _targets = _crossEntropy
                ? torch.tensor(data.Labels!.Select(l => (long)l).ToArray(), [data.Count], ScalarType.Int64)
                : torch.tensor(data.TargetsFor(spec).Data, [data.Count, spec.Outputs], dtype);
        }

        /// <summary>Seconds for one epoch.</summary>
        public double Epoch(int batchSize)
        {
            var clock = Stopwatch.StartNew();
            using var order = torch.randperm(_rows);
            for (long start = 0; start < _rows; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var rows = order.narrow(0, start, Math.Min(batchSize, _rows - start));
                var x = _inputs.index_select(0, rows);
                var y = _targets.index_select(0, rows);
                _optimizer.zero_grad();
                var hidden = _hidden.forward(x);
                hidden = _relu ? nn.functional.relu(hidden) : torch.sigmoid(hidden);
                var output = _output.forward(hidden);
                var loss = _crossEntropy ? nn.functional.cross_entropy(output, y) : nn.functional.mse_loss(torch.sigmoid(output), y);
                loss.backward();
                _optimizer.step();
            }
            return clock.Elapsed.TotalSeconds;
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _hidden.Dispose();
            _output.Dispose();
            _inputs.Dispose();
            _targets.Dispose();
        }
    }
}
