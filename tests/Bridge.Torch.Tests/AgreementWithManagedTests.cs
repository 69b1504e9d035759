using Bridge.Managed;

namespace Bridge.Torch.Tests;

/// <summary>
/// libtorch and the from-scratch engine compute the same network from the same weights: outputs, loss, gradients,
/// and weights after many optimizer steps.
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

    [Fact]
    public void Autoencoders_agree_in_every_layer()
    {
        var spec = Autoencoder.Symmetric(6, [5], 2) with { Optimizer = new Adam(0.01), Loss = Loss.BinaryCrossEntropy };
        var weights = spec.Init.Draw(spec, 9);
        var rng = new Rng(4);
        var x = new Matrix(10, 6);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.NextDouble();
        var batch = new Batch(x, x);
        using var torch = Torch.Build(spec, weights);
        using var managed = ManagedBackend.Batched.Build(spec, weights);
        Assert.True(Agreement.RelativeError(torch.Encode(x), managed.Encode(x)) < 1e-12);
        Assert.True(Agreement.RelativeError(torch.Decode(torch.Encode(x)), managed.Reconstruct(x)) < 1e-12);
        Assert.True(Agreement.RelativeError(torch.Gradients(batch), managed.Gradients(batch)) < 1e-10);
    }

    public static IEnumerable<object[]> Optimizers() =>
    [
        [new Sgd(0.1, 0.9)],
        [new Sgd(0.05, 0.8, Nesterov: true)],
        [new Adam(0.01)],
        [new Sgd(0.2)],
    ];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Weights_after_50_steps_agree_to_1e_8(Optimizer optimizer)
    {
        var spec = RandomNets.Mlp(Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, optimizer, Precision.Float64, 5);
        var weights = spec.Init.Draw(spec, 2);
        using var torch = Torch.Build(spec, weights);
        using var managed = ManagedBackend.Batched.Build(spec, weights);
        for (int step = 0; step < 50; step++)
        {
            var batch = RandomNets.BatchFor(spec, 8, (ulong)step);
            var a = torch.TrainStep(batch);
            var b = managed.TrainStep(batch);
            Assert.True(Agreement.RelativeError(a.Loss, b.Loss) < 1e-10, $"step {step}: loss {a.Loss} vs {b.Loss}");
        }
        var error = Agreement.RelativeError(torch.GetWeights(), managed.GetWeights());
        Assert.True(error < 1e-8, $"{optimizer.Describe()}: weights differ by {error}");
        // The optimizers' states agree in canonical form too (torch's momentum buffer b read as v = −L·b).
        var torchState = torch.GetOptimizerState();
        var managedState = managed.GetOptimizerState();
        Assert.Equal(managedState.Steps, torchState.Steps);
        foreach (var (name, slot) in managedState.Slots)
            Assert.True(Agreement.RelativeError(torchState.Slots[name], slot) < 1e-8, $"slot {name}");
    }

    [Fact]
    public void Float32_gradients_agree_with_float64_truth_to_1e_4()
    {
        var spec64 = RandomNets.Mlp(Activation.Sigmoid, Activation.Softmax, Loss.CategoricalCrossEntropy, new Sgd(0.1), Precision.Float64, 11);
        var spec32 = spec64 with { Precision = Precision.Float32 };
        var weights = spec32.Init.Draw(spec32, 3);
        var batch = RandomNets.BatchFor(spec64, 16, 5);
        using var torch32 = Torch.Build(spec32, weights);
        using var managed64 = ManagedBackend.Batched.Build(spec64, weights.ToPrecision(Precision.Float64));
        using var managed32 = ManagedBackend.Batched.Build(spec32, weights);
        var truth = managed64.Gradients(batch);
        Assert.True(Agreement.RelativeError(torch32.Gradients(batch), truth) < 1e-4);
        Assert.True(Agreement.RelativeError(torch32.Gradients(batch), managed32.Gradients(batch)) < 1e-4);
        Assert.Equal(Precision.Float32, torch32.GetWeights().Precision);
    }
}
