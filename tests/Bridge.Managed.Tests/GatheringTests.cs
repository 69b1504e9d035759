using Bridge.Backends;
using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>
/// Training on a data set's rows read by the engine itself (what <see cref="Trainer.Fit"/> does with the managed
/// engine) is the same computation as training on the batches the trainer assembles: bit-identical weights, losses and
/// optimizer state, with a last batch of another size. The conformance suite holds every backend's fit to its steps on
/// small nets (categorical cross-entropy and half squared error, both precisions) and checks what the row form
/// refuses; here are the losses it leaves out, binary cross-entropy and mean squared error, the latter on a
/// digits-sized autoencoder whose rows are wide.
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

    private static IEnumerable<double> Slots(IModel model) =>
        model.GetOptimizerState().Slots.OrderBy(slot => slot.Key).SelectMany(slot => slot.Value.Flatten());

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
