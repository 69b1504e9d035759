using Bridge.Backends;
using Bridge.Managed;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests;

/// <summary>
/// The batched path allocates nothing per training step once its buffers exist, on batches and on rows, on the calling
/// thread and on the worker that computes half of a split batch (an allocation count, not a timing).
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class AllocationTests
{
    [Theory]
    [InlineData(Precision.Float32, Loss.CategoricalCrossEntropy)]
    [InlineData(Precision.Float64, Loss.CategoricalCrossEntropy)]
    [InlineData(Precision.Float32, Loss.HalfSquaredError)]
    [InlineData(Precision.Float64, Loss.MeanSquaredError)]
    public void Training_steps_allocate_nothing_after_the_first(Precision precision, Loss loss)
    {
        foreach (var optimizer in new Optimizer[] { new Sgd(0.1), new Sgd(0.1, 0.9, true), new Adam(0.01) })
        {
            var output = loss == Loss.CategoricalCrossEntropy ? Activation.Softmax : Activation.Sigmoid;
            var spec = new Mlp(64, new Dense(32, Activation.Relu), new Dense(10, output)) { Precision = precision, Loss = loss, Optimizer = optimizer };
            using var model = ManagedBackend.Batched.Build(spec, 1);
            var full = RandomNets.Batch(spec, new Rng(1), 32);
            var last = RandomNets.Batch(spec, new Rng(2), 5);
            // Warm up past the JIT's tiering (it recompiles hot methods after a delay, and compiling allocates).
            for (int i = 0; i < 500; i++) model.TrainStep(i % 10 == 9 ? last : full);
            Thread.Sleep(300);
            for (int i = 0; i < 500; i++) model.TrainStep(i % 10 == 9 ? last : full);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) model.TrainStep(i % 10 == 9 ? last : full);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{spec}: {allocated} bytes allocated over 1,000 steps");

            // The same steps on rows the engine reads from the data itself (the trainer's way), float64 values and bytes;
            // the data set's rows are made once, as the trainer has them.
            var gathering = (IGatheringModel)model;
            int[] fullRows = Enumerable.Range(0, 32).ToArray(), lastRows = [3, 1, 4, 1, 5];
            var rng = new Rng(3);
            var pixels = new byte[32 * spec.Inputs];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
            foreach (var inputs in new[] { new FeatureRows(full.Inputs), FeatureRows.FromBytes(32, spec.Inputs, pixels, 1.0 / 255) })
            {
                for (int i = 0; i < 500; i++) gathering.TrainStep(inputs, full.Targets, full.Labels, i % 10 == 9 ? lastRows : fullRows);
                Thread.Sleep(300);
                for (int i = 0; i < 500; i++) gathering.TrainStep(inputs, full.Targets, full.Labels, i % 10 == 9 ? lastRows : fullRows);
                before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 1000; i++) gathering.TrainStep(inputs, full.Targets, full.Labels, i % 10 == 9 ? lastRows : fullRows);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated == 0, $"{spec}: {allocated} bytes allocated over 1,000 steps on rows of {inputs}");
            }
        }
    }

    [SkippableTheory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void Split_steps_allocate_nothing_on_the_worker_either(Precision precision)
    {
        Skip.If(Environment.ProcessorCount == 1, "one core: no worker");
        var spec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = precision, Optimizer = new Adam(0.01) };
        using var model = ManagedBackend.Batched.Build(spec, 1);
        var full = RandomNets.Batch(spec, new Rng(1), 32);
        var last = RandomNets.Batch(spec, new Rng(2), 5);
        var pool = WorkerPool.Shared;
        long before, halves;
        pool.Placement = WorkerPool.PairPlacement.OnWorker;
        try
        {
            // Warm up past the JIT's tiering, with every half on the worker (its copy of the weights is made at the first).
            for (int i = 0; i < 500; i++) model.TrainStep(i % 10 == 9 ? last : full);
            Thread.Sleep(300);
            for (int i = 0; i < 500; i++) model.TrainStep(i % 10 == 9 ? last : full);
            before = WorkerAllocatedBytes();
            halves = pool.PairPartsOnWorkers;
            for (int i = 0; i < 1000; i++) model.TrainStep(i % 10 == 9 ? last : full);
        }
        finally
        {
            pool.Placement = WorkerPool.PairPlacement.Offered;
        }
        long allocated = WorkerAllocatedBytes() - before;
        Assert.Equal(900, pool.PairPartsOnWorkers - halves - 1);
        Assert.True(allocated == 0, $"{spec}: {allocated} bytes allocated on the worker over 1,000 steps");
    }

    /// <summary>The bytes the pool's worker has allocated so far, read on the worker by a pair placed there.</summary>
    private static long WorkerAllocatedBytes()
    {
        var probe = new WorkerAllocationProbe();
        var pool = WorkerPool.Shared;
        var placement = pool.Placement;
        pool.Placement = WorkerPool.PairPlacement.OnWorker;
        try
        {
            pool.RunPair(probe);
        }
        finally
        {
            pool.Placement = placement;
        }
        Assert.True(probe.OnWorker);
        return probe.Bytes;
    }

    private sealed class WorkerAllocationProbe : IPairJob
    {
        private volatile bool _onWorker;

        public long Bytes { get; private set; }
        public bool OnWorker => _onWorker;

        public void Part(int part, bool onWorker)
        {
            if (part == 1 && onWorker)
            {
                Bytes = GC.GetAllocatedBytesForCurrentThread();
                _onWorker = true;
            }
        }

        public void Both() { }

        public void Finish(int part, bool together) { }
    }

    [Fact]
    public void A_whole_epoch_through_the_trainer_allocates_a_bounded_amount()
    {
        var spec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32 };
        var data = Digits.Load();
        using var model = ManagedBackend.Batched.Build(spec, 1);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 32, EvaluateEachEpoch = false };
        Trainer.Fit(model, data, options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Trainer.Fit(model, data, options with { Epochs = 5 });
        long perEpoch = (GC.GetAllocatedBytesForCurrentThread() - before) / 5;
        // The sample order and the two batch buffers per run: a few tens of kilobytes, not one batch per step.
        Assert.True(perEpoch < 200_000, $"{perEpoch} bytes per epoch");
    }
}
