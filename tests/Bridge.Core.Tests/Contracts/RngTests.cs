namespace Bridge.Tests.Contracts;

public class RngTests
{
    // Reference outputs from a transcription of the published algorithms to Python (SplitMix64 as in Vigna's
    // splitmix64.c; xoshiro256** as in Blackman & Vigna's xoshiro256starstar.c, seeded with four SplitMix64
    // outputs). SplitMix64 from 0 gives e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f, f88bb8a8724c81ec,
    // the sequence other implementations publish.
    [Theory]
    [InlineData(0UL, new ulong[] { 0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0, 0x6aa594f1262d2d2c, 0xbba5ad4a1f842e59 })]
    [InlineData(42UL, new ulong[] { 0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1, 0xfde6dc7fe2ec5e64 })]
    public void Produces_the_reference_xoshiro256_starstar_sequence(ulong seed, ulong[] expected)
    {
        var rng = new Rng(seed);
        Assert.Equal(expected, expected.Select(_ => rng.NextULong()));
    }

    [Fact]
    public void Doubles_take_the_top_53_bits()
    {
        Assert.Equal(0.08386297105988216, new Rng(42).NextDouble()); // (0x15780b2e0c2ec716 >> 11)·2⁻⁵³
    }

    [Fact]
    public void Uniform_doubles_have_the_moments_of_U_0_1()
    {
        var rng = new Rng(1);
        var draws = Enumerable.Range(0, 100_000).Select(_ => rng.NextDouble()).ToArray();
        Assert.All(draws, d => Assert.InRange(d, 0, 1 - 1e-17));
        Assert.InRange(draws.Average(), 0.497, 0.503);                               // standard error 0.0009
        Assert.InRange(draws.Select(d => (d - 0.5) * (d - 0.5)).Average(), 1 / 12.0 - 0.002, 1 / 12.0 + 0.002);
    }

    [Fact]
    public void Normals_have_mean_0_deviation_1_and_gaussian_tails()
    {
        var rng = new Rng(2);
        var draws = Enumerable.Range(0, 200_000).Select(_ => rng.Normal()).ToArray();
        Assert.InRange(draws.Average(), -0.01, 0.01);                     // standard error 0.0022
        Assert.InRange(Math.Sqrt(draws.Select(d => d * d).Average()), 0.99, 1.01);
        double beyond2 = draws.Count(d => Math.Abs(d) > 2) / (double)draws.Length;
        Assert.InRange(beyond2, 0.0435, 0.0475);                          // P(|Z| > 2) = 0.0455
        var shifted = new Rng(3);
        Assert.InRange(Enumerable.Range(0, 10_000).Select(_ => shifted.Normal(5, 0.1)).Average(), 4.99, 5.01);
    }

    [Fact]
    public void Integers_are_uniform_without_modulo_bias()
    {
        var rng = new Rng(4);
        const int n = 7, draws = 70_000;
        var counts = new int[n];
        for (int i = 0; i < draws; i++) counts[rng.NextInt(n)]++;
        double chiSquare = counts.Sum(c => (c - 10_000.0) * (c - 10_000.0) / 10_000.0);
        Assert.True(chiSquare < 22.5, $"χ² = {chiSquare} with 6 degrees of freedom (p = 0.001 at 22.5)");
        Assert.Equal(0, rng.NextInt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
        // A range near 2³¹ where modulo would be biased towards the low half.
        int big = int.MaxValue - 5, low = 0;
        for (int i = 0; i < 10_000; i++) if (rng.NextInt(big) < big / 2) low++;
        Assert.InRange(low, 4800, 5200);
    }

    [Fact]
    public void Permutations_are_uniform()
    {
        var rng = new Rng(5);
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < 6000; i++)
        {
            var p = rng.Permutation(3);
            Assert.Equal([0, 1, 2], p.Order());
            string key = string.Join("", p);
            seen[key] = seen.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, seen.Count);
        Assert.All(seen.Values, c => Assert.InRange(c, 880, 1120)); // expected 1000, σ ≈ 29
    }

    [Fact]
    public void The_same_seed_repeats_and_another_seed_differs()
    {
        var a = new Rng(9);
        var b = new Rng(9);
        var c = new Rng(10);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextULong()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => b.NextULong()));
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => c.NextULong()));
    }

    [Fact]
    public void A_stream_depends_only_on_its_seed_and_path()
    {
        var fresh = Rng.ForStream(7, Rng.Streams.BatchOrder, 3).NextULong();
        var busy = new Rng(7);
        for (int i = 0; i < 1000; i++) busy.NextULong();
        Assert.Equal(fresh, Rng.ForStream(7, Rng.Streams.BatchOrder, 3).NextULong());

        ulong[] others =
        [
            Rng.ForStream(7, Rng.Streams.BatchOrder, 4).NextULong(),
            Rng.ForStream(8, Rng.Streams.BatchOrder, 3).NextULong(),
            Rng.ForStream(7, Rng.Streams.Corruption, 3).NextULong(),
            Rng.ForStream(7, 3, Rng.Streams.BatchOrder).NextULong(), // order of the path matters
            Rng.ForStream(7, Rng.Streams.BatchOrder).NextULong(),    // a prefix is another stream
            Rng.ForStream(7, Rng.Streams.BatchOrder, 3, 0).NextULong(),
        ];
        Assert.DoesNotContain(fresh, others);
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    [Fact]
    public void Neighbouring_streams_are_uncorrelated()
    {
        // Streams for consecutive epochs must not be shifted copies of each other.
        var a = Rng.ForStream(1, Rng.Streams.BatchOrder, 0);
        var b = Rng.ForStream(1, Rng.Streams.BatchOrder, 1);
        const int n = 50_000;
        var x = Enumerable.Range(0, n).Select(_ => a.NextDouble() - 0.5).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => b.NextDouble() - 0.5).ToArray();
        double correlation = x.Zip(y, (p, q) => p * q).Sum() / Math.Sqrt(x.Sum(p => p * p) * y.Sum(q => q * q));
        Assert.InRange(correlation, -0.02, 0.02); // standard error 0.0045
        for (int lag = 1; lag <= 3; lag++)
        {
            double lagged = x.Skip(lag).Zip(y, (p, q) => p * q).Sum() / Math.Sqrt(x.Sum(p => p * p) * y.Sum(q => q * q));
            Assert.InRange(lagged, -0.02, 0.02);
        }
    }
}
