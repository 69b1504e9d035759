using Bridge.Managed;
using Bridge.Testing;

namespace Bridge.Sklearn.Tests;

/// <summary>scikit-learn, driven through the Python bridge, computes what the from-scratch engine computes.</summary>
[Collection(PythonCollection.Name)]
public sealed class SklearnAgreementTests
{
    public static IEnumerable<object[]> ExpressibleSpecs()
    {
        foreach (var hidden in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Linear })
        {
            yield return [new Mlp(5, new Dense(6, hidden), new Dense(4, hidden), new Dense(3, Activation.Softmax))];
            yield return [new Mlp(4, new Dense(7, hidden), new Dense(1, Activation.Sigmoid)) { Loss = Loss.BinaryCrossEntropy }];
            yield return [new Mlp(3, new Dense(5, hidden), new Dense(2, Activation.Linear)) { Loss = Loss.HalfSquaredError }];
        }
        // One output: the targets cross as a vector, which scikit-learn's backpropagation needs as a column.
        yield return [new Mlp(3, new Dense(5, Activation.Tanh), new Dense(1, Activation.Linear)) { Loss = Loss.HalfSquaredError }];
        yield return [new Autoencoder(6, [new Dense(4, Activation.Tanh), new Dense(2, Activation.Tanh)], [new Dense(4, Activation.Tanh), new Dense(6, Activation.Linear)])];
    }

    [SkippableTheory]
    [MemberData(nameof(ExpressibleSpecs))]
    public void Outputs_loss_and_gradients_agree_to_1e_10_in_float64(ModelSpec spec)
    {
        var sklearn = SklearnUnderTest.Require();
        Assert.Null(sklearn.CannotBuild(spec));
        var weights = spec.Init.Draw(spec, 7);
        var batch = Batches.For(spec, 9, 3);
        using var model = sklearn.Build(spec, weights);
        using var managed = ManagedBackend.Batched.Build(spec, weights);
        var ours = managed.ForwardLayers(batch.Inputs);
        var theirs = model.ForwardLayers(batch.Inputs);
        for (int l = 0; l < ours.Count; l++)
            Assert.True(Agreement.RelativeError(theirs[l], ours[l]) < 1e-12, $"{spec}: layer {l}");
        Assert.True(Agreement.RelativeError(model.Loss(batch), managed.Loss(batch)) < 1e-12);
        var errors = Agreement.PerLayer(model.Gradients(batch), managed.Gradients(batch));
        Assert.True(errors.Max() < 1e-10, $"{spec}: gradient errors {string.Join(", ", errors)}");
    }

    [SkippableFact]
    public void Digits_accuracy_agrees_with_the_managed_engine_within_one_point()
    {
        var sklearn = SklearnUnderTest.Require();
        var (train, test) = Digits.Load().Split(0.25, seed: 1);
        var spec = new Mlp(64, new Dense(32, Activation.Tanh), new Dense(10, Activation.Softmax)) { Optimizer = new Sgd(0.1, 0.9) };
        var weights = spec.Init.Draw(spec, 4);
        var options = new TrainingOptions { Epochs = 10, BatchSize = 32, Seed = 5, EvaluateEachEpoch = false };
        using var model = sklearn.Build(spec, weights);
        using var managed = ManagedBackend.Batched.Build(spec, weights);
        Trainer.Fit(model, train, options);
        Trainer.Fit(managed, train, options);
        double theirs = model.Evaluate(test).Accuracy!.Value;
        double ours = managed.Evaluate(test).Accuracy!.Value;
        Assert.True(ours > 0.9, $"the managed engine reached only {ours:P1}");
        Assert.True(Math.Abs(theirs - ours) <= 0.01, $"scikit-learn {theirs:P2}, managed {ours:P2}");
    }

    public static IEnumerable<object[]> InexpressibleSpecs() =>
    [
        [new Mlp(2, new Dense(3, Activation.Tanh), new Dense(3, Activation.Relu), new Dense(2, Activation.Softmax)), "one activation"],
        [new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)), "identity output only"],
        [new Mlp(2, new Dense(4, Activation.Tanh), new Dense(2, Activation.Linear)) { Loss = Loss.MeanSquaredError }, "half-squared-error"],
        [new Mlp(2, new Dense(4, Activation.Tanh), new Dense(2, Activation.Softmax)), "one logistic output"],
        [new Perceptron(2), "at least one hidden layer"],
        [new Mlp(2, new Dense(4, Activation.Tanh), new Dense(3, Activation.Sigmoid)) { Loss = Loss.BinaryCrossEntropy }, "one sigmoid output"],
    ];

    [Theory]
    [MemberData(nameof(InexpressibleSpecs))]
    public void Specs_scikit_learn_cannot_express_are_refused_with_the_reason(ModelSpec spec, string reason)
    {
        // Decided in .NET, without Python: this runs everywhere.
        Assert.Contains(reason, SklearnUnderTest.Backend.CannotBuild(spec));
    }

    [SkippableTheory]
    [MemberData(nameof(InexpressibleSpecs))]
    public void Building_a_spec_scikit_learn_cannot_express_throws_the_same_reason(ModelSpec spec, string reason)
    {
        var sklearn = SklearnUnderTest.Require();
        var error = Assert.Throws<ArgumentException>(() => sklearn.Build(spec, 1));
        Assert.Contains(reason, error.Message);
    }

    [SkippableFact]
    public void A_step_whose_gradients_overflow_is_refused_as_the_managed_engine_refuses_it_and_changes_nothing()
    {
        var sklearn = SklearnUnderTest.Require();
        var spec = new Mlp(3, new Dense(5, Activation.Relu), new Dense(2, Activation.Linear)) { Loss = Loss.HalfSquaredError, Optimizer = new Sgd(0.1, 0.9) };
        // Finite weights and inputs whose products overflow: every net is +∞, and the gradients are not finite.
        var huge = spec.Init.Draw(spec, 3);
        huge = new WeightSet(huge.Precision, huge.Layers.Select(l =>
            new LayerWeights(l.Inputs, l.Outputs, l.Kernel.Select(_ => 1e160).ToArray(), l.Bias.Select(_ => 1e160).ToArray())).ToList());
        var batch = Batches.For(spec, 4, 5);
        batch.Inputs.Data.AsSpan().Fill(1e160);
        using var model = sklearn.Build(spec, huge);
        using var managed = ManagedBackend.Batched.Build(spec, huge);
        var before = model.GetWeights();
        long steps = model.GetOptimizerState().Steps;

        var theirs = model.TrainStep(batch);
        var ours = managed.TrainStep(batch);
        Assert.False(ours.Applied);
        Assert.False(theirs.Applied);
        Assert.Equal(ours.NonFiniteLayer, theirs.NonFiniteLayer);
        Assert.Equal(0, Agreement.RelativeError(before, model.GetWeights()));
        Assert.Equal(steps, model.GetOptimizerState().Steps);
    }
}
