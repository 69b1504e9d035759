namespace Bridge;

/// <summary>
/// The one random-number generator behind every random choice Bridge makes (initial weights, batch order,
/// input corruption, synthetic data): xoshiro256** seeded through SplitMix64. Written out here, rather than
/// System.Random, so that a seed means the same numbers on every platform, runtime version and backend.
/// Not thread-safe; give each thread its own stream.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// An independent stream for one purpose, derived from a seed and a path of stream identifiers
    /// (for example: seed, "batch order", epoch). The same seed and path give the same stream, whatever was drawn
    /// before: that is what lets a resumed run, or another backend, see the same batches.
    /// </summary>
    public static Rng ForStream(ulong seed, params ReadOnlySpan<ulong> path)
    {
        ulong state = seed;
        ulong mixed = SplitMix64(ref state);
        foreach (ulong id in path)
        {
            state = mixed ^ (id * 0x9E3779B97F4A7C15UL);
            mixed = SplitMix64(ref state);
        }
        return new Rng(mixed);
    }

    /// <summary>Stream identifiers, so that no two purposes share numbers by accident.</summary>
    public static class Streams
    {
        public const ulong Weights = 1;
        public const ulong BatchOrder = 2;
        public const ulong Corruption = 3;
        public const ulong Data = 4;
        public const ulong Split = 5;
    }

    public ulong NextULong()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal (mean 0, standard deviation 1), by the Marsaglia polar method.</summary>
    public double Normal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * factor;
        return u * factor;
    }

    public double Normal(double mean, double standardDeviation) => mean + standardDeviation * Normal();

    /// <summary>An integer uniform on [0, n), without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ulong range = (ulong)n;
        while (true)
        {
            UInt128 product = (UInt128)NextULong() * range;
            ulong low = (ulong)product;
            if (low >= range || low >= (0UL - range) % range) return (int)(product >> 64);
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>0, 1, …, n − 1 in a random order.</summary>
    public int[] Permutation(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Shuffle<int>(order);
        return order;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
