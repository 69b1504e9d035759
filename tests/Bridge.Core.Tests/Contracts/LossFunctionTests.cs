namespace Bridge.Tests.Contracts;

public class LossFunctionTests
{
    public static TheoryData<Loss> Losses => [Loss.HalfSquaredError, Loss.MeanSquaredError, Loss.BinaryCrossEntropy, Loss.CategoricalCrossEntropy];

    /// <summary>Outputs in (0.05, 0.95), normalised for categorical cross-entropy, and targets in [0, 1].</summary>
    private static (double[] Outputs, double[] Targets, int Label) Sample(Loss loss, ulong seed)
    {
        var rng = new Rng(seed);
        var outputs = Enumerable.Range(0, 4).Select(_ => rng.Uniform(0.05, 0.95)).ToArray();
        if (loss == Loss.CategoricalCrossEntropy) outputs = outputs.Select(o => o / outputs.Sum()).ToArray();
        var targets = Enumerable.Range(0, 4).Select(_ => rng.NextDouble()).ToArray();
        return (outputs, targets, 2);
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Sample_gradients_match_finite_differences(Loss loss)
    {
        for (ulong seed = 0; seed < 5; seed++)
        {
            var (o, t, label) = Sample(loss, seed);
            var gradient = new double[4];
            LossFunctions.SampleGradient(loss, o, t, label, gradient);
            for (int j = 0; j < 4; j++)
            {
                const double h = 1e-6;
                var up = (double[])o.Clone();
                var down = (double[])o.Clone();
                up[j] += h;
                down[j] -= h;
                double numeric = (LossFunctions.Sample(loss, up, t, label) - LossFunctions.Sample(loss, down, t, label)) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[j]) <= 1e-7 * Math.Max(1, Math.Abs(numeric)), $"{loss} ∂e/∂o{j}: {gradient[j]} vs {numeric}");
            }
        }
    }

    [Fact]
    public void Values_match_hand_computed_examples()
    {
        double[] o = [0.8, 0.3], t = [1, 0];
        // With K = 2 outputs, ½·Σ and (1/K)·Σ coincide: ½·(0.2² + 0.3²) = (0.04 + 0.09)/2 = 0.065.
        Assert.Equal(0.065, LossFunctions.Sample(Loss.HalfSquaredError, o, t, -1), 15);
        Assert.Equal(0.065, LossFunctions.Sample(Loss.MeanSquaredError, o, t, -1), 15);
        // −½·(ln 0.8 + ln 0.7)
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7)) / 2, LossFunctions.Sample(Loss.BinaryCrossEntropy, o, t, -1), 15);
        Assert.Equal(-Math.Log(0.3), LossFunctions.Sample(Loss.CategoricalCrossEntropy, o, t, 1), 15);
        double[] three = [0.5, 0.1, 0.4], targets3 = [0, 0, 1];
        // With K = 3 they differ: ½·(0.25 + 0.01 + 0.36) = 0.31 against (0.25 + 0.01 + 0.36)/3.
        Assert.Equal(0.31, LossFunctions.Sample(Loss.HalfSquaredError, three, targets3, -1), 15);
        Assert.Equal(0.62 / 3, LossFunctions.Sample(Loss.MeanSquaredError, three, targets3, -1), 15);
    }

    [Fact]
    public void Mse_gradients_are_two_over_k_times_the_lecture_gradients()
    {
        var (o, t, _) = Sample(Loss.MeanSquaredError, 3);
        var half = new double[4];
        var mse = new double[4];
        LossFunctions.SampleGradient(Loss.HalfSquaredError, o, t, -1, half);
        LossFunctions.SampleGradient(Loss.MeanSquaredError, o, t, -1, mse);
        for (int j = 0; j < 4; j++) Assert.Equal(half[j] * 2 / 4, mse[j], 15);
        // The lecture's δ_out = f'(net)(t − o) is −∂e/∂net for half squared error: ∂e/∂o = o − t.
        Assert.Equal(o[0] - t[0], half[0], 15);
    }

    [Fact]
    public void The_batch_loss_is_the_mean_of_the_sample_losses()
    {
        var outputs = Matrix.FromRows([0.2, 0.8], [0.6, 0.4], [0.9, 0.1]);
        var targets = Matrix.FromRows([0.0, 1], [1.0, 0], [1.0, 0]);
        int[] labels = [1, 0, 0];
        foreach (var loss in new[] { Loss.HalfSquaredError, Loss.MeanSquaredError, Loss.BinaryCrossEntropy, Loss.CategoricalCrossEntropy })
        {
            double mean = Enumerable.Range(0, 3).Average(n => LossFunctions.Sample(loss, outputs.Row(n), targets.Row(n), labels[n]));
            Assert.Equal(mean, LossFunctions.Batch(loss, outputs, targets, labels), 15);
        }
        Assert.Equal((-Math.Log(0.8) - Math.Log(0.6) - Math.Log(0.9)) / 3, LossFunctions.Batch(Loss.CategoricalCrossEntropy, outputs, targets, labels), 15);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => LossFunctions.Batch(Loss.MeanSquaredError, new Matrix(0, 2), new Matrix(0, 2), [])).Message);
    }

    [Theory]
    [InlineData("lecture", Loss.HalfSquaredError)]
    [InlineData("MSE", Loss.MeanSquaredError)]
    [InlineData("bce", Loss.BinaryCrossEntropy)]
    [InlineData("sparse-categorical-crossentropy", Loss.CategoricalCrossEntropy)]
    public void Parses_loss_names(string name, Loss loss)
    {
        Assert.Equal(loss, LossNames.Parse(name));
        Assert.Equal(loss, LossNames.Parse(loss.Name()));
    }
}
