namespace Bridge.Testing;

/// <summary>
/// A run that diverges part-way: steep targets (10⁴·x·y) and a large rate overflow the weights after some steps of an
/// epoch past the first. What the queued paths are held to: they report the divergence where step-by-step training does.
/// </summary>
internal static class SteepRegression
{
    public static Mlp Spec() =>
        new(2, new Dense(8, Activation.Relu), new Dense(1, Activation.Linear)) { Optimizer = new Sgd(0.004, 0.9), Loss = Loss.MeanSquaredError };

    public static Dataset Data()
    {
        var rng = new Rng(3);
        var x = new Matrix(256, 2);
        var y = new Matrix(256, 1);
        for (int i = 0; i < 256; i++)
        {
            x[i, 0] = rng.Uniform(-10, 10);
            x[i, 1] = rng.Uniform(-10, 10);
            y[i, 0] = 1e4 * x[i, 0] * x[i, 1];
        }
        return Dataset.Regression("steep", x, y);
    }

    /// <summary>
    /// Fits both models (50 epochs, batches of 8) and asserts that both diverge at the same epoch, step and layer, after
    /// the same steps, and that the queued model is left with finite weights.
    /// </summary>
    public static void DivergeBoth(IModel stepByStep, IModel queued)
    {
        var data = Data();
        var options = new TrainingOptions { Epochs = 50, BatchSize = 8, EvaluateEachEpoch = false };
        var expected = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(stepByStep, data, options));
        var actual = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(queued, data, options));
        Assert.True(expected.Epoch > 0 || expected.Step > 0, "the divergence should come after some steps for this test to mean anything");
        Assert.Equal((expected.Epoch, expected.Step, expected.Layer), (actual.Epoch, actual.Step, actual.Layer));
        Assert.Equal(double.IsFinite(expected.LossValue), double.IsFinite(actual.LossValue));
        Assert.Equal(expected.History.StepsTaken, actual.History.StepsTaken);
        Assert.Null(queued.GetWeights().FirstNonFiniteLayer());
    }
}
