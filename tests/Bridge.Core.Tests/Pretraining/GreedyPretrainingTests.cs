using Bridge.Managed;

namespace Bridge.Core.Tests.Pretraining;

public sealed class GreedyPretrainingTests
{
    /// <summary>Twelve features in [0, 1] that depend on three hidden factors: something an autoencoder can compress.</summary>
    private static Dataset LowRankData(int samples = 240, ulong seed = 4)
    {
        var rng = new Rng(seed);
        var mixing = new double[3, 12];
        for (int f = 0; f < 3; f++)
            for (int j = 0; j < 12; j++) mixing[f, j] = 2 * rng.NextDouble() - 1;
        var x = new Matrix(samples, 12);
        var labels = new int[samples];
        for (int n = 0; n < samples; n++)
        {
            var factors = new[] { 2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1 };
            labels[n] = factors[0] > 0 ? 1 : 0;
            for (int j = 0; j < 12; j++)
            {
                double net = 0;
                for (int f = 0; f < 3; f++) net += 2 * factors[f] * mixing[f, j];
                x[n, j] = 1 / (1 + Math.Exp(-net));
            }
        }
        return Dataset.Classification("low-rank", x, labels, classCount: 2);
    }

    private static readonly Mlp Spec = new(12, new Dense(6, Activation.Sigmoid), new Dense(4, Activation.Sigmoid), new Dense(2, Activation.Softmax));

    private static readonly PretrainingOptions Quick = new() { Epochs = 15, BatchSize = 16, Seed = 7 };

    [Fact]
    public void Every_hidden_layer_learns_to_reconstruct_what_it_sees()
    {
        var result = GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, LowRankData(), Quick);

        Assert.Equal(2, result.Layers.Count);
        Assert.Equal((12, 6), (result.Layers[0].Inputs, result.Layers[0].Units));
        // The second autoencoder reconstructs the first layer's codes, not the data.
        Assert.Equal((6, 4), (result.Layers[1].Inputs, result.Layers[1].Units));
        Assert.All(result.Layers, layer =>
        {
            Assert.Equal(15, layer.History.Epochs.Count);
            Assert.True(layer.ErrorAfter < 0.5 * layer.ErrorBefore, $"layer {layer.Index}: {layer.ErrorBefore} → {layer.ErrorAfter}");
        });
        result.Weights.EnsureMatches(Spec);
    }

    [Fact]
    public void Hidden_layers_change_and_the_output_layer_is_the_random_baselines()
    {
        var result = GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, LowRankData(), Quick);
        var random = Spec.Init.Draw(Spec, Quick.Seed);

        Assert.Equal(random[2].Kernel, result.Weights[2].Kernel);
        Assert.Equal(random[2].Bias, result.Weights[2].Bias);
        Assert.NotEqual(random[0].Kernel, result.Weights[0].Kernel);
        Assert.NotEqual(random[1].Kernel, result.Weights[1].Kernel);
    }

    [Fact]
    public void The_first_layer_is_exactly_an_autoencoder_trained_by_hand()
    {
        var data = LowRankData();
        var result = GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, data, Quick);

        // The procedure written out: encoder from the spec's draw, decoder from seed + 1, sigmoid decoder for [0, 1] data.
        var autoencoder = new Autoencoder(12, [Spec.Layers[0]], [new Dense(12, Activation.Sigmoid)])
        {
            Loss = Loss.MeanSquaredError,
            Optimizer = Quick.Optimizer,
        };
        var start = new WeightSet(Precision.Float64, [Spec.Init.Draw(Spec, 7)[0], autoencoder.Init.Draw(autoencoder, 8)[1]]);
        using var byHand = ManagedBackend.Batched.Build(autoencoder, start);
        Trainer.Fit(byHand, Dataset.Unlabeled("x", data.Features), new TrainingOptions { Epochs = 15, BatchSize = 16, Seed = 7 });

        Assert.Equal(byHand.GetWeights()[0].Kernel, result.Weights[0].Kernel);
        Assert.Equal(result.Layers[0].ErrorAfter, Metrics.MeanSquaredError(byHand.Reconstruct(data.Features), data.Features), 15);
    }

    [Fact]
    public void The_teaching_path_pretrains_to_the_same_weights()
    {
        var data = LowRankData(samples: 80);
        var options = Quick with { Epochs = 3 };
        var fast = GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, data, options);
        var lecture = GreedyPretraining.Pretrain(ManagedBackend.Teaching, Spec, data, options);

        for (int layer = 0; layer < 3; layer++)
            Assert.True(Agreement.RelativeError(fast.Weights[layer], lecture.Weights[layer]) < 1e-10, $"layer {layer}");
    }

    [Fact]
    public void Pretrained_weights_start_a_supervised_net_that_trains()
    {
        var data = LowRankData();
        var result = GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, data, Quick);
        using var model = ManagedBackend.Batched.Build(Spec with { Optimizer = new Adam(0.01) }, result.Weights);
        var history = model.Fit(data, epochs: 30, batchSize: 16);
        Assert.True(history.Last!.Accuracy > 0.9, $"accuracy {history.Last.Accuracy}");
    }

    [Fact]
    public void Bad_requests_are_refused_naming_the_problem()
    {
        var data = LowRankData(samples: 20);
        var noHidden = new Mlp(12, new Dense(2, Activation.Softmax));
        Assert.Contains("no hidden layer", Assert.Throws<ArgumentException>(() =>
            GreedyPretraining.Pretrain(ManagedBackend.Batched, noHidden, data)).Message);
        var wrongWidth = new Mlp(5, new Dense(3), new Dense(2, Activation.Softmax));
        Assert.Contains("12 features", Assert.Throws<ArgumentException>(() =>
            GreedyPretraining.Pretrain(ManagedBackend.Batched, wrongWidth, data)).Message);
        Assert.Contains("Epochs is 0", Assert.Throws<ArgumentException>(() =>
            GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, data, new PretrainingOptions { Epochs = 0 })).Message);
        Assert.Contains("categorical", Assert.Throws<ArgumentException>(() =>
            GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, data, new PretrainingOptions { Loss = Loss.CategoricalCrossEntropy })).Message);
    }

    [Fact]
    public void Cancellation_stops_pretraining()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            GreedyPretraining.Pretrain(ManagedBackend.Batched, Spec, LowRankData(), Quick, cancelled.Token));
    }
}
