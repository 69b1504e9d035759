using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The float64 matrix kernel, bit for bit against each entry's fused sum in p order (bias or 0, then + a·b fused,
/// p = 0, 1, … in turn, as Math.FusedMultiplyAdd computes it one entry at a time), over every tiling path: full 4×8
/// tiles (4×8 and 6×8, and 6×16 of 512-bit vectors where there is AVX-512), row remainders, column tails of every width (padded, or one or two columns shared by eight rows), K blocks,
/// packed panels, two cores, A read transposed in place and D·Wᵀ through Wᵀ; and independent of the thread split.
/// </summary>
public sealed class DgemmTests
{
    /// <summary>
    /// Runs <paramref name="check"/> on the 256-bit tiles and, where the processor has AVX-512, again with the 512-bit
    /// tiles first (the bits must not change: the other tests that use the kernel meanwhile see the same numbers).
    /// </summary>
    private static void OnEveryTilePath(Action check)
    {
        bool original = Dgemm.UseWide;
        try
        {
            foreach (bool wide in WideTiles.Supported ? new[] { false, true } : [false])
            {
                Dgemm.UseWide = wide;
                check();
            }
        }
        finally
        {
            Dgemm.UseWide = original;
        }
    }

    private static double[] Random(int count, Rng rng)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = rng.Uniform(-1, 1);
        return values;
    }

    /// <summary>Entry (i, j) as the definition: the chain of fused multiply-adds over p in order.</summary>
    private static void AssertFusedChain(Func<int, int, double> aAt, int n, int k, Func<int, int, double> bAt, int m, double[]? bias, ReadOnlySpan<double> c,
        string what)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = bias?[j] ?? 0;
                for (int p = 0; p < k; p++) sum = Math.FusedMultiplyAdd(aAt(i, p), bAt(p, j), sum);
                if (sum != c[i * m + j])
                    Assert.Fail($"{what} [{n}×{k}]·[{k}×{m}] entry ({i}, {j}): {c[i * m + j]} against the chain's {sum}");
            }
    }

    private static void AssertPlainProduct(int n, int k, int m, Rng rng)
    {
        var a = Random(n * k, rng);
        var b = Random(k * m, rng);
        var bias = Random(m, rng);
        var c = new double[n * m];
        Gemm<double>.MultiplyAddBias(a, n, k, b, m, bias, c);
        AssertFusedChain((i, p) => a[i * k + p], n, k, (p, j) => b[p * m + j], m, bias, c, "A·B + bias");
        Gemm<double>.MultiplyAddBias(a, n, k, b, m, [], c);
        AssertFusedChain((i, p) => a[i * k + p], n, k, (p, j) => b[p * m + j], m, null, c, "A·B");
    }

    [SkippableFact]
    public void Every_tail_width_and_row_remainder_is_the_fused_sum_in_p_order()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        OnEveryTilePath(() =>
        {
            var rng = new Rng(11);
            foreach (int n in new[] { 1, 3, 4, 5, 7, 8, 9, 13, 17 })
                foreach (int k in new[] { 1, 2, 7, 64 })
                    foreach (int m in Enumerable.Range(1, 20).Concat([23, 24, 26, 31, 32, 40]))
                        AssertPlainProduct(n, k, m, rng);
            // Hidden layers 256 wide, and a shared dimension past one K block (256), cut at different places.
            foreach (var (n, k, m) in new[] { (13, 300, 10), (9, 257, 256), (6, 513, 2), (21, 520, 33), (4, 256, 1) })
                AssertPlainProduct(n, k, m, rng);
        });
    }

    [SkippableFact]
    public void Large_products_take_the_packed_and_parallel_path_and_stay_exact()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        OnEveryTilePath(() =>
        {
            // Each above the parallel threshold, with packed panels (rows of B at least 128 long), odd row counts and tails.
            var rng = new Rng(12);
            foreach (var (n, k, m) in new[] { (130, 600, 290), (61, 784, 256), (801, 300, 10), (129, 270, 130) })
            {
                Assert.True((long)n * k * m >= GemmDriver.ParallelWork, "the shape is meant to run on every core");
                AssertPlainProduct(n, k, m, rng);
            }
        });
    }

    [SkippableFact]
    public void Narrow_products_write_nothing_outside_their_output()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        OnEveryTilePath(() =>
        {
            var rng = new Rng(13);
            foreach (var (n, k, m) in new[] { (32, 32, 10), (5, 300, 3), (9, 7, 15), (40, 300, 6), (600, 700, 10), (13, 300, 2), (9, 7, 1), (17, 20, 9) })
            {
                var a = Random(n * k, rng);
                var b = Random(k * m, rng);
                var bias = Random(m, rng);
                var buffer = new double[n * m + 32];
                Array.Fill(buffer, double.NaN);
                var c = buffer.AsSpan(16, n * m);
                Gemm<double>.MultiplyAddBias(a, n, k, b, m, bias, c);
                AssertFusedChain((i, p) => a[i * k + p], n, k, (p, j) => b[p * m + j], m, bias, c, "A·B + bias");
                Assert.All(buffer[..16].Concat(buffer[^16..]), v => Assert.True(double.IsNaN(v), "a sentinel was overwritten"));
            }
        });
    }

    [SkippableFact]
    public void A_transposed_in_place_gives_the_weight_gradient_product_exactly()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        OnEveryTilePath(() =>
        {
            var rng = new Rng(14);
            // (samples, inputs, units): the digits and Fashion-MNIST layers, tails, one sample, and a batch past one K block.
            foreach (var (n, k, m) in new[] { (32, 64, 32), (16, 32, 10), (5, 3, 10), (1, 9, 7), (128, 300, 40), (128, 784, 256), (300, 13, 2), (64, 256, 10) })
            {
                var a = Random(n * k, rng);
                var d = Random(n * m, rng);
                var c = new double[k * m];
                Gemm<double>.MultiplyTransposedA(a, n, k, d, m, c);
                AssertFusedChain((i, p) => a[p * k + i], k, n, (p, j) => d[p * m + j], m, null, c, "Aᵀ·D");
            }
        });
    }

    [SkippableFact]
    public void D_times_W_transposed_is_the_fused_sum_in_p_order()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        OnEveryTilePath(() =>
        {
            var rng = new Rng(15);
            // C[n×k] = D[n×m]·W[k×m]ᵀ: the gradient handed back from an output layer of m units to k hidden ones.
            foreach (var (n, m, k) in new[] { (32, 10, 32), (128, 10, 256), (7, 1, 9), (13, 2, 5), (64, 300, 130) })
            {
                var d = Random(n * m, rng);
                var w = Random(k * m, rng);
                var c = new double[n * k];
                var scratch = new double[k * m];
                Gemm<double>.MultiplyTransposedB(d, n, m, w, k, c, scratch);
                AssertFusedChain((i, p) => d[i * m + p], n, m, (p, j) => w[j * m + p], k, null, c, "D·Wᵀ");
            }
        });
    }

    [SkippableFact]
    public void Rows_get_the_same_bits_whatever_the_split()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        OnEveryTilePath(() =>
        {
            // The whole product runs on every core; each row alone, on one core, through single-row tiles: the same bits.
            var rng = new Rng(16);
            int n = 203, k = 520, m = 266;
            var a = Random(n * k, rng);
            var b = Random(k * m, rng);
            var bias = Random(m, rng);
            var whole = new double[n * m];
            Gemm<double>.MultiplyAddBias(a, n, k, b, m, bias, whole);
            for (int i = 0; i < n; i += 29)
            {
                var row = new double[m];
                Gemm<double>.MultiplyAddBias(a.AsSpan(i * k, k), 1, k, b, m, bias, row);
                Assert.Equal(whole.AsSpan(i * m, m).ToArray(), row);
            }
            // And any two-part split of the rows, as the batch halves do.
            foreach (int split in new[] { 4, 8, 101, 200 })
            {
                var parts = new double[n * m];
                Gemm<double>.MultiplyAddBias(a.AsSpan(0, split * k), split, k, b, m, bias, parts.AsSpan(0, split * m));
                Gemm<double>.MultiplyAddBias(a.AsSpan(split * k), n - split, k, b, m, bias, parts.AsSpan(split * m));
                Assert.Equal(whole, parts);
            }
        });
    }
}
