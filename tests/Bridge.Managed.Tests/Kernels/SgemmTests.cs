using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>The float32 matrix kernel against a float64 reference product and, bit for bit, against each entry's fused
/// sum in p order, over every tiling path: 8×32 AVX-512 tiles (and, forced off, the AVX2 ones), full 4×16 tiles, row
/// and column remainders (padded, or one or two columns shared by four rows), K blocks, packed panels, two cores, and A
/// read transposed in place.</summary>
public sealed class SgemmTests
{
    private static float[] Random(int count, Rng rng)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)rng.Uniform(-1, 1);
        return values;
    }

    /// <summary>Each entry's error against the exact product, relative to Σ|a|·|b| (the scale float rounding works at).</summary>
    private static void AssertProduct(float[] a, int n, int k, float[] b, int m, float[]? bias, float[] c, bool transposedA = false)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double exact = bias?[j] ?? 0, scale = Math.Abs(bias?[j] ?? 0);
                for (int p = 0; p < k; p++)
                {
                    double x = transposedA ? a[p * n + i] : a[i * k + p];
                    exact += x * b[p * m + j];
                    scale += Math.Abs(x * b[p * m + j]);
                }
                double error = Math.Abs(c[i * m + j] - exact) / Math.Max(scale, 1e-30);
                Assert.True(error < 2e-6, $"[{n}×{k}]·[{k}×{m}] entry ({i}, {j}): {c[i * m + j]} vs {exact}");
            }
    }

    [SkippableFact]
    public void Every_shape_up_to_the_tile_sizes_and_past_them_is_right()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        var rng = new Rng(1);
        foreach (int n in new[] { 1, 3, 4, 5, 8, 13 })
            foreach (int k in new[] { 1, 2, 7, 64, 300 })
                foreach (int m in new[] { 1, 7, 8, 9, 16, 17, 31, 32, 40 })
                {
                    var a = Random(n * k, rng);
                    var b = Random(k * m, rng);
                    var bias = Random(m, rng);
                    var c = new float[n * m];
                    Gemm<float>.MultiplyAddBias(a, n, k, b, m, bias, c);
                    AssertProduct(a, n, k, b, m, bias, c);
                    Gemm<float>.MultiplyAddBias(a, n, k, b, m, [], c);
                    AssertProduct(a, n, k, b, m, null, c);
                }
    }

    [SkippableFact]
    public void Narrow_products_write_nothing_outside_their_output()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        // The last columns go through a padded panel; tiles store whole rows of sixteen that run into the rows below
        // (rewritten later) where that stays within the product, or go through a scratch tile: C sits between
        // sentinels that must survive. Shapes: the digits output layer, products too short for a whole-row store,
        // two blocks of the shared dimension (whole rows stored only in the first), and one shared between two cores.
        var rng = new Rng(5);
        foreach (var (n, k, m) in new[] { (32, 32, 10), (5, 300, 3), (9, 7, 15), (40, 300, 6), (600, 700, 10), (13, 300, 2), (9, 7, 1), (17, 20, 9), (8, 300, 18) })
        {
            var a = Random(n * k, rng);
            var b = Random(k * m, rng);
            var bias = Random(m, rng);
            var buffer = new float[n * m + 32];
            Array.Fill(buffer, float.NaN);
            var c = buffer.AsSpan(16, n * m);
            c.Clear();
            Gemm<float>.MultiplyAddBias(a, n, k, b, m, bias, c);
            AssertProduct(a, n, k, b, m, bias, c.ToArray());
            Assert.All(buffer[..16].Concat(buffer[^16..]), v => Assert.True(float.IsNaN(v), "a sentinel was overwritten"));
        }
    }

    [SkippableFact]
    public void Large_products_take_the_packed_and_parallel_path_and_stay_right()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        var rng = new Rng(2);
        foreach (var (n, k, m) in new[] { (130, 600, 290), (257, 257, 513) })
        {
            var a = Random(n * k, rng);
            var b = Random(k * m, rng);
            var c = new float[n * m];
            Gemm<float>.MultiplyAddBias(a, n, k, b, m, [], c);
            AssertProduct(a, n, k, b, m, null, c);
        }
    }

    [SkippableFact]
    public void A_transposed_in_place_gives_the_weight_gradient_product()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        var rng = new Rng(3);
        foreach (var (n, k, m) in new[] { (32, 64, 32), (5, 3, 10), (128, 300, 40) })
        {
            var a = Random(n * k, rng);
            var d = Random(n * m, rng);
            var c = new float[k * m];
            Gemm<float>.MultiplyTransposedA(a, n, k, d, m, c);
            // c = aᵀ·d: in AssertProduct's terms, a [k×n] stored transposed, times d [n×m].
            AssertProduct(a, k, n, d, m, null, c, transposedA: true);
        }
    }

    [SkippableFact]
    public void Every_entry_is_its_own_fused_sum_in_p_order_bit_for_bit()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        // What makes one core and two, whole batches and halves agree: whatever tile computes an entry (16 wide, padded,
        // a pair of tail columns shared by four rows, one row), it is bias (or 0), then + a·b fused, p = 0, 1, … in turn.
        var rng = new Rng(6);
        foreach (int n in new[] { 1, 4, 5, 8, 13 })
            foreach (int k in new[] { 1, 7, 16, 300 })
                foreach (int m in new[] { 1, 2, 3, 9, 10, 11, 16, 18, 26, 32 })
                {
                    var a = Random(n * k, rng);
                    var b = Random(k * m, rng);
                    var bias = Random(m, rng);
                    var c = new float[n * m];
                    Gemm<float>.MultiplyAddBias(a, n, k, b, m, bias, c);
                    AssertFusedChain(i => a.AsSpan(i * k, k).ToArray(), n, k, b, m, bias, c);
                    var d = Random(k * m, rng);
                    var g = new float[n * m];
                    // aᵀ·d with a read in place as [k×n]: row i of aᵀ is column i of a.
                    var at = Random(k * n, rng);
                    Gemm<float>.MultiplyTransposedA(at, k, n, d, m, g);
                    AssertFusedChain(i => Enumerable.Range(0, k).Select(p => at[p * n + i]).ToArray(), n, k, d, m, null, g);
                }
    }

    /// <summary>Runs <paramref name="body"/> with the AVX-512 tiles on (where the processor has them) or forced off.</summary>
    private static void WithAvx512(bool on, Action body)
    {
        bool before = Sgemm.UseWide;
        Sgemm.UseWide = on;
        try
        {
            body();
        }
        finally
        {
            Sgemm.UseWide = before;
        }
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Large_products_are_fused_sums_in_p_order_on_either_kernel(bool avx512)
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        Skip.If(avx512 && !WideTiles.Supported, "no AVX-512 here");
        // Packed panels (m ≥ 256), two K blocks, rows past the last multiple of 8 (one-row tiles), columns past the last
        // multiple of 32 (16-wide tiles) and of 16 (the padded tail, the pair tails of 9/10 and 1/2 columns), one core and
        // two; with bias and without, and A read transposed in place (the weight gradient).
        var rng = new Rng(7);
        WithAvx512(avx512, () =>
        {
            foreach (var (n, k, m) in new[] { (13, 300, 256), (21, 257, 304), (40, 300, 298), (17, 520, 265), (9, 64, 266), (100, 300, 330) })
            {
                var a = Random(n * k, rng);
                var b = Random(k * m, rng);
                var bias = Random(m, rng);
                var c = new float[n * m];
                Gemm<float>.MultiplyAddBias(a, n, k, b, m, bias, c);
                AssertFusedChain(i => a.AsSpan(i * k, k).ToArray(), n, k, b, m, bias, c);
                Gemm<float>.MultiplyAddBias(a, n, k, b, m, [], c);
                AssertFusedChain(i => a.AsSpan(i * k, k).ToArray(), n, k, b, m, null, c);
                var at = Random(k * n, rng);
                Gemm<float>.MultiplyTransposedA(at, k, n, b, m, c);
                AssertFusedChain(i => Enumerable.Range(0, k).Select(p => at[p * n + i]).ToArray(), n, k, b, m, null, c);
            }
        });
    }

    [SkippableFact]
    public void The_avx512_and_avx2_kernels_give_the_same_bits()
    {
        Skip.IfNot(WideTiles.Supported, "no AVX-512 here");
        var rng = new Rng(8);
        int n = 260, k = 600, m = 530;
        var a = Random(n * k, rng);
        var b = Random(k * m, rng);
        var bias = Random(m, rng);
        var wide = new float[n * m];
        var narrow = new float[n * m];
        WithAvx512(true, () => Gemm<float>.MultiplyAddBias(a, n, k, b, m, bias, wide));
        WithAvx512(false, () => Gemm<float>.MultiplyAddBias(a, n, k, b, m, bias, narrow));
        Assert.Equal(narrow, wide);
        AssertProduct(a, n, k, b, m, bias, wide);
    }

    private static void AssertFusedChain(Func<int, float[]> rowOfA, int n, int k, float[] b, int m, float[]? bias, float[] c)
    {
        for (int i = 0; i < n; i++)
        {
            var row = rowOfA(i);
            for (int j = 0; j < m; j++)
            {
                float sum = bias?[j] ?? 0;
                for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(row[p], b[p * m + j], sum);
                Assert.True(sum == c[i * m + j], $"[{n}×{k}]·[{k}×{m}] entry ({i}, {j}): {c[i * m + j]} against the chain's {sum}");
            }
        }
    }

    [SkippableFact]
    public void The_float_kernel_sums_in_the_same_order_whatever_the_split()
    {
        Skip.IfNot(GemmDriver.Supported, "no AVX2/FMA here");
        // Rows computed by one tile or another, on one core or two, must get identical bits: each entry's sum runs in p order.
        var rng = new Rng(4);
        int n = 300, k = 520, m = 260;
        var a = Random(n * k, rng);
        var b = Random(k * m, rng);
        var whole = new float[n * m];
        Gemm<float>.MultiplyAddBias(a, n, k, b, m, [], whole);
        for (int i = 0; i < n; i += 37)
        {
            var row = new float[m];
            Gemm<float>.MultiplyAddBias(a.AsSpan(i * k, k), 1, k, b, m, [], row);
            Assert.Equal(whole.AsSpan(i * m, m).ToArray(), row);
        }
    }
}
