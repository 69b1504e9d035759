namespace Bridge;

public static partial class Datasets
{
    /// <summary>
    /// Each generator draws from its own stream under <see cref="Rng.Streams.Data"/>, so "moons, seed 3" and
    /// "circles, seed 3" share no numbers.
    /// </summary>
    private static class GeneratorStream
    {
        public const ulong Moons = 1;
        public const ulong Circles = 2;
        public const ulong Spirals = 3;
        public const ulong Blobs = 4;
    }

    private static Rng StreamFor(ulong generator, ulong seed) => Rng.ForStream(seed, Rng.Streams.Data, generator);

    private static void EnsureSampleCount(string generator, int samples, int minimum)
    {
        if (samples < minimum)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"{generator} needs at least {minimum} samples, got {samples}.");
    }

    private static void EnsureNoise(string generator, double noise, string what = "noise")
    {
        if (!(noise >= 0) || !double.IsFinite(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, $"{generator}: the {what} must be a finite number ≥ 0, got {noise}.");
    }

    /// <summary>
    /// Shuffles the rows (seeded) and adds N(0, noise²) to every coordinate, as scikit-learn's generators do after
    /// laying out the points class by class.
    /// </summary>
    private static Dataset ShuffledWithNoise(string name, Matrix points, int[] labels, int classCount, double noise, Rng rng)
    {
        var order = rng.Permutation(points.Rows);
        var shuffled = points.SelectRows(order);
        var shuffledLabels = new int[labels.Length];
        for (int n = 0; n < order.Length; n++) shuffledLabels[n] = labels[order[n]];
        if (noise > 0)
            for (int i = 0; i < shuffled.Data.Length; i++) shuffled.Data[i] += noise * rng.Normal();
        return Dataset.Classification(name, shuffled, shuffledLabels, classCount);
    }

    /// <summary>k evenly spaced values from <paramref name="start"/> to <paramref name="stop"/> (numpy's linspace).</summary>
    private static double LinearSpace(double start, double stop, int count, int index, bool includeStop = true)
    {
        int intervals = includeStop ? count - 1 : count;
        return intervals <= 0 ? start : start + (stop - start) * index / intervals;
    }
}
