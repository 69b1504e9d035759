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

    [SkippableTheory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void Weights_after_many_steps_agree_to_1e_8(Optimizer optimizer)
    {
        var sklearn = SklearnUnderTest.Require();
        var spec = new Mlp(5, new Dense(8, Activation.Tanh), new Dense(3, Activation.Softmax)) { Optimizer = optimizer };
        var weights = spec.Init.Draw(spec, 1);
        using var model = sklearn.Build(spec, weights);
        using var managed = ManagedBackend.Batched.Build(spec, weights);
        for (int step = 0; step < 30; step++)
        {
            var batch = Batches.For(spec, 1 + step % 7, (ulong)step);
            var a = model.TrainStep(batch);
            var b = managed.TrainStep(batch);
            Assert.True(a.Applied);
            Assert.True(Agreement.RelativeError(a.Loss, b.Loss) < 1e-10, $"step {step}");
        }
        double error = Agreement.RelativeError(model.GetWeights(), managed.GetWeights());
        Assert.True(error < 1e-8, $"{optimizer.Describe()}: {error}");
        var theirs = model.GetOptimizerState();
        var ours = managed.GetOptimizerState();
        Assert.Equal(ours.Steps, theirs.Steps);
        foreach (var (name, slot) in ours.Slots)
            Assert.True(Agreement.RelativeError(theirs.Slots[name], slot) < 1e-8, $"slot {name}");
    }

    [SkippableFact]
    public void Optimizer_state_round_trips_through_scikit_learn()
    {
        var sklearn = SklearnUnderTest.Require();
        foreach (var optimizer in new Optimizer[] { new Sgd(0.1, 0.9), new Adam(0.02) })
        {
            var spec = new Mlp(4, new Dense(5, Activation.Relu), new Dense(2, Activation.Linear)) { Optimizer = optimizer };
            using var first = sklearn.Build(spec, 3);
            for (int s = 0; s < 4; s++) first.TrainStep(Batches.For(spec, 5, (ulong)s));
            using var second = sklearn.Build(spec, first.GetWeights());
            second.SetOptimizerState(first.GetOptimizerState());
            using var managed = ManagedBackend.Batched.Build(spec, first.GetWeights());
            managed.SetOptimizerState(first.GetOptimizerState());
            for (int s = 4; s < 8; s++)
            {
                var batch = Batches.For(spec, 5, (ulong)s);
                first.TrainStep(batch);
                second.TrainStep(batch);
                managed.TrainStep(batch);
            }
            Assert.Equal(0, Agreement.RelativeError(first.GetWeights(), second.GetWeights()));
            Assert.True(Agreement.RelativeError(managed.GetWeights(), first.GetWeights()) < 1e-10);
        }
    }

    [SkippableFact]
    public void Float32_agrees_with_float64_truth_to_1e_4()
    {
        var sklearn = SklearnUnderTest.Require();
        var spec64 = new Mlp(6, new Dense(8, Activation.Sigmoid), new Dense(4, Activation.Softmax));
        var spec32 = spec64 with { Precision = Precision.Float32 };
        var weights = spec32.Init.Draw(spec32, 2);
        var batch = Batches.For(spec64, 12, 9);
        using var model = sklearn.Build(spec32, weights);
        using var truth = ManagedBackend.Batched.Build(spec64, weights.ToPrecision(Precision.Float64));
        Assert.True(Agreement.RelativeError(model.Gradients(batch), truth.Gradients(batch)) < 1e-4);
        Assert.Equal(Precision.Float32, model.GetWeights().Precision);
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
        if (!SklearnUnderTest.Backend.Availability.IsAvailable) return;
        var error = Assert.Throws<ArgumentException>(() => SklearnUnderTest.Backend.Build(spec, 1));
        Assert.Contains(reason, error.Message);
    }

    [SkippableFact]
    public void Bad_batches_are_refused_before_python_is_called()
    {
        var sklearn = SklearnUnderTest.Require();
        var spec = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(3, Activation.Softmax));
        using var model = sklearn.Build(spec, 1);
        var before = model.GetWeights();
        Assert.Contains("width 3", Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(new Matrix(2, 2), new Matrix(2, 3), [0, 1]))).Message);
        Assert.Contains("Label 5", Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(new Matrix(2, 3), new Matrix(2, 3), [0, 5]))).Message);
        Assert.Equal(0, Agreement.RelativeError(before, model.GetWeights()));
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
