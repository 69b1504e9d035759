using System.Diagnostics;
using System.Globalization;
using Bridge.Torch;
using static TorchSharp.torch;

namespace Bridge.Benchmarks;

/// <summary>One network of the device bench: layer widths (input first) and the batch size, written 784-256-10:128.</summary>
public sealed record BenchNet(IReadOnlyList<int> Widths, int BatchSize)
{
    /// <summary>What <c>bench --device</c> times unless told otherwise: a small network and one big enough to fill a GPU.</summary>
    public const string Defaults = "784-256-10:128,784-4096-4096-10:1024";

    /// <exception cref="FormatException">The text is not WIDTH-WIDTH-…:BATCH with at least two widths, all positive.</exception>
    public static BenchNet Parse(string text)
    {
        var parts = text.Trim().Split(':');
        var widths = parts[0].Split('-').Select(w => int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : -1).ToList();
        if (parts.Length != 2 || widths.Count < 2 || widths.Contains(-1)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int batch) || batch < 1)
            throw new FormatException($"'{text}' is not a network of the bench: write the layer widths, input first, and the batch size, as 784-256-10:128.");
        return new BenchNet(widths, batch);
    }

    public string Name => $"{string.Join('-', Widths)} b{BatchSize}";

    /// <summary>
    /// Floating-point operations of one training step per sample: forward 2·Σ in·out, the weights' gradients 2·Σ in·out,
    /// the inputs' gradients 2·Σ in·out except the first layer's (nothing needs it). Activations, loss and update are
    /// not counted (a few per weight or unit, against thousands).
    /// </summary>
    public double FlopsPerSample()
    {
        double products = 0;
        for (int l = 0; l + 1 < Widths.Count; l++) products += (double)Widths[l] * Widths[l + 1];
        return 6 * products - 2.0 * Widths[0] * Widths[1];
    }
}

/// <summary>
/// Bridge's torch backend against the same training written in raw TorchSharp (<see cref="RawTorchSharpLoop"/>) on
/// one device — a CUDA card, or the CPU — in rounds interleaved, so a busy spell falls on both; and the device's rate
/// of matrix products (torch.mm of two square matrices) in each precision, against which each training rate is a
/// fraction. Networks: ReLU hidden layers, a softmax output, cross-entropy, plain SGD. Data: generated samples of
/// Fashion-MNIST's shape (inputs in [0, 1), ten classes) — timings do not depend on the values, and a card's machine
/// need not have the files. Epoch times are the trainer's own for Bridge (the data set's copy to the device, once
/// per fit, is before them) and the loop's, its device work finished, for raw TorchSharp.
/// </summary>
public sealed class DeviceBench(string device, IReadOnlyList<BenchNet> nets, int samples, int rounds, Action<string>? log = null)
{
    /// <summary>One workload's figures in seconds per epoch (fastest and median round) and its work per epoch.</summary>
    public sealed record Figures(string Net, int BatchSize, string Precision, int Samples, double BridgeBest, double BridgeMedian,
        double RawBest, double RawMedian, double FlopsPerEpoch, double MatmulFlopsPerSecond);

    public sealed record Outcome(string Device, string Detail, IReadOnlyList<BenchRow> Rows, IReadOnlyList<Figures> Figures,
        IReadOnlyDictionary<string, double> MatmulFlopsPerSecond);

    public Outcome Run()
    {
        var backend = new TorchBackend(device);
        if (!backend.Availability.IsAvailable) throw new BackendUnavailableException("torch", backend.Availability.Detail);
        var torchDevice = TorchDevice.Resolve(device);
        var rates = new Dictionary<string, double>();
        foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
        {
            rates[Name(precision)] = MatmulRate(torchDevice, precision);
            log?.Invoke($"torch.mm on {torchDevice}, {Name(precision)}: {rates[Name(precision)] / 1e12:F2} TFLOP/s");
        }
        var rows = new List<BenchRow>();
        var figures = new List<Figures>();
        foreach (var net in nets)
        foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
        {
            var spec = Spec(net, precision);
            var data = Data(net.Widths[0], net.Widths[^1]);
            log?.Invoke($"Bridge torch and raw TorchSharp on {torchDevice}: {net.Name}, {Name(precision)}, {samples:N0} samples");
            using var bridge = backend.Build(spec, 1);
            using var raw = new RawTorchSharpLoop(spec, data, torchDevice);
            var (bridgeTimes, rawTimes) = (new double[rounds], new double[rounds]);
            BridgeEpoch(bridge, data, net.BatchSize);
            raw.Epoch(net.BatchSize);
            for (int r = 0; r < rounds; r++)
            {
                bridgeTimes[r] = BridgeEpoch(bridge, data, net.BatchSize);
                rawTimes[r] = raw.Epoch(net.BatchSize);
            }
            var (b, t) = (Timed.FromSamples(bridgeTimes), Timed.FromSamples(rawTimes));
            double flops = net.FlopsPerSample() * samples, peak = rates[Name(precision)];
            figures.Add(new Figures(string.Join('-', net.Widths), net.BatchSize, Name(precision), samples, b.Best, b.Median, t.Best, t.Median, flops, peak));
            log?.Invoke($"  Bridge {Format(b.Best)} (median {Format(b.Median)}), raw TorchSharp {Format(t.Best)} ({Format(t.Median)}) per epoch");
            rows.Add(new BenchRow($"{net.Name} {Name(precision)} on {torchDevice}: Bridge torch vs raw TorchSharp", Format(b.Best), Format(t.Best),
                t.Best / b.Best, t.Median / b.Median, "≥ 0.95 (within 1.05×)", t.Best / b.Best >= 1 / 1.05,
                $"Bridge {flops / b.Best / 1e12:F2} TFLOP/s = {100 * flops / b.Best / peak:F0} % of torch.mm's {peak / 1e12:F2}"));
        }
        return new Outcome(torchDevice.ToString(), backend.Availability.Detail, rows, figures, rates);
    }

    /// <summary>Floating-point operations per second of the fastest of several products of two n×n matrices, the work finished.</summary>
    private static double MatmulRate(Device device, Precision precision)
    {
        int n = device.type == TorchSharp.DeviceType.CUDA ? 8192 : 1024;
        var dtype = precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;
        using var scope = NewDisposeScope();
        var a = randn([n, n], dtype, device);
        var b = randn([n, n], dtype, device);
        double best = double.MaxValue;
        for (int i = 0; i < 7; i++)
        {
            Finish(device);
            var clock = Stopwatch.StartNew();
            using (var product = a.mm(b)) Finish(device);
            if (i >= 2) best = Math.Min(best, clock.Elapsed.TotalSeconds); // the first products warm the library up
        }
        return 2.0 * n * n * n / best;
    }

    private static void Finish(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
    }

    private static double BridgeEpoch(IModel model, Dataset data, int batchSize) =>
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, BatchSize = batchSize, EvaluateEachEpoch = false }).Epochs[0].Elapsed.TotalSeconds;

    private static Mlp Spec(BenchNet net, Precision precision)
    {
        var layers = net.Widths.Skip(1).Select((w, i) => new Dense(w, i == net.Widths.Count - 2 ? Activation.Softmax : Activation.Relu)).ToArray();
        return new Mlp(net.Widths[0], layers) { Precision = precision, Optimizer = new Sgd(0.01, 0), Loss = Loss.CategoricalCrossEntropy };
    }

    private Dataset Data(int features, int classes)
    {
        var rng = new Rng(7);
        var x = new Matrix(samples, features);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.Uniform(0, 1);
        var labels = new int[samples];
        for (int i = 0; i < samples; i++) labels[i] = rng.NextInt(classes);
        return Dataset.Classification($"{samples} generated samples of {features} inputs", x, labels, classes);
    }

    private static string Name(Precision precision) => precision == Precision.Float32 ? "float32" : "float64";

    private static string Format(double seconds) => seconds < 1e-3 ? $"{seconds * 1e6:F1} µs" : $"{seconds * 1e3:F2} ms";
}
