using BenchmarkDotNet.Attributes;
using Bridge.Managed;
using Bridge.Torch;

namespace Bridge.Benchmarks;

/// <summary>The training targets: a digits epoch, a 2-4-1 online step, a Fashion-MNIST epoch, per backend.</summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private IModel _digits = null!, _xor = null!;
    private Dataset _digitsData = null!;
    private Batch _sample = null!;
    private readonly TrainingOptions _epoch = new() { Epochs = 1, BatchSize = 32, EvaluateEachEpoch = false };

    [Params("managed", "torch")]
    public string Backend { get; set; } = "managed";

    [GlobalSetup]
    public void Setup()
    {
        IBackend backend = Backend == "torch" ? new TorchBackend() : ManagedBackend.Batched;
        _digitsData = Digits.Load();
        _digits = backend.Build(new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32 }, 1);
        _xor = backend.Build(new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)) { Precision = Precision.Float32, Optimizer = new Sgd(0.5) }, 1);
        _sample = new Batch(Matrix.FromRows([0.0, 1.0]), Matrix.FromRows([1.0]), [1]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _digits.Dispose();
        _xor.Dispose();
    }

    /// <summary>64-32-10, batch 32, float32: one epoch over the 1,797 digits (57 steps).</summary>
    [Benchmark]
    public History DigitsEpoch() => Trainer.Fit(_digits, _digitsData, _epoch);

    /// <summary>2-4-1, one sample per step.</summary>
    [Benchmark]
    public StepResult OnlineStep() => _xor.TrainStep(_sample);
}

/// <summary>784-256-10, batch 128, float32: one epoch over Fashion-MNIST's 60,000 training images.</summary>
// An epoch takes about a second: five measured iterations after one warm-up are enough.
[WarmupCount(1)]
[IterationCount(5)]
public class FashionMnistBenchmarks
{
    private IModel _model = null!;
    private Dataset _data = null!;
    private readonly TrainingOptions _epoch = new() { Epochs = 1, BatchSize = 128, EvaluateEachEpoch = false };

    [Params("managed", "torch")]
    public string Backend { get; set; } = "managed";

    [GlobalSetup]
    public void Setup()
    {
        IBackend backend = Backend == "torch" ? new TorchBackend() : ManagedBackend.Batched;
        _data = FashionMnist.Load(DataSplit.Train);
        _model = backend.Build(new Mlp(784, new Dense(256, Activation.Relu), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32 }, 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark]
    public History Epoch() => Trainer.Fit(_model, _data, _epoch);
}
