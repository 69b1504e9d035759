using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>
/// Both paths' float32 gradients against their float64 ones for every output activation × loss pairing (the
/// conformance suite checks float32 against float64 truth on three nets for every backend).
/// </summary>
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
}
