using Bridge.Managed;
using Bridge.Managed.Batched;
using Bridge.Managed.Kernels;
using static Bridge.Managed.Kernels.WorkerPool;

namespace Bridge.Managed.Tests;

/// <summary>
/// Batches computed in two halves, on two cores (the worker with its own copy of the weights) or on one: the same bits
/// either way, through training, refusals, bad input and weights or optimizer state set in between; and the same
/// numbers as the teaching path.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class SplitBatchTests
{
    private static readonly Mlp Digits64 = new(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax));

    [Fact]
    public void Batches_split_where_the_hand_off_pays_and_the_products_stay_on_one_core()
    {
        Assert.Equal(16, BatchHalves.SplitAt(Digits64, 32));
        Assert.Equal(8, BatchHalves.SplitAt(Digits64, 20));
        Assert.Equal(8, BatchHalves.SplitAt(Digits64, 16));
        // Halves of 4 digits do too little to pay for the exchange; halves of 4 Fashion-MNIST images do not.
        Assert.Equal(0, BatchHalves.SplitAt(Digits64, 12));
        Assert.Equal(0, BatchHalves.SplitAt(Digits64, 5));
        Assert.Equal(4, BatchHalves.SplitAt(new Mlp(784, new Dense(256, Activation.Relu), new Dense(10, Activation.Softmax)), 8));
        // XOR: far too little work to hand half of it over.
        Assert.Equal(0, BatchHalves.SplitAt(new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)), 64));
        // Fashion-MNIST at batch 128: its products are shared between the cores row by row instead.
        Assert.Equal(0, BatchHalves.SplitAt(new Mlp(784, new Dense(256, Activation.Relu), new Dense(10, Activation.Softmax)), 128));
        // The first half is a whole number of 4-row tiles; the second takes the rest.
        for (int n = 16; n < 200; n++)
        {
            int split = BatchHalves.SplitAt(Digits64, n);
            Assert.True(split % 4 == 0 && split >= 8 && n - split >= split, $"batch {n}: split at {split}");
        }
    }

    public static TheoryData<Precision, string> Cases() => new()
    {
        { Precision.Float32, "sgd" }, { Precision.Float32, "nesterov" }, { Precision.Float32, "adam" },
        { Precision.Float64, "sgd" }, { Precision.Float64, "adam" },
    };

    private static Optimizer OptimizerNamed(string name) => name switch
    {
        "sgd" => new Sgd(0.1),
        "nesterov" => new Sgd(0.05, 0.9, Nesterov: true),
        _ => new Adam(0.003),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_on_two_cores_gives_the_bits_of_one(Precision precision, string optimizer)
    {
        var spec = Digits64 with { Precision = precision, Optimizer = OptimizerNamed(optimizer) };
        // 308 samples in batches of 32: nine split batches and a last one of 20, split 8 + 12, each epoch.
        Assert.Equal(8, BatchHalves.SplitAt(spec, 20));
        var data = Digits.Load().Take(308);
        var options = new TrainingOptions { Epochs = 4, BatchSize = 32, Seed = 5, EvaluateEachEpoch = false };

        var expected = Train(spec, data, options, PairPlacement.Here);
        foreach (var placement in TwoCorePlacements) Assert.Equal(expected, Train(spec, data, options, placement));
    }

    [Fact]
    public void A_split_batch_agrees_with_the_teaching_path()
    {
        var spec = new Mlp(20, new Dense(30, Activation.Tanh), new Dense(4, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        Assert.Equal(12, BatchHalves.SplitAt(spec, 24));
        var weights = spec.Init.Draw(spec, 3);
        using var teaching = ManagedBackend.Teaching.Build(spec, weights);
        using var batched = ManagedBackend.Batched.Build(spec, weights);
        var rng = new Rng(8);
        for (int step = 0; step < 10; step++)
        {
            var batch = RandomNets.Batch(spec, rng, 24);
            Assert.True(Agreement.RelativeError(teaching.Gradients(batch), batched.Gradients(batch)) < 1e-12, $"gradients, step {step}");
            Assert.True(Agreement.RelativeError(teaching.Loss(batch), batched.Loss(batch)) < 1e-12, $"loss, step {step}");
            var a = teaching.TrainStep(batch);
            var b = batched.TrainStep(batch);
            Assert.True(b.Applied);
            Assert.True(Agreement.RelativeError(a.Loss, b.Loss) < 1e-12, $"step loss, step {step}");
        }
        Assert.True(Agreement.RelativeError(teaching.GetWeights(), batched.GetWeights()) < 1e-12);
    }

    [Fact]
    public void Weights_and_optimizer_state_set_between_steps_reach_the_second_core()
    {
        var spec = Digits64 with { Precision = Precision.Float32, Optimizer = new Adam(0.01) };
        var other = spec.Init.Draw(spec, 99);
        var data = Digits.Load().Take(200);
        var batches = Enumerable.Range(0, 12).Select(s => Rows(data, spec, 7 * s, 32)).ToArray();
        long[] Run(PairPlacement placement) => On(placement, () =>
        {
            using var model = ManagedBackend.Batched.Build(spec, 1);
            using var donor = ManagedBackend.Batched.Build(spec, 2);
            for (int s = 0; s < 3; s++) model.TrainStep(batches[s]);
            model.SetWeights(other);
            for (int s = 3; s < 6; s++)
            {
                model.TrainStep(batches[s]);
                donor.TrainStep(batches[s]);
            }
            // A batch computed whole (too small to split) changes the weights on this core alone.
            model.TrainStep(Rows(data, spec, 3, 5));
            for (int s = 6; s < 8; s++) model.TrainStep(batches[s]);
            model.SetOptimizerState(donor.GetOptimizerState());
            for (int s = 8; s < 12; s++) model.TrainStep(batches[s]);
            return Bits(model.GetWeights()).Concat(SlotBits(model)).ToArray();
        });
        var expected = Run(PairPlacement.Here);
        foreach (var placement in TwoCorePlacements) Assert.Equal(expected, Run(placement));
    }

    [Fact]
    public void A_refused_step_and_a_bad_half_change_neither_copy()
    {
        var spec = new Mlp(40, new Dense(40, Activation.Tanh), new Dense(4, Activation.Linear)) { Loss = Loss.MeanSquaredError, Optimizer = new Sgd(0.05, 0.9) };
        Assert.Equal(8, BatchHalves.SplitAt(spec, 16));
        var rng = new Rng(4);
        var good = Enumerable.Range(0, 6).Select(_ => RandomNets.Batch(spec, rng, 16)).ToArray();
        // Finite targets whose squared error overflows: the loss is not finite, the step is refused.
        var overflowing = RandomNets.Batch(spec, rng, 16);
        for (int c = 0; c < 4; c++) overflowing.Targets[13, c] = 1e300;
        // A NaN in the second half.
        var bad = RandomNets.Batch(spec, rng, 16);
        bad.Inputs[12, 7] = double.NaN;

        long[] Run(PairPlacement placement) => On(placement, () =>
        {
            using var model = ManagedBackend.Batched.Build(spec, 6);
            for (int s = 0; s < 3; s++) Assert.True(model.TrainStep(good[s]).Applied);
            var before = Bits(model.GetWeights());
            var refused = model.TrainStep(overflowing);
            Assert.False(refused.Applied);
            Assert.Equal(before, Bits(model.GetWeights()));
            var error = Assert.Throws<ArgumentException>(() => model.TrainStep(bad));
            Assert.Contains("Input row 12, column 7 of the batch is NaN", error.Message);
            Assert.Equal(before, Bits(model.GetWeights()));
            Assert.Equal(3, model.GetOptimizerState().Steps);
            for (int s = 3; s < 6; s++) Assert.True(model.TrainStep(good[s]).Applied);
            return Bits(model.GetWeights()).Concat(SlotBits(model)).ToArray();
        });
        var oneCore = Run(PairPlacement.Here);
        foreach (var placement in TwoCorePlacements) Assert.Equal(oneCore, Run(placement));

        // The refused and the bad batch left no trace: the same as training on the good batches alone.
        using var clean = ManagedBackend.Batched.Build(spec, 6);
        foreach (var batch in good) clean.TrainStep(batch);
        Assert.Equal(oneCore, Bits(clean.GetWeights()).Concat(SlotBits(clean)).ToArray());
    }

    /// <summary>
    /// The other ways of running a split batch: offered to the worker (which takes the halves it is in time for), forced
    /// onto it (every half, however busy the machine), and the halves apart on this core (a worker always too late).
    /// </summary>
    private static readonly PairPlacement[] TwoCorePlacements = [PairPlacement.Offered, PairPlacement.OnWorker, PairPlacement.HereInParts];

    /// <summary>
    /// <paramref name="run"/> with the pool placing halves as <paramref name="placement"/> says; forced onto the worker,
    /// the worker must have taken halves (where there is one).
    /// </summary>
    private static T On<T>(PairPlacement placement, Func<T> run)
    {
        var pool = WorkerPool.Shared;
        long taken = pool.PairPartsOnWorkers;
        pool.Placement = placement;
        try
        {
            var result = run();
            if (placement == PairPlacement.OnWorker && Environment.ProcessorCount > 1)
                Assert.True(pool.PairPartsOnWorkers > taken, "the worker took no half");
            return result;
        }
        finally
        {
            pool.Placement = PairPlacement.Offered;
        }
    }

    /// <summary>The bits of the weights, optimizer state and epoch losses after training a fresh model.</summary>
    private static long[] Train(ModelSpec spec, Dataset data, TrainingOptions options, PairPlacement placement) => On(placement, () =>
    {
        using var model = ManagedBackend.Batched.Build(spec, 3);
        var history = Trainer.Fit(model, data, options);
        return Bits(model.GetWeights()).Concat(SlotBits(model)).Append(model.GetOptimizerState().Steps)
            .Concat(history.Epochs.Select(e => BitConverter.DoubleToInt64Bits(e.Loss))).ToArray();
    });

    private static Batch Rows(Dataset data, ModelSpec spec, int first, int count)
    {
        var rows = Enumerable.Range(first, count).ToArray();
        var inputs = new Matrix(count, data.FeatureCount);
        var targets = data.TargetsFor(spec);
        var picked = new Matrix(count, targets.Cols);
        for (int k = 0; k < count; k++)
        {
            data.Features.Data.AsSpan(rows[k] * data.FeatureCount, data.FeatureCount).CopyTo(inputs.Data.AsSpan(k * data.FeatureCount));
            targets.Data.AsSpan(rows[k] * targets.Cols, targets.Cols).CopyTo(picked.Data.AsSpan(k * targets.Cols));
        }
        return new Batch(inputs, picked, rows.Select(r => data.Labels![r]).ToArray());
    }

    private static long[] Bits(WeightSet weights) => weights.Flatten().Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static long[] SlotBits(IModel model) =>
        model.GetOptimizerState().Slots.OrderBy(s => s.Key).SelectMany(s => s.Value.Flatten()).Select(BitConverter.DoubleToInt64Bits).ToArray();
}
