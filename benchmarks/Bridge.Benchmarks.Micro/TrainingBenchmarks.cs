using BenchmarkDotNet.Attributes;
using Bridge.Backends;
using Bridge.Catalog;

namespace Bridge.Benchmarks.Micro;

/// <summary>
/// The backends of the catalog that can train a spec here; the others are named with the reason on the console (the
/// Python ones need BRIDGE_PYTHON pointing at an interpreter with scikit-learn, or Keras, and a spec they express).
/// </summary>
internal static class RunnableBackends
{
    public static IEnumerable<string> For(ModelSpec spec)
    {
        var (usable, unusable) = BackendCatalog.ThatCanRun(spec);
        foreach (var (name, reason) in unusable) Console.WriteLine($"// {name} left out of {spec.Describe()}: {reason}");
        return usable.Select(backend => backend.Name);
    }
}

/// <summary>
/// 64-32-10, batch 32, float32: one epoch over the 1,797 digits (57 steps), on every backend that can run it, and on
/// the managed engine with both halves of every batch on one core (<see cref="OneCore"/>), what a one-core machine does.
/// </summary>
[MemoryDiagnoser]
public class DigitsTrainingBenchmarks
{
    private const string OneCore = "managed-one-core";
    private static readonly Mlp Spec = new(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32 };
    private readonly TrainingOptions _epoch = new() { Epochs = 1, BatchSize = 32, EvaluateEachEpoch = false };
    private IModel _model = null!;
    private Dataset _data = null!;

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "managed";

    public static IEnumerable<string> Backends() => RunnableBackends.For(Spec).Append(OneCore);

    [GlobalSetup]
    public void Setup()
    {
        _data = Digits.Load();
        bool oneCore = Backend == OneCore;
        if (oneCore) Bridge.Managed.Kernels.WorkerPool.Shared.Placement = Bridge.Managed.Kernels.WorkerPool.PairPlacement.Here;
        _model = BackendCatalog.Get(oneCore ? "managed" : Backend).Build(Spec, 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Bridge.Managed.Kernels.WorkerPool.Shared.Placement = Bridge.Managed.Kernels.WorkerPool.PairPlacement.Offered;
    }

    [Benchmark]
    public History DigitsEpoch() => Trainer.Fit(_model, _data, _epoch);
}

/// <summary>2-4-1, one sample per step, on every backend that can run it.</summary>
[MemoryDiagnoser]
public class OnlineTrainingBenchmarks
{
    private static readonly Mlp Spec = new(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)) { Precision = Precision.Float32, Optimizer = new Sgd(0.5) };
    private readonly Batch _sample = new(Matrix.FromRows([0.0, 1.0]), Matrix.FromRows([1.0]), [1]);
    private IModel _model = null!;

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "managed";

    public static IEnumerable<string> Backends() => RunnableBackends.For(Spec);

    [GlobalSetup]
    public void Setup() => _model = BackendCatalog.Get(Backend).Build(Spec, 1);

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark]
    public StepResult OnlineStep() => _model.TrainStep(_sample);
}

/// <summary>784-256-10, batch 128, float32: one epoch over Fashion-MNIST's 60,000 training images.</summary>
// An epoch takes about a second: five measured iterations after one warm-up are enough.
[WarmupCount(1)]
[IterationCount(5)]
public class FashionMnistBenchmarks
{
    private static readonly Mlp Spec = new(784, new Dense(256, Activation.Relu), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32 };
    private readonly TrainingOptions _epoch = new() { Epochs = 1, BatchSize = 128, EvaluateEachEpoch = false };
    private IModel _model = null!;
    private Dataset _data = null!;

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "managed";

    // The teaching path works sample by sample through the lecture's formulas: minutes per epoch of 60,000 images.
    public static IEnumerable<string> Backends() => RunnableBackends.For(Spec).Where(name => name != "managed-teaching");

    [GlobalSetup]
    public void Setup()
    {
        _data = FashionMnist.Load(DataSplit.Train);
        _model = BackendCatalog.Get(Backend).Build(Spec, 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark]
    public History Epoch() => Trainer.Fit(_model, _data, _epoch);
}
