using System.Globalization;
using Bridge.Managed;
using Bridge.Torch;
using TorchSharp;

namespace Bridge.Comparison;

/// <summary>
/// The managed engine against libtorch (TorchSharp) on the workloads of a course and of MNIST, measured in one run so
/// the ratios are comparable on a noisy machine. Each row states its target; every figure is a median.
/// </summary>
public sealed class BenchSuite(bool quick, Action<string>? log = null)
{
    private readonly int _rounds = quick ? 5 : 11;

    public IReadOnlyList<BenchRow> Run()
    {
        var rows = new List<BenchRow>();
        var torch = new TorchBackend();
        bool haveTorch = torch.Availability.IsAvailable;
        if (!haveTorch) log?.Invoke($"torch unavailable: {torch.Availability.Detail}");

        // Matrix multiply first: its rate sets the arithmetic floor of the epochs.
        double best = 0;
        foreach (int size in new[] { 512, 1024 })
        {
            double managed = ManagedMatmulSeconds(size);
            double flops = 2.0 * size * size * size;
            best = Math.Max(best, flops / managed);
            if (haveTorch)
            {
                double other = TorchMatmulSeconds(size);
                best = Math.Max(best, flops / other);
                rows.Add(new BenchRow($"float32 matmul {size}×{size}", Gflops(flops / managed), Gflops(flops / other), other / managed,
                    "≥ 0.60", other / managed >= 0.6, "arithmetic: FMA throughput and cache blocking"));
            }
        }

        var digits = Digits.Load();
        var digitsSpec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Sgd(0.1) };
        double managedEpoch = EpochSeconds(ManagedBackend.Batched, digitsSpec, digits, 32);
        double digitsFlops = digits.Count * 2.0 * (2 * (64 * 32 + 32 * 10) + 32 * 10);
        if (haveTorch)
        {
            double torchEpoch = EpochSeconds(torch, digitsSpec, digits, 32);
            rows.Add(new BenchRow("digits epoch 64-32-10, batch 32", Milliseconds(managedEpoch), Milliseconds(torchEpoch), torchEpoch / managedEpoch,
                "≥ 10", torchEpoch / managedEpoch >= 10, "overhead per step: 57 steps of ~0.3 MFLOP each"));
        }
        double floor = digitsFlops / best;
        rows.Add(new BenchRow("digits epoch against the arithmetic floor", Milliseconds(managedEpoch), $"floor {Milliseconds(floor)} at {Gflops(best)}",
            managedEpoch / floor, "≤ 4", managedEpoch / floor <= 4, "small matrices run far below peak; exp for 1,344 activations"));

        var xorSpec = new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)) { Precision = Precision.Float32, Optimizer = new Sgd(0.5) };
        double managedStep = OnlineStepSeconds(ManagedBackend.Batched, xorSpec);
        if (haveTorch)
        {
            double torchStep = OnlineStepSeconds(torch, xorSpec);
            rows.Add(new BenchRow("2-4-1 online step", Microseconds(managedStep), Microseconds(torchStep), torchStep / managedStep,
                "< 1 µs, ≥ 100", managedStep < 1e-6 && torchStep / managedStep >= 100, "call overhead: checks, conversions"));
        }
        else rows.Add(new BenchRow("2-4-1 online step", Microseconds(managedStep), "-", double.NaN, "< 1 µs", managedStep < 1e-6, "call overhead"));

        long allocated = AllocationPerStep(digitsSpec);
        rows.Add(new BenchRow("managed bytes allocated per training step", allocated.ToString(CultureInfo.InvariantCulture), "-", double.NaN, "0", allocated == 0, "buffers reused"));

        if (haveTorch && FashionMnistAvailable())
        {
            var fashion = FashionMnist.Load(DataSplit.Train);
            var fashionSpec = new Mlp(784, new Dense(256, Activation.Relu), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Sgd(0.1) };
            double managed = FullEpochSeconds(ManagedBackend.Batched, fashionSpec, fashion, 128);
            double other = FullEpochSeconds(torch, fashionSpec, fashion, 128);
            rows.Add(new BenchRow("Fashion-MNIST epoch 784-256-10, batch 128", Milliseconds(managed), Milliseconds(other), other / managed,
                "≥ 0.83 (within 1.2×)", other / managed >= 1 / 1.2, "arithmetic: 60,000 × 0.6 MFLOP on both cores"));
        }
        return rows;
    }

    private double EpochSeconds(IBackend backend, ModelSpec spec, Dataset data, int batch)
    {
        log?.Invoke($"{backend.Name}: {spec.Describe()} epoch");
        using var model = backend.Build(spec, 1);
        var options = new TrainingOptions { Epochs = 1, BatchSize = batch, EvaluateEachEpoch = false };
        return Timing.Median(() => Trainer.Fit(model, data, options), _rounds, roundSeconds: 0.2);
    }

    private double FullEpochSeconds(IBackend backend, ModelSpec spec, Dataset data, int batch)
    {
        log?.Invoke($"{backend.Name}: {spec.Describe()} epoch over {data.Count} samples");
        using var model = backend.Build(spec, 1);
        var options = new TrainingOptions { Epochs = 1, BatchSize = batch, EvaluateEachEpoch = false };
        Trainer.Fit(model, data.Take(6000), options);
        var samples = new double[quick ? 3 : 5];
        for (int r = 0; r < samples.Length; r++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Trainer.Fit(model, data, options);
            samples[r] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    private double OnlineStepSeconds(IBackend backend, ModelSpec spec)
    {
        log?.Invoke($"{backend.Name}: {spec.Describe()} online step");
        using var model = backend.Build(spec, 1);
        var sample = new Batch(Matrix.FromRows([0.0, 1.0]), Matrix.FromRows([1.0]), [1]);
        return Timing.Median(() => model.TrainStep(sample), _rounds);
    }

    private static long AllocationPerStep(ModelSpec spec)
    {
        using var model = ManagedBackend.Batched.Build(spec, 1);
        var rng = new Rng(1);
        var x = new Matrix(32, spec.Inputs);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.NextDouble();
        var labels = Enumerable.Range(0, 32).Select(i => i % spec.Outputs).ToArray();
        var batch = new Batch(x, OneHot.Encode(labels, spec.Outputs), labels);
        for (int i = 0; i < 2000; i++) model.TrainStep(batch);
        Thread.Sleep(300);
        for (int i = 0; i < 500; i++) model.TrainStep(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) model.TrainStep(batch);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
    }

    private double ManagedMatmulSeconds(int size)
    {
        log?.Invoke($"managed: {size}×{size} matmul");
        var (a, b) = (RandomFloats(size * size, 1), RandomFloats(size * size, 2));
        var c = new float[size * size];
        return Timing.Median(() => Bridge.Managed.Kernels.Gemm<float>.MultiplyAddBias(a, size, size, b, size, [], c), _rounds, roundSeconds: 0.3);
    }

    private double TorchMatmulSeconds(int size)
    {
        log?.Invoke($"torch: {size}×{size} matmul");
        using var scope = torch.NewDisposeScope();
        var a = torch.rand([size, size], torch.float32);
        var b = torch.rand([size, size], torch.float32);
        return Timing.Median(() =>
        {
            using var c = torch.matmul(a, b);
        }, _rounds, roundSeconds: 0.3);
    }

    private static float[] RandomFloats(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)rng.NextDouble();
        return values;
    }

    private static bool FashionMnistAvailable()
    {
        try
        {
            FashionMnist.Load(DataSplit.Test, limit: 1);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private static string Milliseconds(double seconds) => $"{seconds * 1e3:F3} ms";

    private static string Microseconds(double seconds) => $"{seconds * 1e6:F2} µs";

    private static string Gflops(double rate) => $"{rate / 1e9:F0} GFLOP/s";
}
