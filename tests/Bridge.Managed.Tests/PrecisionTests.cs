using Bridge.Managed;

namespace Bridge.Managed.Tests;

public sealed class PrecisionTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("managed-teaching")]
    public void Float32_gradients_agree_with_float64_to_1e_4(string path)
    {
        var backend = path == "managed" ? ManagedBackend.Batched : ManagedBackend.Teaching;
        var rng = new Rng(5);
        foreach (var (output, loss) in RandomNets.Outputs)
        {
            var spec64 = RandomNets.Spec(rng, Activation.Tanh, output, loss, new Sgd(0.1));
            var spec32 = spec64 with { Precision = Precision.Float32 };
            var weights = spec32.Init.Draw(spec32, 3);
            var batch = RandomNets.Batch(spec64, rng, 8);
            using var m32 = backend.Build(spec32, weights);
            using var m64 = backend.Build(spec64, weights.ToPrecision(Precision.Float64));
            double error = Agreement.RelativeError(m32.Gradients(batch), m64.Gradients(batch));
            Assert.True(error < 1e-4, $"{spec32}: {error}");
        }
    }

    [Fact]
    public void Float32_really_computes_in_float32()
    {
        // 1 + 1e-8 is 1 in float32: a net input that needs it shows the difference.
        var spec = new Mlp(2, new Dense(1, Activation.Linear)) { Loss = Loss.MeanSquaredError };
        var weights = new WeightSet(Precision.Float64, [new LayerWeights(2, 1, [1, 1], [0])]);
        var x = Matrix.FromRows([1.0, 1e-8]);
        using var m64 = ManagedBackend.Batched.Build(spec, weights);
        using var m32 = ManagedBackend.Batched.Build(spec with { Precision = Precision.Float32 }, weights);
        using var t32 = ManagedBackend.Teaching.Build(spec with { Precision = Precision.Float32 }, weights);
        Assert.Equal(1 + 1e-8, m64.Forward(x)[0, 0]);
        Assert.Equal(1.0, m32.Forward(x)[0, 0]);
        Assert.Equal(1.0, t32.Forward(x)[0, 0]);
        Assert.All(m32.GetWeights().Flatten(), w => Assert.Equal(w, (float)w));
    }
}
