using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>The engine learns what the course asks of it, and the same seed gives the same run.</summary>
public sealed class TrainingTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("managed-teaching")]
    public void Xor_is_learned_online_by_a_2_4_1_sigmoid_net(string path)
    {
        var backend = path == "managed" ? ManagedBackend.Batched : ManagedBackend.Teaching;
        var spec = new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)) { Optimizer = new Sgd(0.5, 0.9) };
        using var model = backend.Build(spec, 1);
        var history = model.Fit(Datasets.Xor(), epochs: 1500, batchSize: 1);
        Assert.Equal(1.0, history.Last!.Accuracy);
        Assert.Equal([0, 1, 1, 0], model.PredictClasses(Datasets.Xor().Features));
    }

    [Fact]
    public void Digits_reach_95_percent_test_accuracy()
    {
        var (train, test) = Digits.Load().Split(0.25, seed: 1, stratify: true);
        var spec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Optimizer = new Sgd(0.1, 0.9) };
        using var model = ManagedBackend.Batched.Build(spec, 1);
        model.Fit(train, epochs: 30, batchSize: 32, seed: 2);
        double accuracy = model.Evaluate(test).Accuracy!.Value;
        Assert.True(accuracy >= 0.95, $"test accuracy {accuracy:P2}");
    }

    [Fact]
    public void A_64_32_2_32_64_autoencoder_halves_its_reconstruction_error_on_digits()
    {
        var digits = Digits.Load();
        var spec = Autoencoder.Symmetric(64, [32], 2) with { Optimizer = new Adam(0.005), Loss = Loss.MeanSquaredError };
        using var model = ManagedBackend.Batched.Build(spec, 1);
        double before = model.Evaluate(digits).ReconstructionError!.Value;
        model.Fit(digits, epochs: 60, batchSize: 32, seed: 3);
        double after = model.Evaluate(digits).ReconstructionError!.Value;
        Assert.True(after <= before / 2, $"reconstruction error {before:G4} → {after:G4}");
        Assert.Equal(2, model.Encode(digits.Features).Cols);
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("managed-teaching")]
    public void The_same_seed_gives_bit_identical_weights(string path)
    {
        var backend = path == "managed" ? ManagedBackend.Batched : ManagedBackend.Teaching;
        var spec = new Mlp(2, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        var data = Datasets.Spirals(samples: 90, seed: 2);
        long[] Run(ulong seed)
        {
            using var model = backend.Build(spec, seed);
            model.Fit(data, epochs: 5, batchSize: 8, seed: seed);
            return model.GetWeights().Flatten().Select(BitConverter.DoubleToInt64Bits).ToArray();
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }
}
