using Bridge.Backends;
using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>
/// The engine's own evaluation of a whole set (what the trainer runs after each epoch): the accuracy of a forward pass
/// over the set, and its loss and reconstruction error to the last few bits (summed in slices), for sets smaller and
/// larger than a slice, float64 values and bytes, both precisions; and an epoch's evaluation allocates nothing that
/// grows with the set, so a long run stays flat.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class EvaluationTests
{
    private static Dataset Bytes(int samples, int width, int classes, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new byte[samples * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        var labels = Enumerable.Range(0, samples).Select(_ => rng.NextInt(classes)).ToArray();
        return Dataset.Classification("bytes", FeatureRows.FromBytes(samples, width, pixels, 1.0 / 255), labels, classes);
    }

    [Theory]
    [InlineData(Precision.Float32, 1000, true)]
    [InlineData(Precision.Float64, 1000, false)]
    [InlineData(Precision.Float32, 100, false)]
    [InlineData(Precision.Float64, 513, true)]
    public void A_classifier_is_evaluated_as_a_forward_pass_over_the_whole_set_evaluates_it(Precision precision, int samples, bool bytes)
    {
        var held = Bytes(samples, 64, 10, 7);
        var data = bytes ? held : Dataset.Classification("values", held.Features.Clone(), held.Labels!, 10);
        var spec = new Mlp(64, new Dense(32, Activation.Tanh), new Dense(10, Activation.Softmax)) { Precision = precision, Optimizer = new Adam(0.01) };
        using var model = ManagedBackend.Batched.Build(spec, 3);
        // Trained a little, so that the accuracy is neither 0 nor 1 and the outputs differ from sample to sample.
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 2, BatchSize = 32, EvaluateEachEpoch = false });

        var evaluated = ((IEvaluatingModel)model).EvaluateRows(data.FeatureRows, data.TargetsFor(spec), data.Labels, reconstruction: false);
        var outputs = model.Forward(data.Features);
        Assert.Equal(Metrics.Accuracy(outputs, data.Labels), evaluated.Accuracy);
        Assert.InRange(evaluated.Accuracy!.Value, 0.01, 0.99);
        double loss = LossFunctions.Batch(spec.Loss, outputs, data.TargetsFor(spec), data.Labels);
        Assert.Equal(loss, evaluated.Loss, loss * 1e-12);
        Assert.Null(evaluated.ReconstructionError);
    }

    [Fact]
    public void An_autoencoder_is_evaluated_for_its_loss_and_reconstruction()
    {
        var data = Bytes(700, 49, 2, 9);
        var spec = Autoencoder.Symmetric(49, [16], 4) with { Loss = Loss.MeanSquaredError, Precision = Precision.Float32, Optimizer = new Adam(0.01) };
        using var model = ManagedBackend.Batched.Build(spec, 5);
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, BatchSize = 64, EvaluateEachEpoch = false });
        var evaluated = ((IEvaluatingModel)model).EvaluateRows(data.FeatureRows, data.TargetsFor(spec), null, reconstruction: true);
        var outputs = model.Forward(data.Features);
        double error = Metrics.MeanSquaredError(outputs, data.Features);
        Assert.Equal(error, evaluated.ReconstructionError!.Value, error * 1e-12);
        // The loss compares with the targets rounded to float32, as the steps' losses do.
        Assert.Equal(error, evaluated.Loss, error * 1e-6);
        Assert.Null(evaluated.Accuracy);
    }

    [Fact]
    public void The_trainer_evaluates_through_the_engine_with_the_numbers_of_a_forward_pass()
    {
        var data = Bytes(600, 64, 10, 11);
        var validation = Bytes(300, 64, 10, 12);
        var spec = new Mlp(64, new Dense(32, Activation.Relu), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Adam(0.01) };
        using var model = ManagedBackend.Batched.Build(spec, 3);
        var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 2, BatchSize = 50, Validation = validation });
        var last = history.Last!;
        Assert.Equal(Metrics.Accuracy(model.Forward(data.Features), data.Labels), last.Accuracy);
        Assert.Equal(Metrics.Accuracy(model.Forward(validation.Features), validation.Labels), last.ValidationAccuracy);
        Assert.Equal(model.Evaluate(validation).Loss, last.ValidationLoss!.Value, 1e-12);
    }

    [Fact]
    public void An_epoch_with_its_evaluations_allocates_nothing_that_grows_with_the_set()
    {
        // 4,000 images of 64 bytes: their float64 copy is 2 MB, and a forward pass's outputs for all of them 1.3 MB.
        var data = Bytes(4000, 64, 10, 13);
        var validation = Bytes(1000, 64, 10, 14);
        var spec = new Mlp(64, new Dense(32, Activation.Relu), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Adam(0.01) };
        using var model = ManagedBackend.Batched.Build(spec, 3);
        long AllocatedOver(int epochs)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            Trainer.Fit(model, data, new TrainingOptions { Epochs = epochs, BatchSize = 64, Validation = validation });
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        // Warm up past the JIT's tiering (it recompiles hot methods after a delay, and compiling allocates).
        AllocatedOver(4);
        Thread.Sleep(300);
        AllocatedOver(4);
        long perEpoch = (AllocatedOver(10) - AllocatedOver(2)) / 8;
        Assert.True(perEpoch < 16 << 10, $"an epoch allocated {perEpoch} bytes");
        Assert.False(data.FeatureRows.Values is not null, "the set was copied to float64");
    }
}
