using Bridge.Backends;

namespace Bridge.Testing;

/// <summary>A queued path held to step-by-step training where the backend computes each step the same way both ways.</summary>
internal static class QueuedAgreement
{
    /// <summary>
    /// Fits <paramref name="queued"/> (through its queued path) and <paramref name="stepByStep"/> (one TrainStep at a
    /// time) from the same weights, and asserts the same bits: weights, epoch losses, steps taken, optimizer state.
    /// </summary>
    public static void AssertSameBits(IModel stepByStep, IModel queued, Dataset data, TrainingOptions options)
    {
        Assert.IsAssignableFrom<IQueuedTrainingModel>(queued);
        Assert.False(stepByStep is IQueuedTrainingModel, "the reference must train one step at a time");
        var queuedHistory = Trainer.Fit(queued, data, options);
        var stepwiseHistory = Trainer.Fit(stepByStep, data, options);

        Assert.Equal(Bits(stepByStep.GetWeights().Flatten()), Bits(queued.GetWeights().Flatten()));
        Assert.Equal(stepwiseHistory.Epochs.Select(e => e.Loss), queuedHistory.Epochs.Select(e => e.Loss));
        Assert.Equal(stepwiseHistory.StepsTaken, queuedHistory.StepsTaken);
        var (a, b) = (stepByStep.GetOptimizerState(), queued.GetOptimizerState());
        Assert.Equal(a.Steps, b.Steps);
        foreach (var (slot, value) in a.Slots) Assert.Equal(Bits(value.Flatten()), Bits(b.Slots[slot].Flatten()));
    }

    public static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
