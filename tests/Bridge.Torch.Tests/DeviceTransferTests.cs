namespace Bridge.Torch.Tests;

/// <summary>
/// The host/device copies the torch backend promises: a fit through the trainer's queued path (the data set on the
/// device) reads back once per epoch and copies the data once; a step by step call reads back once. That the queued
/// path trains as one TrainStep after another is the conformance suite's to check.
/// </summary>
public sealed class DeviceTransferTests
{
    private static readonly TorchBackend Torch = new();

    [Fact]
    public void A_fit_reads_back_once_per_epoch_and_copies_the_data_once()
    {
        foreach (bool crossEntropy in new[] { true, false })
        {
            var spec = Spec(new Adam(0.01), Precision.Float32, crossEntropy);
            var data = Data(spec, 640, 5);
            using var model = Torch.Build(spec, 1);
            const int epochs = 3;
            long reads = DeviceTransfers.Reads, writes = DeviceTransfers.Writes;
            var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = epochs, BatchSize = 16, EvaluateEachEpoch = false });
            Assert.Equal(epochs * 40, history.StepsTaken);
            // One read per epoch (its losses and the finiteness of the weights), whatever the number of steps.
            Assert.Equal(epochs, DeviceTransfers.Reads - reads);
            // The inputs, and the labels (cross-entropy) or the targets (squared error) — never both — once per fit;
            // each epoch's order once.
            Assert.Equal(2 + epochs, DeviceTransfers.Writes - writes);
        }
    }

    [Fact]
    public void A_step_by_step_call_reads_back_once()
    {
        var spec = Spec(new Sgd(0.1, 0.9), Precision.Float64, crossEntropy: true);
        using var model = Torch.Build(spec, 1);
        var batch = RandomNets.BatchFor(spec, 8, 1);
        long reads = DeviceTransfers.Reads, writes = DeviceTransfers.Writes;
        for (int i = 0; i < 10; i++) Assert.True(model.TrainStep(batch).Applied);
        Assert.Equal(10, DeviceTransfers.Reads - reads);
        Assert.Equal(20, DeviceTransfers.Writes - writes);   // the inputs and the labels, not the unused targets
    }

    private static Mlp Spec(Optimizer optimizer, Precision precision, bool crossEntropy) =>
        new(6, new Dense(9, Activation.Tanh), crossEntropy ? new Dense(3, Activation.Softmax) : new Dense(3, Activation.Sigmoid))
        {
            Loss = crossEntropy ? Loss.CategoricalCrossEntropy : Loss.HalfSquaredError, Optimizer = optimizer, Precision = precision,
        };

    private static Dataset Data(ModelSpec spec, int count, ulong seed)
    {
        var batch = RandomNets.BatchFor(spec, count, seed);
        return Dataset.Classification("random", batch.Inputs, batch.Labels!, spec.Outputs);
    }
}
