namespace Bridge.Tests.Contracts;

public class WeightInitTests
{
    /// <summary>Fills a big layer so that sample moments are accurate.</summary>
    private static LayerWeights Draw(WeightInit init, int inputs, int outputs, ulong seed = 1)
    {
        var layer = new LayerWeights(inputs, outputs);
        init.Fill(layer, new Rng(seed));
        return layer;
    }

    private static (double Mean, double Variance, double MaxAbs) Moments(double[] values)
    {
        double mean = values.Average();
        return (mean, values.Select(v => (v - mean) * (v - mean)).Average(), values.Max(Math.Abs));
    }

    [Theory]
    [InlineData(300, 200)]
    [InlineData(784, 32)]
    public void Glorot_uniform_stays_within_its_bound_with_variance_2_over_fan_sum(int fanIn, int fanOut)
    {
        var layer = Draw(WeightInit.GlorotUniform, fanIn, fanOut);
        double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        var (mean, variance, maxAbs) = Moments(layer.Kernel);
        Assert.True(maxAbs < bound);
        Assert.True(maxAbs > 0.99 * bound, "the draws should reach close to the bound");
        double expected = 2.0 / (fanIn + fanOut); // a²/3
        Assert.InRange(variance / expected, 0.98, 1.02); // n ≥ 25000 draws: relative standard error ≤ 0.6%
        Assert.InRange(mean, -0.01 * bound, 0.01 * bound);
        Assert.All(layer.Bias, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Glorot_normal_is_truncated_at_two_deviations_and_keeps_the_variance()
    {
        var layer = Draw(WeightInit.GlorotNormal, 400, 200);
        double sd = Math.Sqrt(2.0 / 600);
        var (_, variance, maxAbs) = Moments(layer.Kernel);
        Assert.True(maxAbs <= 2 * sd / 0.87962566103423978 + 1e-15);
        Assert.InRange(variance / (sd * sd), 0.98, 1.02);
    }

    [Fact]
    public void He_initializers_scale_with_fan_in()
    {
        var uniform = Draw(WeightInit.HeUniform, 500, 100);
        Assert.True(Moments(uniform.Kernel).MaxAbs < Math.Sqrt(6.0 / 500));
        Assert.InRange(Moments(uniform.Kernel).Variance / (2.0 / 500), 0.97, 1.03);
        var normal = Draw(WeightInit.HeNormal, 500, 100);
        Assert.InRange(Moments(normal.Kernel).Variance / (2.0 / 500), 0.97, 1.03);
    }

    [Fact]
    public void Torch_default_and_uniform_fill_biases_too()
    {
        var torch = Draw(WeightInit.TorchDefault, 400, 100);
        double a = 1 / Math.Sqrt(400);
        Assert.True(Moments(torch.Kernel).MaxAbs < a);
        Assert.InRange(Moments(torch.Kernel).Variance / (a * a / 3), 0.97, 1.03);
        Assert.True(torch.Bias.All(b => Math.Abs(b) < a) && torch.Bias.Any(b => b != 0));
        var uniform = Draw(WeightInit.Uniform(0.05), 10, 10);
        Assert.True(uniform.Kernel.Concat(uniform.Bias).All(w => Math.Abs(w) < 0.05));
        Assert.All(Draw(WeightInit.Zeros, 3, 3).Kernel, w => Assert.Equal(0, w));
        Assert.Contains("above 0", Assert.Throws<ArgumentException>(() => Draw(WeightInit.Uniform(0), 2, 2)).Message);
    }

    [Fact]
    public void Drawing_a_spec_is_seeded_and_shaped_like_its_layers()
    {
        var spec = new Mlp(5, new Dense(4, Activation.Tanh), new Dense(3, Activation.Softmax));
        var a = spec.Init.Draw(spec, seed: 3);
        var b = spec.Init.Draw(spec, seed: 3);
        var c = spec.Init.Draw(spec, seed: 4);
        Assert.Equal(a.Flatten(), b.Flatten());
        Assert.NotEqual(a.Flatten(), c.Flatten());
        Assert.Equal([(5, 4), (4, 3)], a.Layers.Select(l => (l.Inputs, l.Outputs)));
        a.EnsureMatches(spec);
    }

    [Fact]
    public void Float32_weights_are_rounded_to_float_and_widen_back_exactly()
    {
        var spec = new Mlp(20, new Dense(10)) { Precision = Precision.Float32 };
        var weights = spec.Init.Draw(spec, seed: 1);
        var wide = new Mlp(20, new Dense(10)).Init.Draw(new Mlp(20, new Dense(10)), seed: 1);
        Assert.All(weights.Flatten(), w => Assert.Equal(w, (double)(float)w));
        // The same draws, rounded: float32 weights are the float64 weights to float precision.
        Assert.Equal(wide.Flatten().Select(w => (double)(float)w), weights.Flatten());
        Assert.Contains(wide.Flatten().Zip(weights.Flatten()), pair => pair.First != pair.Second);
    }

    [Theory]
    [InlineData("glorot-uniform", "glorot-uniform")]
    [InlineData("xavier", "glorot-uniform")]
    [InlineData("He_Normal", "he-normal")]
    [InlineData("torch", "torch-default")]
    [InlineData("uniform:0.25", "uniform:0.25")]
    [InlineData("zeros", "zeros")]
    public void Parses_initializer_names(string name, string canonical)
    {
        Assert.Equal(canonical, WeightInit.Parse(name).Name);
    }

    [Fact]
    public void An_unknown_initializer_lists_the_known_ones()
    {
        Assert.Contains("glorot-uniform, glorot-normal", Assert.Throws<ArgumentException>(() => WeightInit.Parse("lecun")).Message);
    }
}
