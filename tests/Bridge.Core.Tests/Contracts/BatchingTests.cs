using Bridge.Backends;

namespace Bridge.Tests.Contracts;

public class BatchingTests
{
    /// <summary>n samples whose two features are (index, −index), two classes by parity.</summary>
    private static Dataset Indexed(int n)
    {
        var features = new Matrix(n, 2);
        for (int i = 0; i < n; i++) (features[i, 0], features[i, 1]) = (i, -i);
        return Dataset.Classification("indexed", features, [.. Enumerable.Range(0, n).Select(i => i % 2)], 2);
    }

    [Fact]
    public void An_epoch_order_is_a_seeded_permutation_that_depends_on_seed_and_epoch_only()
    {
        var order = BatchPlan.Order(50, epoch: 2, seed: 7, shuffle: true);
        Assert.Equal(Enumerable.Range(0, 50), order.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), order);
        Assert.Equal(order, BatchPlan.Order(50, 2, 7, true));
        Assert.NotEqual(order, BatchPlan.Order(50, 3, 7, true));
        Assert.NotEqual(order, BatchPlan.Order(50, 2, 8, true));
        Assert.Equal(Enumerable.Range(0, 50), BatchPlan.Order(50, 2, 7, shuffle: false));
        var filled = new int[50];
        BatchPlan.FillOrder(filled, 2, 7, true);
        Assert.Equal(order, filled);
        // It is the batch-order stream's permutation, nothing else.
        Assert.Equal(Rng.ForStream(7, Rng.Streams.BatchOrder, 2).Permutation(50), order);
    }

    [Theory]
    [InlineData(10, 3, 4)]
    [InlineData(9, 3, 3)]
    [InlineData(1, 32, 1)]
    [InlineData(1797, 32, 57)]
    public void Steps_per_epoch_round_up(int samples, int batchSize, int steps)
    {
        Assert.Equal(steps, BatchPlan.StepsPerEpoch(samples, batchSize));
    }

    [Fact]
    public void The_corruption_stream_is_fixed_by_seed_epoch_and_step()
    {
        Assert.Equal(BatchPlan.CorruptionStream(1, 2, 3).NextULong(), BatchPlan.CorruptionStream(1, 2, 3).NextULong());
        Assert.NotEqual(BatchPlan.CorruptionStream(1, 2, 3).NextULong(), BatchPlan.CorruptionStream(1, 2, 4).NextULong());
        Assert.NotEqual(BatchPlan.CorruptionStream(1, 2, 3).NextULong(), BatchPlan.CorruptionStream(1, 3, 3).NextULong());
    }

    [Fact]
    public void The_assembler_gathers_the_planned_rows_with_their_targets_and_labels()
    {
        var data = Indexed(10);
        var assembler = new BatchAssembler(data, new Mlp(2, new Dense(2, Activation.Softmax)), batchSize: 4);
        Assert.Equal((4, 3), (assembler.BatchSize, assembler.StepsPerEpoch));
        var order = BatchPlan.Order(10, 0, 3, true);
        var seen = new List<int>();
        for (int step = 0; step < 3; step++)
        {
            var batch = assembler.Assemble(order, step, 3, 0);
            Assert.Equal(step < 2 ? 4 : 2, batch.Count); // the last batch is smaller
            for (int k = 0; k < batch.Count; k++)
            {
                int n = order[step * 4 + k];
                Assert.Equal((n, -n), ((int)batch.Inputs[k, 0], (int)batch.Inputs[k, 1]));
                Assert.Equal(n % 2, batch.Labels![k]);
                Assert.Equal(n % 2 == 0 ? [1.0, 0] : [0.0, 1], batch.Targets.Row(k).ToArray());
                seen.Add(n);
            }
        }
        Assert.Equal(order, seen);
    }

    [Fact]
    public void The_assembler_reuses_its_buffers_and_clips_the_batch_size()
    {
        var data = Indexed(8);
        var assembler = new BatchAssembler(data, new Mlp(2, new Dense(1)), batchSize: 4);
        var order = BatchPlan.Order(8, 0, 0, false);
        Assert.Same(assembler.Assemble(order, 0, 0, 0), assembler.Assemble(order, 1, 0, 0));
        var whole = new BatchAssembler(data, new Mlp(2, new Dense(1)), batchSize: 100);
        Assert.Equal((8, 1), (whole.BatchSize, whole.StepsPerEpoch));
        Assert.Equal(8, whole.Assemble(order, 0, 0, 0).Count);
    }

    [Fact]
    public void Corruption_is_deterministic_per_step_and_leaves_the_targets_clean()
    {
        var features = new Matrix(6, 5);
        for (int i = 0; i < features.Data.Length; i++) features.Data[i] = 1 + i;
        var data = Dataset.Unlabeled("ones", features);
        var spec = new Autoencoder(5, [new Dense(2)], [new Dense(5)]) { Corruption = Corruption.Masking(0.5) };
        var order = BatchPlan.Order(6, 0, 0, false);
        var first = new BatchAssembler(data, spec, 3).Assemble(order, 1, seed: 4, epoch: 2);
        var firstInputs = first.Inputs.Data.ToArray();
        var again = new BatchAssembler(data, spec, 3).Assemble(order, 1, seed: 4, epoch: 2);
        Assert.Equal(firstInputs, again.Inputs.Data);
        Assert.Null(first.Labels);
        for (int i = 0; i < firstInputs.Length; i++)
        {
            double clean = features.Data[15 + i];
            Assert.Equal(clean, first.Targets.Data[i]);                     // targets stay clean
            Assert.True(firstInputs[i] == 0 || firstInputs[i] == clean);    // masking zeroes or keeps
        }
        Assert.Contains(0.0, firstInputs);
        Assert.Contains(firstInputs, v => v != 0);
        var otherStep = new BatchAssembler(data, spec, 3).Assemble(order, 0, seed: 4, epoch: 2).Inputs.Data.Select(v => v == 0);
        Assert.NotEqual(firstInputs.Select(v => v == 0), otherStep);
    }

    [Fact]
    public void Gaussian_corruption_adds_noise_of_the_given_deviation()
    {
        var data = Dataset.Unlabeled("zeros", new Matrix(400, 50));
        var spec = new Autoencoder(50, [new Dense(2)], [new Dense(50)]) { Corruption = Corruption.Gaussian(0.3) };
        var batch = new BatchAssembler(data, spec, 400).Assemble(BatchPlan.Order(400, 0, 0, false), 0, 1, 0);
        double sd = Math.Sqrt(batch.Inputs.Data.Select(v => v * v).Average());
        Assert.InRange(sd, 0.297, 0.303); // 20000 draws
        Assert.All(batch.Targets.Data, t => Assert.Equal(0, t));
    }

    [Fact]
    public void The_assembler_refuses_data_that_does_not_fit()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatchAssembler(Indexed(4), new Mlp(3, new Dense(1)), 2));
        Assert.Contains("expects 3 inputs", error.Message);
    }
}
