using Bridge.Backends;
using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>The teaching path and the batched path compute the same numbers (float64, to 1e-12), step after step.</summary>
public sealed class PathAgreementTests
{
    public static IEnumerable<object[]> Optimizers() =>
    [
        [new Sgd(0.2)],
        [new Sgd(0.1, 0.9)],
        [new Sgd(0.05, 0.8, Nesterov: true)],
        [new Adam(0.01)],
        [new Adam(0.02, 0.8, 0.99, 1e-6)],
    ];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Teaching_and_batched_paths_agree_to_1e_12_over_many_steps(Optimizer optimizer)
    {
        var rng = new Rng(17);
        foreach (var (output, loss) in RandomNets.Outputs)
        {
            var spec = RandomNets.Spec(rng, RandomNets.Hidden[rng.NextInt(4)], output, loss, optimizer);
            var weights = spec.Init.Draw(spec, 5);
            using var teaching = ManagedBackend.Teaching.Build(spec, weights);
            using var batched = ManagedBackend.Batched.Build(spec, weights);
            for (int step = 0; step < 8; step++)
            {
                var batch = RandomNets.Batch(spec, rng, 1 + rng.NextInt(9));
                var a = teaching.ForwardLayers(batch.Inputs);
                var b = batched.ForwardLayers(batch.Inputs);
                for (int l = 0; l < a.Count; l++) Assert.True(Agreement.RelativeError(a[l], b[l]) < 1e-12, $"{spec}: layer {l} output, step {step}");
                Assert.True(Agreement.RelativeError(teaching.Gradients(batch), batched.Gradients(batch)) < 1e-12, $"{spec}: gradients, step {step}");
                var sa = teaching.TrainStep(batch);
                var sb = batched.TrainStep(batch);
                Assert.True(Agreement.RelativeError(sa.Loss, sb.Loss) < 1e-12, $"{spec}: loss, step {step}");
            }
            Assert.True(Agreement.RelativeError(teaching.GetWeights(), batched.GetWeights()) < 1e-12, $"{spec}: weights");
            var stateA = teaching.GetOptimizerState();
            var stateB = batched.GetOptimizerState();
            Assert.Equal(stateA.Steps, stateB.Steps);
            Assert.Equal(stateA.Slots.Keys.Order(), stateB.Slots.Keys.Order());
            foreach (var (name, slot) in stateA.Slots)
                Assert.True(Agreement.RelativeError(slot, stateB.Slots[name]) < 1e-12, $"{spec}: slot {name}");
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Steps_follow_the_reference_optimizer(Optimizer optimizer)
    {
        var rng = new Rng(3);
        var spec = RandomNets.Spec(rng, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, optimizer);
        var weights = spec.Init.Draw(spec, 1);
        foreach (var backend in new[] { ManagedBackend.Batched, ManagedBackend.Teaching })
        {
            using var model = backend.Build(spec, weights);
            var truth = weights.Clone();
            var formula = new ReferenceOptimizer(optimizer);
            for (int step = 0; step < 6; step++)
            {
                var batch = RandomNets.Batch(spec, new Rng((ulong)step), 5);
                var g = model.Gradients(batch);
                formula.Step(truth, g);
                model.TrainStep(batch);
                Assert.True(Agreement.RelativeError(model.GetWeights(), truth) < 1e-13, $"{backend.Name}, {optimizer}, step {step}");
            }
        }
    }
}
