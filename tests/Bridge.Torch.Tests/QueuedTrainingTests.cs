using Bridge.Testing;

namespace Bridge.Torch.Tests;

/// <summary>
/// The trainer's queued path on the torch backend (the data set on the device, no read per step) against the same
/// model trained step by step through <see cref="IModel.TrainStep"/>: the same weights and history, the same
/// divergence report, and the number of host/device copies it promises. "The same" is up to rounding, not bit for
/// bit: libtorch on the CPU does not repeat itself bit for bit (two step-by-step runs of one model differ in the last
/// bits after a few steps), so the bound is a few units in the last place of the precision.
/// </summary>
public sealed class QueuedTrainingTests
{
    private static readonly TorchBackend Torch = new();

    public static TheoryData<string, Precision> Configurations()
    {
        var data = new TheoryData<string, Precision>();
        foreach (var name in new[] { "sgd", "momentum", "nesterov", "adam" })
        foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
            data.Add(name, precision);
        return data;
    }

    private static Optimizer OptimizerNamed(string name) => name switch
    {
        "sgd" => new Sgd(0.1),
        "momentum" => new Sgd(0.1, 0.9),
        "nesterov" => new Sgd(0.1, 0.9, true),
        _ => new Adam(0.01),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Queued_training_gives_the_weights_and_history_of_step_by_step_training(string optimizer, Precision precision)
    {
        foreach (bool crossEntropy in new[] { true, false })
        {
            var spec = Spec(OptimizerNamed(optimizer), precision, crossEntropy);
            var data = Data(spec, 61, 3);
            // A batch of 8 leaves a last step of 5: both sizes are queued.
            var options = new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 4, EvaluateEachEpoch = false, ProgressEverySteps = 3, OnProgress = _ => { } };
            using var queued = Torch.Build(spec, 1);
            using var stepwise = new StepByStepModel(Torch.Build(spec, 1));
            var queuedHistory = Trainer.Fit(queued, data, options);
            var stepwiseHistory = Trainer.Fit(stepwise, data, options);
            double bound = Rounding(precision);
            double weights = Agreement.RelativeError(stepwise.GetWeights(), queued.GetWeights());
            Assert.True(weights < bound, $"weights differ by {weights}");
            Assert.Equal(stepwiseHistory.Epochs.Count, queuedHistory.Epochs.Count);
            foreach (var (e, q) in stepwiseHistory.Epochs.Zip(queuedHistory.Epochs))
                Assert.True(Agreement.RelativeError(e.Loss, q.Loss) < bound, $"epoch {e.Epoch}: loss {e.Loss} against {q.Loss}");
            Assert.Equal(stepwiseHistory.StepsTaken, queuedHistory.StepsTaken);
            var (a, b) = (stepwise.GetOptimizerState(), queued.GetOptimizerState());
            Assert.Equal(a.Steps, b.Steps);
            foreach (var (slot, value) in a.Slots)
                Assert.True(Agreement.RelativeError(value, b.Slots[slot]) < bound, $"optimizer slot {slot}");
        }
    }

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

    [Fact]
    public void A_diverging_step_in_mid_epoch_is_reported_where_step_by_step_training_reports_it()
    {
        var spec = SteepRegression.Spec();
        using var queued = Torch.Build(spec, 1);
        using var stepwise = new StepByStepModel(Torch.Build(spec, 1));
        SteepRegression.DivergeBoth(stepwise, queued);
        Assert.True(Agreement.RelativeError(stepwise.GetWeights(), queued.GetWeights()) < Rounding(Precision.Float64));
    }

    [Fact]
    public void Bad_data_is_refused_before_the_first_step()
    {
        var spec = Spec(new Sgd(0.1), Precision.Float64, crossEntropy: false);
        var data = Data(spec, 20, 1);
        data.Features[7, 2] = double.NaN;
        using var model = Torch.Build(spec, 1);
        var before = model.GetWeights();
        Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, new TrainingOptions { Epochs = 1 }));
        Assert.Equal(0, Agreement.RelativeError(before, model.GetWeights()));
    }

    /// <summary>A few hundred units in the last place: what libtorch's own run-to-run differences reach in these runs.</summary>
    private static double Rounding(Precision precision) => precision == Precision.Float32 ? 1e-5 : 1e-13;

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
