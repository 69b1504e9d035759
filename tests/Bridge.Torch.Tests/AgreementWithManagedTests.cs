using Bridge.Managed;

namespace Bridge.Torch.Tests;

/// <summary>
/// libtorch and the from-scratch engine compute the same network from the same weights — outputs, loss and gradients —
/// for every hidden activation × output activation × loss the torch backend maps (the conformance suite holds every
/// backend to the reference on three nets, and its training steps to the optimizers' formulas).
/// </summary>
public sealed class AgreementWithManagedTests
{
    private static readonly TorchBackend Torch = new();

    [Theory]
    [MemberData(nameof(RandomNets.ActivationLossPairs), MemberType = typeof(RandomNets))]
    public void Float64_forward_loss_and_gradients_agree_to_1e_10(Activation hidden, Activation output, Loss loss)
    {
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var spec = RandomNets.Mlp(hidden, output, loss, new Sgd(0.1), Precision.Float64, seed * 31 + (ulong)hidden);
            var weights = spec.Init.Draw(spec, seed);
            var batch = RandomNets.BatchFor(spec, 7, seed);
            using var torch = Torch.Build(spec, weights);
            using var managed = ManagedBackend.Batched.Build(spec, weights);

            var torchLayers = torch.ForwardLayers(batch.Inputs);
            var managedLayers = managed.ForwardLayers(batch.Inputs);
            for (int l = 0; l < torchLayers.Count; l++)
                Assert.True(Agreement.RelativeError(torchLayers[l], managedLayers[l]) < 1e-12, $"{spec}: layer {l} output");
            Assert.True(Agreement.RelativeError(torch.Loss(batch), managed.Loss(batch)) < 1e-12, $"{spec}: loss");
            var errors = Agreement.PerLayer(torch.Gradients(batch), managed.Gradients(batch));
            Assert.True(errors.Max() < 1e-10, $"{spec}: gradient errors {string.Join(", ", errors)}");
        }
    }
}
