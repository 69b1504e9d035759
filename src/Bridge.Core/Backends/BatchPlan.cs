namespace Bridge.Backends;

/// <summary>
/// The order in which an epoch visits the samples, and how it cuts them into batches. It depends only on the
/// seed, the epoch number and the sizes, never on what ran before: every backend, and a resumed run, gets the
/// same batches.
/// </summary>
public static class BatchPlan
{
    /// <summary>The sample order of <paramref name="epoch"/>: a seeded permutation, or 0..n−1 without shuffling.</summary>
    public static int[] Order(int sampleCount, int epoch, ulong seed, bool shuffle)
    {
        var order = new int[sampleCount];
        FillOrder(order, epoch, seed, shuffle);
        return order;
    }

    /// <summary><see cref="Order"/> into an existing array (no allocation).</summary>
    public static void FillOrder(Span<int> order, int epoch, ulong seed, bool shuffle)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (shuffle) Rng.ForStream(seed, Rng.Streams.BatchOrder, (ulong)epoch).Shuffle(order);
    }

    /// <summary>The number of steps in an epoch: ⌈n / batch size⌉.</summary>
    public static int StepsPerEpoch(int sampleCount, int batchSize) => (sampleCount + batchSize - 1) / batchSize;

    /// <summary>The random stream that corrupts the inputs of one step.</summary>
    public static Rng CorruptionStream(ulong seed, int epoch, int step) =>
        Rng.ForStream(seed, Rng.Streams.Corruption, (ulong)epoch, (ulong)step);
}
