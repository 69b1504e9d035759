using Bridge.Managed;
using Bridge.Torch;

namespace Bridge.Isolation.Tests;

/// <summary>
/// A backend in a worker computes exactly what it computes in process: the same bits for every output, loss, gradient,
/// weight and optimizer slot, because everything crosses as raw bytes.
/// </summary>
public sealed class WorkerAgreementTests
{
    private static readonly Dataset Spirals = Datasets.Spirals(samples: 120, seed: 3);

    public static TheoryData<string, string> Cases => new()
    {
        { "float64", "momentum" },
        { "float64", "adam" },
        { "float32", "nesterov" },
        { "float32", "adam" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_managed_engine_in_a_worker_gives_the_same_bits_as_in_process(string precision, string optimizer)
    {
        var spec = Spec(PrecisionExtensions.Parse(precision), optimizer);
        using var isolated = new ManagedBackend("managed").InWorkerProcess();
        AssertSameBits(ManagedBackend.Batched, isolated, spec);
    }

    [Fact]
    public void Torch_in_a_worker_gives_the_same_bits_as_torch_in_process()
    {
        var spec = Spec(Precision.Float64, "adam");
        using var isolated = new TorchBackend("cpu").InWorkerProcess();
        AssertSameBits(new TorchBackend("cpu"), isolated, spec);
    }

    [Fact]
    public void The_model_says_it_runs_in_a_worker_and_the_worker_is_another_process()
    {
        using var isolated = new ManagedBackend("managed").InWorkerProcess();
        using var model = isolated.Build(Spec(Precision.Float64, "momentum"), seed: 1);
        Assert.NotNull(isolated.WorkerProcessId);
        Assert.NotEqual(Environment.ProcessId, isolated.WorkerProcessId);
        Assert.Contains($"worker process {isolated.WorkerProcessId}", model.Device);
        Assert.Equal("managed", model.Backend);
        Assert.Same(model.Spec, model.Spec);
    }

    private static Mlp Spec(Precision precision, string optimizer) =>
        new(2, new Dense(8, Activation.Tanh), new Dense(3, Activation.Softmax))
        {
            Precision = precision,
            Optimizer = optimizer switch
            {
                "momentum" => new Sgd(0.1, 0.9),
                "nesterov" => new Sgd(0.05, 0.9, Nesterov: true),
                _ => new Adam(0.01),
            },
        };

    private static void AssertSameBits(IBackend local, IBackend isolated, ModelSpec spec)
    {
        var initial = spec.Init.Draw(spec, 7);
        using var a = local.Build(spec, initial.Clone());
        using var b = isolated.Build(spec, initial.Clone());
        var batch = Spirals.ToBatch(spec);

        Assert.Equal(Bits(a.Forward(batch.Inputs).Data), Bits(b.Forward(batch.Inputs).Data));
        Assert.Equal(Bits(a.ForwardRange(batch.Inputs, 0, 1).Data), Bits(b.ForwardRange(batch.Inputs, 0, 1).Data));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Loss(batch)), BitConverter.DoubleToInt64Bits(b.Loss(batch)));
        Assert.Equal(Bits(a.Gradients(batch).Flatten()), Bits(b.Gradients(batch).Flatten()));

        var history = new List<(StepResult, StepResult)>();
        var rows = Enumerable.Range(0, batch.Count).ToArray();
        for (int step = 0; step < 12; step++)
        {
            var part = rows.Skip(step * 7 % 100).Take(16).ToArray();
            var sub = new Batch(batch.Inputs.SelectRows(part), batch.Targets.SelectRows(part), batch.Labels is null ? null : part.Select(r => batch.Labels![r]).ToArray());
            history.Add((a.TrainStep(sub), b.TrainStep(sub)));
        }
        foreach (var (x, y) in history) Assert.Equal(x, y);
        Assert.Equal(Bits(a.GetWeights().Flatten()), Bits(b.GetWeights().Flatten()));

        var stateA = a.GetOptimizerState();
        var stateB = b.GetOptimizerState();
        Assert.Equal(stateA.Steps, stateB.Steps);
        foreach (var (name, slot) in stateA.Slots) Assert.Equal(Bits(slot.Flatten()), Bits(stateB.Slots[name].Flatten()));

        // State set through the pipe is the state the model then steps from.
        var moved = a.GetWeights();
        moved.Layers[0].Kernel[0] += 0.25;
        b.SetWeights(moved);
        a.SetWeights(moved);
        b.SetOptimizerState(stateA);
        Assert.Equal(a.TrainStep(batch), b.TrainStep(batch));
        Assert.Equal(Bits(a.GetWeights().Flatten()), Bits(b.GetWeights().Flatten()));
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
