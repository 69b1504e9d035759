using Bridge.Backends;
using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>
/// Training on a data set's rows read by the engine itself (what <see cref="Trainer.Fit"/> does with the managed
/// engine) is the same computation as training on the batches the trainer assembles: bit-identical weights, losses and
/// optimizer state, with a last batch of another size. The conformance suite holds every backend's fit to its steps on
/// small nets (categorical cross-entropy and half squared error, both precisions) and checks what the row form
/// refuses; here are the losses it leaves out, binary cross-entropy and mean squared error, the latter on a
/// digits-sized autoencoder whose rows are wide; and rows held as bytes (images), which train to the bits of their
/// float64 values, subsets too.
/// </summary>
public sealed class GatheringTests
{
    public static TheoryData<string> Cases => ["sigmoid-bce float32", "mse autoencoder float32"];

    private static (ModelSpec Spec, Dataset Data) Case(string name)
    {
        var precision = name.EndsWith("float32") ? Precision.Float32 : Precision.Float64;
        return name.Split(' ')[0] switch
        {
            "sigmoid-bce" => (new Mlp(2, new Dense(5, Activation.Relu), new Dense(1, Activation.Sigmoid)) { Precision = precision, Loss = Loss.BinaryCrossEntropy, Optimizer = new Adam(0.01) },
                Datasets.Moons(samples: 90, seed: 5)),
            _ => (Autoencoder.Symmetric(64, [16], 3) with { Precision = precision, Loss = Loss.MeanSquaredError, Optimizer = new Adam(0.005) },
                Digits.Load().Take(150)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_on_rows_equals_stepping_through_the_assembled_batches(string name)
    {
        var (spec, data) = Case(name);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 9, EvaluateEachEpoch = false };
        using var fitted = ManagedBackend.Batched.Build(spec, 2);
        Assert.IsAssignableFrom<IGatheringModel>(fitted);
        var history = Trainer.Fit(fitted, data, options);

        using var stepped = ManagedBackend.Batched.Build(spec, 2);
        var assembler = new BatchAssembler(data, spec, options.BatchSize);
        var order = new int[data.Count];
        var epochLosses = new List<double>();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            BatchPlan.FillOrder(order, epoch, options.Seed, options.Shuffle);
            double sum = 0;
            for (int step = 0; step < assembler.StepsPerEpoch; step++)
            {
                var batch = assembler.Assemble(order, step, options.Seed, epoch);
                var result = stepped.TrainStep(batch);
                Assert.True(result.Applied);
                sum += result.Loss * batch.Count;
            }
            epochLosses.Add(sum / data.Count);
        }

        Assert.NotEqual(0, data.Count % options.BatchSize);
        Assert.Equal(Bits(stepped.GetWeights().Flatten()), Bits(fitted.GetWeights().Flatten()));
        Assert.Equal(Bits(Slots(stepped)), Bits(Slots(fitted)));
        Assert.Equal(stepped.GetOptimizerState().Steps, fitted.GetOptimizerState().Steps);
        Assert.Equal(Bits(epochLosses), Bits(history.Epochs.Select(e => e.Loss)));
    }

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void A_set_held_as_bytes_trains_to_the_bits_of_its_float64_values(Precision precision)
    {
        // 67 columns: the eight-at-a-time conversion and its tail; 150 samples: a last batch of another size.
        const int samples = 150, width = 67, classes = 4;
        var rng = new Rng(11);
        var pixels = new byte[samples * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        var labels = Enumerable.Range(0, samples).Select(_ => rng.NextInt(classes)).ToArray();
        foreach (double scale in new[] { 1.0 / 255, 0.37 })
        {
            var bytes = Dataset.Classification("bytes", FeatureRows.FromBytes(samples, width, pixels, scale), labels, classes);
            var values = new Matrix(samples, width);
            for (int i = 0; i < pixels.Length; i++) values.Data[i] = pixels[i] * scale;
            var doubles = Dataset.Classification("values", values, labels, classes);
            Assert.True(bytes.FeatureRows.HoldsBytes);
            Assert.False(doubles.FeatureRows.HoldsBytes);

            var spec = new Mlp(width, new Dense(8, Activation.Relu), new Dense(classes, Activation.Softmax)) { Precision = precision, Optimizer = new Adam(0.01) };
            var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 9, EvaluateEachEpoch = false };
            using var fromBytes = ManagedBackend.Batched.Build(spec, 2);
            using var fromValues = ManagedBackend.Batched.Build(spec, 2);
            var byBytes = Trainer.Fit(fromBytes, bytes, options);
            var byValues = Trainer.Fit(fromValues, doubles, options);
            Assert.Equal(Bits(fromValues.GetWeights().Flatten()), Bits(fromBytes.GetWeights().Flatten()));
            Assert.Equal(Bits(byValues.Losses()), Bits(byBytes.Losses()));
            Assert.Equal(byValues.Epochs.Select(e => e.RunningAccuracy), byBytes.Epochs.Select(e => e.RunningAccuracy));

            // A subset of bytes picks its rows from the same bytes, and a subset of it from those.
            int[] picked = [.. Enumerable.Range(5, 130).Reverse()];
            var bytesSubset = bytes.Subset(picked).Subset([.. Enumerable.Range(0, 120).Where(i => i % 3 != 1)]);
            var valuesSubset = doubles.Subset(picked).Subset([.. Enumerable.Range(0, 120).Where(i => i % 3 != 1)]);
            Assert.Equal(Bits(valuesSubset.Features.Data), Bits(bytesSubset.Features.Data));
            byBytes = Trainer.Fit(fromBytes, bytesSubset, options);
            byValues = Trainer.Fit(fromValues, valuesSubset, options);
            Assert.Equal(Bits(fromValues.GetWeights().Flatten()), Bits(fromBytes.GetWeights().Flatten()));
            Assert.Equal(Bits(byValues.Losses()), Bits(byBytes.Losses()));
        }
    }

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void An_autoencoder_on_bytes_trains_and_evaluates_to_the_bits_of_its_float64_values_without_a_float64_copy(Precision precision)
    {
        const int samples = 70, width = 19;
        var rng = new Rng(3);
        var pixels = new byte[samples * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        var bytes = Dataset.Unlabeled("bytes", FeatureRows.FromBytes(samples, width, pixels, 1.0 / 255));
        var values = new Matrix(samples, width);
        for (int i = 0; i < pixels.Length; i++) values.Data[i] = pixels[i] * (1.0 / 255);
        var doubles = Dataset.Unlabeled("values", values);
        var spec = Autoencoder.Symmetric(width, [7], 3) with { Precision = precision, Loss = Loss.BinaryCrossEntropy, Optimizer = new Adam(0.01) };
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 9, EvaluateEachEpoch = true };
        using var fromBytes = ManagedBackend.Batched.Build(spec, 2);
        using var fromValues = ManagedBackend.Batched.Build(spec, 2);
        var byBytes = Trainer.Fit(fromBytes, bytes, options);
        var byValues = Trainer.Fit(fromValues, doubles, options);
        Assert.Equal(Bits(fromValues.GetWeights().Flatten()), Bits(fromBytes.GetWeights().Flatten()));
        Assert.Equal(Bits(byValues.Losses()), Bits(byBytes.Losses()));
        var measured = fromBytes.Measure(bytes);
        Assert.Equal(fromValues.Measure(doubles), measured);
        Assert.NotNull(measured.ReconstructionError);

        var field = typeof(FeatureRows).GetField("_matrix", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        Assert.NotNull(field);
        Assert.Null(field.GetValue(bytes.FeatureRows));
    }

    [Fact]
    public void Bytes_whose_values_float32_cannot_hold_are_refused_before_any_change()
    {
        var spec = new Mlp(2, new Dense(3, Activation.Tanh), new Dense(2, Activation.Softmax)) { Precision = Precision.Float32 };
        using var model = ManagedBackend.Batched.Build(spec, 2);
        var before = model.GetWeights().Flatten();
        var rows = FeatureRows.FromBytes(2, 2, [0, 1, 2, 255], 1e37);
        var error = Assert.Throws<ArgumentException>(() => ((IGatheringModel)model).TrainStep(rows, OneHot.Encode([0, 1], 2), [0, 1], [0, 1]));
        Assert.Contains("beyond the range of float32", error.Message);
        Assert.Equal(before, model.GetWeights().Flatten());
    }

    private static IEnumerable<double> Slots(IModel model) =>
        model.GetOptimizerState().Slots.OrderBy(slot => slot.Key).SelectMany(slot => slot.Value.Flatten());

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
