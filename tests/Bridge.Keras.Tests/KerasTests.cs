using Bridge.Keras;
using Bridge.Managed;
using Bridge.Testing;

namespace Bridge.Keras.Tests;

/// <summary>
/// Keras against the managed engine, on whichever Keras backend the environment has (KERAS_BACKEND). Where keras does
/// not import, these skip with the reason the backend reports.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class KerasTests
{
    [Fact]
    public void The_backend_names_the_Keras_it_found_or_says_why_there_is_none_and_how_to_fix_it()
    {
        var availability = KerasUnderTest.Backend.Availability;
        if (availability.IsAvailable)
        {
            // What the comparison's report prints beside the backend's results.
            Assert.Matches(@"^Keras \d+\.\d+\.\d+\S* on (torch|jax|tensorflow), Python \d+\.\d+", availability.Detail);
            return;
        }
        Assert.Contains("environment.yml", availability.Detail);
        var error = Assert.Throws<BackendUnavailableException>(() => KerasUnderTest.Backend.Build(new Mlp(2, new Dense(2), new Dense(1)), 0));
        Assert.Equal("keras", error.Backend);
        // The Python error itself is quoted when Python runs but keras does not import.
        if (Bridge.Python.Python.IsInitialized)
        {
            Assert.Contains("ModuleNotFoundError", availability.Detail);
            // The Python in use is not offered as the fix for itself.
            Assert.DoesNotContain($"BRIDGE_PYTHON={Bridge.Python.Python.Installation.Executable} (", availability.Detail);
        }
    }

    public static IEnumerable<object[]> Specs()
    {
        foreach (var hidden in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu })
        {
            yield return [new Mlp(5, new Dense(6, hidden), new Dense(3, Activation.Softmax))];
            yield return [new Mlp(4, new Dense(5, hidden), new Dense(2, Activation.Sigmoid))];
            yield return [new Mlp(4, new Dense(5, hidden), new Dense(2, Activation.Sigmoid)) { Loss = Loss.BinaryCrossEntropy }];
            yield return [new Mlp(3, new Dense(5, hidden), new Dense(2, Activation.Linear)) { Loss = Loss.MeanSquaredError }];
        }
        yield return [Autoencoder.Symmetric(6, [4], 2)];
    }

    [SkippableTheory]
    [MemberData(nameof(Specs))]
    public void Outputs_loss_and_gradients_agree_with_the_managed_engine(ModelSpec spec)
    {
        var keras = KerasUnderTest.Require();
        foreach (var precision in new[] { Precision.Float64, Precision.Float32 })
        {
            var s = spec with { Precision = precision };
            double tolerance = precision == Precision.Float64 ? 1e-10 : 1e-4;
            var weights = s.Init.Draw(s, 5);
            var batch = Batches.For(s, 8, 2);
            using var model = keras.Build(s, weights);
            using var managed = ManagedBackend.Batched.Build(s, weights);
            var theirs = model.ForwardLayers(batch.Inputs);
            var ours = managed.ForwardLayers(batch.Inputs);
            for (int l = 0; l < ours.Count; l++)
                Assert.True(Agreement.RelativeError(theirs[l], ours[l]) < tolerance, $"{s}: layer {l}");
            Assert.True(Agreement.RelativeError(model.Loss(batch), managed.Loss(batch)) < tolerance, $"{s}: loss");
            var errors = Agreement.PerLayer(model.Gradients(batch), managed.Gradients(batch));
            Assert.True(errors.Max() < tolerance, $"{s}: gradients {string.Join(", ", errors)}");
        }
    }

    [SkippableFact]
    public void Digits_accuracy_agrees_with_the_managed_engine_within_one_point()
    {
        var keras = KerasUnderTest.Require();
        var (train, test) = Digits.Load().Split(0.25, seed: 1);
        var spec = new Mlp(64, new Dense(32, Activation.Tanh), new Dense(10, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        var weights = spec.Init.Draw(spec, 4);
        var options = new TrainingOptions { Epochs = 10, BatchSize = 32, Seed = 5, EvaluateEachEpoch = false };
        using var model = keras.Build(spec, weights);
        using var managed = ManagedBackend.Batched.Build(spec, weights);
        Trainer.Fit(model, train, options);
        Trainer.Fit(managed, train, options);
        Assert.True(Math.Abs(model.Evaluate(test).Accuracy!.Value - managed.Evaluate(test).Accuracy!.Value) <= 0.01);
    }

    [SkippableFact]
    public void Keras_own_fit_evaluate_and_predict_are_reachable_with_progress()
    {
        var keras = KerasUnderTest.Require();
        var (train, test) = Digits.Load().Split(0.25, seed: 1);
        var spec = new Mlp(64, new Dense(32, Activation.Relu), new Dense(10, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        var initial = spec.Init.Draw(spec, 3);
        using (var kerasModule = Bridge.Python.Python.Import("keras"))
        using (var utils = kerasModule.GetAttr("utils"))
            utils.CallMethod("set_random_seed", 3).Dispose(); // Keras's own shuffling, so the run is the same every time
        using var model = KerasSequential.Create(spec, initial, backend: keras);
        model.Compile(KerasSequential.Optimizer("Adam", ("learning_rate", 0.01)), "sparse_categorical_crossentropy", ["accuracy"]);
        var epochs = new List<(int Epoch, IReadOnlyDictionary<string, double> Logs)>();
        var history = model.Fit(train.Features, train.Labels!, epochs: 5, batch_size: 32, onEpochEnd: (e, logs) => epochs.Add((e, logs)));
        Assert.Equal([0, 1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.Equal(5, history["loss"].Length);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.Equal(history["loss"], epochs.Select(e => e.Logs["loss"]));

        // Keras's own fit shuffles its own way, so it cannot match Bridge's trainer number for number; from the same
        // start, with the same optimizer, epochs and batch size, it must land near the managed engine.
        using var managed = ManagedBackend.Batched.Build(spec, initial);
        Trainer.Fit(managed, train, new TrainingOptions { Epochs = 5, BatchSize = 32, Seed = 3, EvaluateEachEpoch = false });
        double ours = managed.Evaluate(test).Accuracy!.Value;
        var evaluation = model.Evaluate(test.Features, test.Labels!);
        Assert.True(Math.Abs(evaluation["accuracy"] - ours) <= 0.03,
            $"Keras's fit reached {evaluation["accuracy"]:P2} on the test set, the managed engine trained the same way {ours:P2}");
        var predictions = model.Predict(test.Features);
        Assert.Equal((test.Count, 10), (predictions.Rows, predictions.Cols));
        Assert.Contains("dense_1", model.Summary());
    }
}
