using Bridge.Backends;
using Bridge.Testing;
using TorchSharp;

namespace Bridge.Torch.Tests;

/// <summary>
/// A data set held as bytes crosses to the device as the values of its float64 matrix, rounded to the dtype (no float64
/// copy of the set on the way), subsets too; and queued training on it gives what training on those values gives.
/// </summary>
public sealed class FeatureRowsOnDeviceTests
{
    private static Dataset Bytes(int samples, int width, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new byte[samples * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        var labels = Enumerable.Range(0, samples).Select(_ => rng.NextInt(3)).ToArray();
        return Dataset.Classification("bytes", FeatureRows.FromBytes(samples, width, pixels, 1.0 / 255), labels, 3);
    }

    [Theory]
    [InlineData(torch.ScalarType.Float32)]
    [InlineData(torch.ScalarType.Float64)]
    public void Bytes_become_the_tensor_of_their_float64_values(torch.ScalarType dtype)
    {
        var data = Bytes(40, 13, 3).Subset([.. Enumerable.Range(0, 40).Reverse().Where(i => i % 4 != 0)]);
        Assert.True(data.FeatureRows.HoldsBytes);
        using var fromBytes = TorchTensors.FromRows(data.FeatureRows, dtype, torch.CPU);
        using var fromValues = TorchTensors.FromMatrix(data.Features, dtype, torch.CPU);
        Assert.Equal(fromValues.shape, fromBytes.shape);
        Assert.Equal(TorchTensors.ToDoubles(fromValues).Select(BitConverter.DoubleToInt64Bits), TorchTensors.ToDoubles(fromBytes).Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Queued_steps_count_what_their_outputs_before_the_update_classify_right()
    {
        var data = Bytes(90, 13, 7);
        var spec = new Mlp(13, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax)) { Precision = Precision.Float64, Optimizer = new Adam(0.05) };
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 2, EvaluateEachEpoch = false };
        var torchBackend = new TorchBackend();
        using var queued = torchBackend.Build(spec, 1);
        var history = Trainer.Fit(queued, data, options);

        // The same steps one at a time, each counted from a forward pass just before it.
        using var stepped = torchBackend.Build(spec, 1);
        var assembler = new BatchAssembler(data, spec, options.BatchSize);
        var order = new int[data.Count];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            BatchPlan.FillOrder(order, epoch, options.Seed, options.Shuffle);
            int correct = 0;
            for (int step = 0; step < assembler.StepsPerEpoch; step++)
            {
                var batch = assembler.Assemble(order, step, options.Seed, epoch);
                correct += (int)Math.Round(Metrics.Accuracy(stepped.Forward(batch.Inputs), batch.Labels) * batch.Count);
                Assert.True(stepped.TrainStep(batch).Applied);
            }
            Assert.Equal((double)correct / data.Count, history.Epochs[epoch].RunningAccuracy);
        }
    }

    [Fact]
    public void Without_the_running_accuracy_the_queued_steps_train_the_same_bits_and_report_none()
    {
        var data = Bytes(90, 13, 7);
        var spec = new Mlp(13, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Adam(0.05) };
        var counting = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 2, EvaluateEachEpoch = false };
        var torchBackend = new TorchBackend();
        using var counted = torchBackend.Build(spec, 1);
        using var uncounted = torchBackend.Build(spec, 1);
        var withCount = Trainer.Fit(counted, data, counting);
        var without = Trainer.Fit(uncounted, data, counting with { CountRunningAccuracy = false });
        Assert.All(withCount.Epochs, e => Assert.NotNull(e.RunningAccuracy));
        Assert.All(without.Epochs, e => Assert.Null(e.RunningAccuracy));
        Assert.Equal(withCount.Losses(), without.Losses());
        Assert.Equal(counted.GetWeights().Flatten(), uncounted.GetWeights().Flatten());
    }

    [Fact]
    public void Queued_training_on_bytes_gives_what_training_on_their_values_gives()
    {
        var bytes = Bytes(90, 13, 5);
        var values = Dataset.Classification("values", bytes.Features.Clone(), bytes.Labels!, 3);
        var spec = new Mlp(13, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Adam(0.01) };
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 2, EvaluateEachEpoch = false };
        var torchBackend = new TorchBackend();
        using var onBytes = torchBackend.Build(spec, 1);
        using var onValues = torchBackend.Build(spec, 1);
        Trainer.Fit(onBytes, bytes, options);
        Trainer.Fit(onValues, values, options);
        double difference = Agreement.RelativeError(onValues.GetWeights(), onBytes.GetWeights());
        Assert.True(difference < 1e-5, $"weights differ by {difference}");
        using var untrained = torchBackend.Build(spec, 1);
        Assert.True(Agreement.RelativeError(untrained.GetWeights(), onBytes.GetWeights()) > 1e-3, "training changed nothing");
    }

    [Fact]
    public void An_autoencoder_on_bytes_sends_them_once_as_inputs_and_targets_and_makes_no_float64_copy()
    {
        var bytes = Bytes(90, 13, 11);
        // The same bytes in a set of their own, whose float64 copy is then the other set's values.
        var values = Dataset.Unlabeled("values", Bytes(90, 13, 11).Features);
        var spec = Autoencoder.Symmetric(13, [6], 3) with { Precision = Precision.Float32, Loss = Loss.MeanSquaredError, Optimizer = new Adam(0.01) };
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 4, EvaluateEachEpoch = false };
        var torchBackend = new TorchBackend();
        using var onBytes = torchBackend.Build(spec, 1);
        using var onValues = torchBackend.Build(spec, 1);

        long writes = DeviceTransfers.Writes;
        Trainer.Fit(onBytes, bytes, options);
        Assert.Equal(1 + options.Epochs, DeviceTransfers.Writes - writes);   // the rows, inputs and targets at once, and each epoch's order
        Assert.Null(Float64Copy(bytes.FeatureRows));

        writes = DeviceTransfers.Writes;
        Trainer.Fit(onValues, values, options);
        Assert.Equal(1 + options.Epochs, DeviceTransfers.Writes - writes);
        double difference = Agreement.RelativeError(onValues.GetWeights(), onBytes.GetWeights());
        Assert.True(difference < 1e-5, $"weights differ by {difference}");
        using var untrained = torchBackend.Build(spec, 1);
        Assert.True(Agreement.RelativeError(untrained.GetWeights(), onBytes.GetWeights()) > 1e-3, "training changed nothing");
    }

    [Fact]
    public void Bytes_whose_values_float32_cannot_hold_are_refused_as_the_managed_engine_refuses_them()
    {
        var spec = new Mlp(2, new Dense(3, Activation.Tanh), new Dense(2, Activation.Softmax)) { Precision = Precision.Float32 };
        using var model = new TorchBackend().Build(spec, 2);
        var rows = FeatureRows.FromBytes(2, 2, [0, 1, 2, 255], 1e37);
        var error = Assert.Throws<ArgumentException>(() => ((IQueuedTrainingModel)model).BeginQueuedTraining(rows, OneHot.Encode([0, 1], 2), [0, 1]));
        Assert.Equal($"The data's bytes are scaled by {1e37}: their values reach {255 * 1e37}, beyond the range of float32.", error.Message);
    }

    /// <summary>The float64 matrix a set of bytes makes when asked for it, or null while nothing has.</summary>
    private static Matrix? Float64Copy(FeatureRows rows)
    {
        var field = typeof(FeatureRows).GetField("_matrix", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        Assert.NotNull(field);
        return (Matrix?)field.GetValue(rows);
    }
}
