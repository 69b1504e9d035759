using Bridge.Backends;
using Bridge.Managed;
using static Bridge.Managed.Kernels.WorkerPool;

namespace Bridge.Managed.Tests;

/// <summary>
/// A training step counts the samples its outputs classify right before the update (what the trainer's running
/// accuracy adds up): the count Metrics.Accuracy gives on the outputs of a forward pass just before the step, for
/// softmax outputs, one sigmoid output and a perceptron's threshold, for whole and split batches, on one core or two.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class RunningAccuracyTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "softmax", 5 }, { "softmax", 64 }, { "sigmoid", 16 }, { "perceptron", 8 },
    };

    private static ModelSpec SpecNamed(string name) => name switch
    {
        // 64-32-10 at batch 64 is split in halves (the digits' shape).
        "softmax" => new Mlp(64, new Dense(32, Activation.Tanh), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Adam(0.01) },
        "sigmoid" => new Mlp(64, new Dense(8, Activation.Relu), new Dense(1, Activation.Sigmoid)) { Loss = Loss.BinaryCrossEntropy, Optimizer = new Sgd(0.5) },
        _ => new Perceptron(64, 1) { Threshold = 0.7, Optimizer = new Sgd(0.5) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_step_counts_what_its_outputs_before_the_update_classify_right(string name, int batchSize)
    {
        var spec = SpecNamed(name);
        foreach (var placement in new[] { PairPlacement.Here, PairPlacement.OnWorker })
        {
            var pool = Shared;
            pool.Placement = placement;
            try
            {
                using var model = ManagedBackend.Batched.Build(spec, 4);
                var rng = new Rng(21);
                int seen = 0;
                for (int step = 0; step < 12; step++)
                {
                    var batch = RandomNets.Batch(spec, rng, batchSize);
                    if (spec.Outputs == 1)
                    {
                        // Binary labels, with targets to match.
                        for (int n = 0; n < batch.Count; n++) batch.Targets.Data[n] = batch.Labels![n] = rng.NextInt(2);
                    }
                    int expected = (int)Math.Round(Metrics.Accuracy(model.Forward(batch.Inputs), batch.Labels, Metrics.ClassThreshold(spec)) * batch.Count);
                    var result = model.TrainStep(batch);
                    Assert.True(result.Applied);
                    Assert.Equal(expected, result.Correct);
                    seen += expected;
                }
                Assert.True(seen > 0, "no sample was ever classified right: the check could not tell counts apart");
            }
            finally
            {
                pool.Placement = PairPlacement.Offered;
            }
        }
    }

    [Fact]
    public void Steps_without_labels_count_nothing()
    {
        var regression = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Linear)) { Loss = Loss.MeanSquaredError };
        using var model = ManagedBackend.Batched.Build(regression, 1);
        var batch = new Batch(Matrix.FromRows([1.0, 2, 3], [0, 1, 0]), Matrix.FromRows([0.5, 1], [1, 0]));
        Assert.Null(model.TrainStep(batch).Correct);
    }

    [Fact]
    public void The_trainer_reports_the_running_accuracy_as_the_steps_counted_it()
    {
        var spec = SpecNamed("softmax");
        var data = Datasets.Blobs(samples: 300, centers: 10, features: 64, standardDeviation: 4, seed: 2);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 32, Seed = 3, EvaluateEachEpoch = false };

        using var fitted = ManagedBackend.Batched.Build(spec, 5);
        var history = Trainer.Fit(fitted, data, options);

        // The same steps one by one, their counts added up per epoch.
        using var stepped = ManagedBackend.Batched.Build(spec, 5);
        var assembler = new BatchAssembler(data, spec, options.BatchSize);
        var order = new int[data.Count];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            BatchPlan.FillOrder(order, epoch, options.Seed, options.Shuffle);
            int correct = 0;
            for (int step = 0; step < assembler.StepsPerEpoch; step++)
                correct += stepped.TrainStep(assembler.Assemble(order, step, options.Seed, epoch)).Correct!.Value;
            Assert.Equal((double)correct / data.Count, history.Epochs[epoch].RunningAccuracy);
        }
        Assert.Null(history.Epochs[0].Accuracy);

        using var uncounted = ManagedBackend.Batched.Build(spec, 5);
        var without = Trainer.Fit(uncounted, data, options with { CountRunningAccuracy = false });
        Assert.All(without.Epochs, e => Assert.Null(e.RunningAccuracy));
        Assert.Equal(history.Losses(), without.Losses());
    }
}
