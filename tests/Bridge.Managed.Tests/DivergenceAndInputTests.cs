using Bridge.Managed;

namespace Bridge.Managed.Tests;

public sealed class DivergenceAndInputTests
{
    public static IEnumerable<object[]> Paths() => [["managed"], ["managed-teaching"]];

    private static IBackend Backend(string path) => path == "managed" ? ManagedBackend.Batched : ManagedBackend.Teaching;

    private static readonly Mlp Spec = new(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Softmax));

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_step_with_a_non_finite_loss_is_refused_and_changes_nothing(string path)
    {
        // Finite weights whose outputs square to ∞: the loss overflows.
        var spec = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Linear)) { Loss = Loss.MeanSquaredError };
        var weights = spec.Init.Draw(spec, 1);
        for (int i = 0; i < weights.Layers[1].Kernel.Length; i++) weights.Layers[1].Kernel[i] = 1e308;
        using var model = Backend(path).Build(spec, weights);
        var batch = new Batch(Matrix.FromRows([1.0, 1, 1], [-1.0, 2, 0.5]), Matrix.FromRows([0.0, 1], [1.0, 0]));
        var before = model.GetWeights();
        var result = model.TrainStep(batch);
        Assert.False(result.Applied);
        Assert.False(double.IsFinite(result.Loss) && result.NonFiniteLayer is null);
        Assert.Equal(before.Flatten(), model.GetWeights().Flatten());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_trainer_names_epoch_step_and_layer_and_keeps_the_last_finite_weights(string path)
    {
        var spec = new Mlp(2, new Dense(6, Activation.Relu), new Dense(1, Activation.Linear)) { Loss = Loss.MeanSquaredError, Optimizer = new Sgd(0.1) };
        var rng = new Rng(3);
        var x = new Matrix(40, 2);
        var y = new Matrix(40, 1);
        for (int i = 0; i < 40; i++)
        {
            x[i, 0] = rng.Uniform(-1, 1);
            x[i, 1] = rng.Uniform(-1, 1);
            y[i, 0] = x[i, 0];
        }
        using var model = Backend(path).Build(spec, 1);
        WeightSet? lastGood = null;
        var options = new TrainingOptions
        {
            Epochs = 10,
            BatchSize = 10,
            OnEpochEnd = (epoch, m) =>
            {
                if (epoch != 1) return;
                // Blow the weights up after epoch 1: the next step's loss overflows.
                var w = m.GetWeights();
                foreach (var layer in w.Layers) for (int i = 0; i < layer.Kernel.Length; i++) layer.Kernel[i] *= 1e160;
                m.SetWeights(w);
                lastGood = m.GetWeights();
            },
        };
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, Dataset.Regression("line", x, y), options));
        Assert.Equal((2, 0), (error.Epoch, error.Step));
        Assert.Contains("epoch 2, step 0", error.Message);
        Assert.Equal(2, error.History.Epochs.Count);
        Assert.Equal(lastGood!.Flatten(), model.GetWeights().Flatten());
        Assert.Null(model.GetWeights().FirstNonFiniteLayer());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Bad_input_is_refused_by_name_before_anything_changes(string path)
    {
        using var model = Backend(path).Build(Spec with { Optimizer = new Adam(0.1) }, 2);
        var before = model.GetWeights();
        var state = model.GetOptimizerState();
        var nan = Matrix.FromRows([1.0, double.NaN, 0]);
        (Action Call, string Message)[] cases =
        [
            (() => model.TrainStep(new Batch(new Matrix(2, 4), OneHot.Encode([0, 1], 2), [0, 1])), "expects inputs of width 3"),
            (() => model.TrainStep(new Batch(new Matrix(2, 3), new Matrix(2, 3), [0, 1])), "has 2 outputs"),
            (() => model.TrainStep(new Batch(new Matrix(2, 3), OneHot.Encode([0, 1], 2), [0, 2])), "Label 2 of sample 1"),
            (() => model.TrainStep(new Batch(new Matrix(0, 3), new Matrix(0, 2), [])), "empty"),
            (() => model.TrainStep(new Batch(nan, OneHot.Encode([0], 2), [0])), "NaN"),
            (() => model.Forward(new Matrix(1, 5)), "width 3"),
            (() => model.SetWeights(WeightSet.Zeros(new Mlp(3, new Dense(5), new Dense(2, Activation.Softmax)))), "[3, 4]"),
            (() => model.Encode(new Matrix(1, 3)), "autoencoder"),
            (() => model.ForwardRange(new Matrix(1, 3), 1, 3), "0..1"),
        ];
        foreach (var (call, message) in cases)
        {
            var error = Record.Exception(call);
            Assert.NotNull(error);
            Assert.True(error is ArgumentException or InvalidOperationException, $"{error.GetType().Name}: {error.Message}");
            Assert.Contains(message, error.Message);
        }
        Assert.Equal(before.Flatten(), model.GetWeights().Flatten());
        Assert.Equal(state.Steps, model.GetOptimizerState().Steps);
    }

    [Fact]
    public void A_float32_model_refuses_values_beyond_float32_by_name()
    {
        using var model = ManagedBackend.Batched.Build(Spec with { Precision = Precision.Float32 }, 2);
        var before = model.GetWeights();
        var huge = Matrix.FromRows([1.0, 0, 1e39]);
        var error = Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(huge, OneHot.Encode([0], 2), [0])));
        Assert.Contains("row 0, column 2", error.Message);
        Assert.Contains("float32", error.Message);
        var targets = OneHot.Encode([0], 2);
        targets[0, 1] = double.PositiveInfinity;
        error = Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(Matrix.FromRows([1.0, 0, 0]), targets, [0])));
        Assert.Contains("Target row 0, column 1", error.Message);
        Assert.Equal(before.Flatten(), model.GetWeights().Flatten());
    }
}
