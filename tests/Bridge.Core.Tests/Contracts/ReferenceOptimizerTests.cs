using Bridge.Backends;

namespace Bridge.Tests.Contracts;

public class ReferenceOptimizerTests
{
    /// <summary>One layer, one input, one output: w starts at 1 and b at 0.</summary>
    private static WeightSet Start(Precision precision = Precision.Float64) =>
        new(precision, [new LayerWeights(1, 1, [1.0], [0.0])]);

    private static WeightSet Gradient(double g) => new(Precision.Float64, [new LayerWeights(1, 1, [g], [g])]);

    /// <summary>w after each of two steps with gradients 0.5 then −0.2.</summary>
    private static double[] TwoSteps(Optimizer optimizer, Precision precision = Precision.Float64)
    {
        var reference = new ReferenceOptimizer(optimizer);
        var weights = Start(precision);
        reference.Step(weights, Gradient(0.5));
        double first = weights[0].Kernel[0];
        reference.Step(weights, Gradient(-0.2));
        return [first, weights[0].Kernel[0]];
    }

    [Fact]
    public void Plain_sgd_steps_against_the_gradient()
    {
        // w₁ = 1 − 0.1·0.5 = 0.95;  w₂ = 0.95 − 0.1·(−0.2) = 0.97.
        var w = TwoSteps(new Sgd(0.1));
        Assert.Equal(0.95, w[0], 15);
        Assert.Equal(0.97, w[1], 15);
    }

    [Fact]
    public void Momentum_accumulates_a_velocity()
    {
        // v₁ = −0.1·0.5 = −0.05, w₁ = 0.95;  v₂ = 0.9·(−0.05) − 0.1·(−0.2) = −0.025, w₂ = 0.925.
        var w = TwoSteps(new Sgd(0.1, Momentum: 0.9));
        Assert.Equal(0.95, w[0], 15);
        Assert.Equal(0.925, w[1], 15);
    }

    [Fact]
    public void Nesterov_looks_ahead_along_the_new_velocity()
    {
        // v₁ = −0.05, w₁ = 1 + 0.9·(−0.05) − 0.05 = 0.905;  v₂ = −0.025, w₂ = 0.905 + 0.9·(−0.025) + 0.02 = 0.9025.
        var w = TwoSteps(new Sgd(0.1, Momentum: 0.9, Nesterov: true));
        Assert.Equal(0.905, w[0], 15);
        Assert.Equal(0.9025, w[1], 15);
    }

    [Fact]
    public void Adam_corrects_the_moment_bias()
    {
        // Step 1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, w₁ = 1 − 0.1·0.5/(0.5 + 1e−8) = 0.900000002.
        // Step 2: m = 0.045 − 0.02 = 0.025, v = 0.00024975 + 0.00004 = 0.00028975,
        //         m̂ = 0.025/0.19 = 0.13157894736842105, v̂ = 0.00028975/0.001999 = 0.14494747373686843,
        //         w₂ = w₁ − 0.1·m̂/(√v̂ + 1e−8) = 0.8654394181165107 (evaluated in Python).
        var w = TwoSteps(new Adam(0.1));
        Assert.Equal(0.9000000019999999, w[0], 15);
        Assert.Equal(0.8654394181165107, w[1], 14);
    }

    [Fact]
    public void Momentum_gives_the_same_weights_as_torch_form()
    {
        // torch.optim.SGD: b ← μ·b + g; w ← w − L·b (Nesterov: w ← w − L·(g + μ·b)).
        foreach (bool nesterov in new[] { false, true })
        {
            const double rate = 0.05, momentum = 0.8;
            var reference = new ReferenceOptimizer(new Sgd(rate, momentum, nesterov));
            var weights = Start();
            double torchW = 1, torchB = 0;
            var rng = new Rng(3);
            for (int step = 0; step < 20; step++)
            {
                double g = rng.Normal();
                reference.Step(weights, Gradient(g));
                torchB = momentum * torchB + g;
                torchW -= rate * (nesterov ? g + momentum * torchB : torchB);
                Assert.True(Math.Abs(weights[0].Kernel[0] - torchW) < 1e-14, $"step {step}, nesterov {nesterov}");
            }
        }
    }

    [Fact]
    public void Adam_with_keras_epsilon_placement_matches_through_the_adjusted_epsilon()
    {
        // Keras: w ← w − L·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε̂). With ε̂ = EpsilonOnRawSecondMoment(t) this is Core's Adam.
        var adam = new Adam(0.01, Epsilon: 1e-3);
        var reference = new ReferenceOptimizer(adam);
        var weights = Start();
        double w = 1, m = 0, v = 0;
        var rng = new Rng(5);
        for (int t = 1; t <= 10; t++)
        {
            double g = rng.Normal();
            reference.Step(weights, Gradient(g));
            m = adam.Beta1 * m + (1 - adam.Beta1) * g;
            v = adam.Beta2 * v + (1 - adam.Beta2) * g * g;
            double rate = adam.LearningRate * Math.Sqrt(1 - Math.Pow(adam.Beta2, t)) / (1 - Math.Pow(adam.Beta1, t));
            w -= rate * m / (Math.Sqrt(v) + adam.EpsilonOnRawSecondMoment(t));
            Assert.True(Math.Abs(weights[0].Kernel[0] - w) < 1e-14, $"step {t}");
        }
    }

    [Fact]
    public void Biases_follow_the_same_formula_as_kernels()
    {
        var reference = new ReferenceOptimizer(new Sgd(0.1));
        var weights = Start();
        reference.Step(weights, Gradient(0.5));
        Assert.Equal(-0.05, weights[0].Bias[0], 15);
    }

    [Fact]
    public void Float32_weights_and_slots_are_rounded_every_step()
    {
        var reference = new ReferenceOptimizer(new Adam(0.1));
        var weights = new WeightSet(Precision.Float32, [new LayerWeights(1, 1, [1.0], [0.0])]);
        reference.Step(weights, Gradient(1.0 / 3));
        reference.Step(weights, Gradient(0.1));
        Assert.Equal(weights[0].Kernel[0], (double)(float)weights[0].Kernel[0]);
        var m = reference.State.Slots["m"][0].Kernel[0];
        Assert.Equal(m, (double)(float)m);
    }

    [Fact]
    public void A_restored_state_continues_exactly()
    {
        var rng = new Rng(8);
        var gradients = Enumerable.Range(0, 6).Select(_ => Gradient(rng.Normal())).ToArray();
        foreach (Optimizer optimizer in new Optimizer[] { new Adam(0.05), new Sgd(0.1, 0.9, true) })
        {
            var straight = new ReferenceOptimizer(optimizer);
            var weights = Start();
            foreach (var g in gradients) straight.Step(weights, g);

            var first = new ReferenceOptimizer(optimizer);
            var resumedWeights = Start();
            foreach (var g in gradients[..3]) first.Step(resumedWeights, g);
            var second = new ReferenceOptimizer(optimizer);
            second.Restore(first.State);
            Assert.Equal(3, second.Steps);
            foreach (var g in gradients[3..]) second.Step(resumedWeights, g);
            Assert.Equal(weights.Flatten(), resumedWeights.Flatten());
        }
    }

    [Fact]
    public void Foreign_state_and_bad_hyper_parameters_are_refused()
    {
        var adamState = new ReferenceOptimizer(new Adam());
        adamState.Step(Start(), Gradient(1));
        var error = Assert.Throws<ArgumentException>(() => new ReferenceOptimizer(new Sgd(0.1, 0.5)).Restore(adamState.State));
        Assert.Contains("slot 'm' does not belong to sgd", error.Message);
        Assert.Contains("learning rate", Assert.Throws<ArgumentException>(() => new ReferenceOptimizer(new Sgd(0))).Message);
        Assert.Contains("momentum must be in [0, 1)", Assert.Throws<ArgumentException>(() => new Sgd(0.1, 1).Validate()).Message);
        Assert.Contains("Nesterov momentum needs", Assert.Throws<ArgumentException>(() => new Sgd(0.1, 0, true).Validate()).Message);
        Assert.Contains("beta1", Assert.Throws<ArgumentException>(() => new Adam(Beta1: 1).Validate()).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentException>(() => new Adam(Epsilon: 0).Validate()).Message);
    }
}
