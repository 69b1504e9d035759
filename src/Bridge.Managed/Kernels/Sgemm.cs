using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// float32 C = A·B (+ bias), row-major, with an AVX2/FMA register-blocked kernel: each 4-row × 16-column tile of C
/// is held in eight vector registers while the shared dimension streams through (one broadcast of A and two loads of
/// B feed eight fused multiply-adds). On processors with AVX-512 large products take 8×32 tiles instead (see
/// <see cref="Sgemm512"/>), the AVX2 tiles doing the columns past the last multiple of 32. The shared dimension is cut
/// into blocks that keep a tile's slice of B in the L1 cache; large products split their rows between the cores. Every
/// C entry is the same sum whatever the blocking: Σ_p A[i,p]·B[p,j] accumulated in p order with fused multiply-adds.
/// </summary>
// The kernels' stack buffers are written before they are read; zeroing them on every call is wasted work.
[SkipLocalsInit]
internal static unsafe class Sgemm
{
    public static bool Supported => Fma.IsSupported && Avx.IsSupported;

    /// <summary>Multiply-adds below which a product is not worth sharing between cores (a hand-off costs microseconds).</summary>
    internal const long ParallelWork = 1L << 21;

    private const int KBlock = 256;

    /// <summary>
    /// Whether large products use the AVX-512 tiles where the processor has them; tests turn it off to check the AVX2
    /// tiles on the same machine (the results are the same bits either way).
    /// </summary>
    internal static bool UseAvx512 { get; set; } = Sgemm512.Supported;

    /// <summary>Rows of B at least this long (in floats) are copied into contiguous panels before use.</summary>
    private const int PackFrom = 256;

    [ThreadStatic]
    private static float[]? _packBuffer;

    /// <summary>One kc×32 panel of B per thread (16 wide on the AVX2 path), allocated once per thread.</summary>
    private static float[] PackBuffer => _packBuffer ??= new float[KBlock * 32];

    /// <summary>C[n×m] = A[n×k]·B[k×m] + bias[m] (bias may be empty: then 0).</summary>
    public static void MultiplyAddBias(ReadOnlySpan<float> a, int n, int k, ReadOnlySpan<float> b, int m, ReadOnlySpan<float> bias, Span<float> c)
    {
        fixed (float* pa = a, pb = b, pbias = bias, pc = c)
            Run(new Job(pa, k, 1, k, pb, m, bias.IsEmpty ? null : pbias, pc), n, k, m);
    }

    /// <summary>C[k×m] = A[n×k]ᵀ·D[n×m], reading A in place (its columns as the rows of Aᵀ).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, int n, int k, ReadOnlySpan<float> d, int m, Span<float> c)
    {
        fixed (float* pa = a, pd = d, pc = c)
            Run(new Job(pa, 1, k, n, pd, m, null, pc), k, n, m);
    }

    private static void Run(Job job, int rows, int shared, int columns)
    {
        if ((long)rows * shared * columns >= ParallelWork && rows >= 8) WorkerPool.Shared.Run(ref job, rows);
        else job.Rows(0, rows);
    }

    /// <summary>
    /// The rows [start, end) of one product: what one core does. A's element (row i, shared index p) is at
    /// a[i·rowStride + p·sharedStride], so the same code reads A or, in place, Aᵀ.
    /// </summary>
    internal readonly struct Job(float* a, int rowStride, int sharedStride, int k, float* b, int m, float* bias, float* c) : IRowJob
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Rows(int start, int end)
        {
            float* paddedBias = stackalloc float[16];
            for (int p0 = 0; p0 < k; p0 += KBlock)
            {
                int kc = Math.Min(KBlock, k - p0);
                bool first = p0 == 0;
                int j0 = 0;
                // With long rows, consecutive rows of a B panel lie pages apart; copied into one contiguous
                // kc×16 block (once per panel, reused by every tile below) they stream from L1 instead.
                bool pack = m >= PackFrom && end - start >= 8;
                var packed = pack ? PackBuffer : null;
                fixed (float* panel = packed)
                {
                    // Large products on AVX-512: 8×32 tiles from kc×32 panels (see Sgemm512); the columns past the
                    // last multiple of 32 go on to the 16-wide tiles below.
                    if (pack && UseAvx512)
                        for (; j0 + 32 <= m; j0 += 32)
                            Sgemm512.Panel(a, rowStride, sharedStride, b + p0 * m + j0, m, c + j0, m, start, end, p0, kc,
                                first ? bias == null ? null : bias + j0 : null, first, panel);
                    for (; j0 + 16 <= m; j0 += 16)
                    {
                        float* source = b + p0 * m + j0;
                        int ldb = m;
                        if (pack)
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                Avx.Store(panel + 16 * p, Avx.LoadVector256(source + p * m));
                                Avx.Store(panel + 16 * p + 8, Avx.LoadVector256(source + p * m + 8));
                            }
                            source = panel;
                            ldb = 16;
                        }
                        int i = start;
                        for (; i + 4 <= end; i += 4) Tile4x16(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, source, ldb, c + i * m + j0, m, kc, first ? bias == null ? null : bias + j0 : null, first);
                        for (; i < end; i++) Tile1x16(a + i * rowStride + p0 * sharedStride, sharedStride, source, ldb, c + i * m + j0, kc, first ? bias == null ? null : bias + j0 : null, first);
                    }
                }
                if (j0 < m)
                {
                    // The last columns, fewer than 16 (all of them in a 10-class output layer): B's are copied once
                    // into a zero-padded kc×16 panel and the bias into a padded row, so the tiles load whole vectors
                    // instead of going through masks at every step (masked loads and stores ran the 32×32·32×10
                    // product at half the speed of a 16-column one).
                    int width = m - j0;
                    var mask0 = Mask(width);
                    var mask1 = Mask(width - 8);
                    if (first && bias != null)
                    {
                        Avx.Store(paddedBias, Avx.MaskLoad(bias + j0, mask0));
                        Avx.Store(paddedBias + 8, Avx.MaskLoad(bias + j0 + 8, mask1));
                    }
                    float* rowBias = first && bias != null ? paddedBias : null;
                    fixed (float* panel = PackBuffer)
                    {
                        float* source = b + p0 * m + j0;
                        for (int p = 0; p < kc; p++)
                        {
                            Avx.Store(panel + 16 * p, Avx.MaskLoad(source + p * m, mask0));
                            Avx.Store(panel + 16 * p + 8, Avx.MaskLoad(source + p * m + 8, mask1));
                        }
                        // When these are C's only columns and C is written for the first time, a tile may store
                        // whole rows of sixteen: what runs past a row lands at the start of rows below, which later
                        // stores of this job overwrite; only the job's own rows may be reached.
                        float* spillLimit = first && j0 == 0 ? c + end * m : null;
                        int i = start;
                        // One or two columns past a multiple of eight (ten classes, one or two outputs): four rows
                        // of those columns share one vector instead of each padding one to eight lanes.
                        if (width is 9 or 10)
                            for (; i + 8 <= end; i += 8)
                                Tile8xPairTail(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, panel, c + i * m + j0, m, width, kc, rowBias, first);
                        else if (width is 1 or 2)
                            for (; i + 4 <= end; i += 4)
                                Tile4xPair(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, panel, c + i * m + j0, m, width, kc, rowBias, first);
                        for (; i + 4 <= end; i += 4)
                            Tile4xN(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, panel, c + i * m + j0, m, width, kc, rowBias, first,
                                mask0, mask1, spillLimit);
                        for (; i < end; i++)
                            Tile1xN(a + i * rowStride + p0 * sharedStride, sharedStride, panel, c + i * m + j0, width, kc, rowBias, first, mask0, mask1);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Start(float* bias, float* c, bool first) =>
        first ? bias == null ? Vector256<float>.Zero : Avx.LoadVector256(bias) : Avx.LoadVector256(c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x16(float* a, int lda, int step, float* b, int ldb, float* c, int ldc, int k, float* bias, bool first)
    {
        var c00 = Start(bias, c, first); var c01 = Start(bias == null ? null : bias + 8, c + 8, first);
        var c10 = Start(bias, c + ldc, first); var c11 = Start(bias == null ? null : bias + 8, c + ldc + 8, first);
        var c20 = Start(bias, c + 2 * ldc, first); var c21 = Start(bias == null ? null : bias + 8, c + 2 * ldc + 8, first);
        var c30 = Start(bias, c + 3 * ldc, first); var c31 = Start(bias == null ? null : bias + 8, c + 3 * ldc + 8, first);
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            b += ldb;
            var x = Vector256.Create(a0[at]);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 8, c11); c += ldc;
        Avx.Store(c, c20); Avx.Store(c + 8, c21); c += ldc;
        Avx.Store(c, c30); Avx.Store(c + 8, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x16(float* a, int step, float* b, int ldb, float* c, int k, float* bias, bool first)
    {
        var c0 = Start(bias, c, first);
        var c1 = Start(bias == null ? null : bias + 8, c + 8, first);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var x = Vector256.Create(a[at]);
            c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), c0);
            c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 8), c1);
            b += ldb;
        }
        Avx.Store(c, c0);
        Avx.Store(c + 8, c1);
    }

    /// <summary>Lanes [0, count) set (count may be ≤ 0 or ≥ 8).</summary>
    private static Vector256<float> Mask(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    /// <summary>
    /// <see cref="Start"/> for a tile narrower than 16: the bias is padded (whole vectors load), C is not (masked).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> StartPadded(float* bias, float* c, bool first, Vector256<float> mask) =>
        first ? bias == null ? Vector256<float>.Zero : Avx.LoadVector256(bias) : Avx.MaskLoad(c, mask);

    /// <summary>
    /// 4 rows × fewer than 16 columns, B from a zero-padded panel 16 wide and the bias (if any) padded likewise. Masked
    /// stores are slow, so the rows are stored as whole vectors: straight into C, in row order, when the last one's
    /// sixteen values end before <paramref name="spillLimit"/> (see the caller); otherwise into a scratch block whose
    /// <paramref name="width"/> columns are copied into C, leaving C's columns past the width untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xN(float* a, int lda, int step, float* b, float* c, int ldc, int width, int k, float* bias, bool first,
        Vector256<float> mask0, Vector256<float> mask1, float* spillLimit)
    {
        float* bias1 = bias == null ? null : bias + 8;
        var c00 = StartPadded(bias, c, first, mask0); var c01 = StartPadded(bias1, c + 8, first, mask1);
        var c10 = StartPadded(bias, c + ldc, first, mask0); var c11 = StartPadded(bias1, c + ldc + 8, first, mask1);
        var c20 = StartPadded(bias, c + 2 * ldc, first, mask0); var c21 = StartPadded(bias1, c + 2 * ldc + 8, first, mask1);
        var c30 = StartPadded(bias, c + 3 * ldc, first, mask0); var c31 = StartPadded(bias1, c + 3 * ldc + 8, first, mask1);
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            b += 16;
            var x = Vector256.Create(a0[at]);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
        }
        if (c + 3 * ldc + 16 <= spillLimit)
        {
            Avx.Store(c, c00); Avx.Store(c + 8, c01);
            Avx.Store(c + ldc, c10); Avx.Store(c + ldc + 8, c11);
            Avx.Store(c + 2 * ldc, c20); Avx.Store(c + 2 * ldc + 8, c21);
            Avx.Store(c + 3 * ldc, c30); Avx.Store(c + 3 * ldc + 8, c31);
            return;
        }
        float* tile = stackalloc float[64];
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
        for (int r = 0; r < 4; r++) CopyRow(tile + 16 * r, c + r * ldc, width);
    }

    /// <summary>
    /// 4 rows × 1 or 2 columns from a zero-padded panel 16 wide (and bias, if any, padded likewise), all in one vector,
    /// lanes (row 0: columns 0, 1; row 1: 0, 1; …), fed by the pair of B values broadcast and each row's A value in its
    /// two lanes: one multiply-add a step instead of eight. Every entry is still its own sum in p order, so the bits are
    /// those of the padded tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xPair(float* a, int lda, int step, float* b, float* c, int ldc, int width, int k, float* bias, bool first)
    {
        bool two = width == 2;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        var pairs = first
            ? bias == null ? Vector256<float>.Zero : Avx2.BroadcastScalarToVector256((double*)bias).AsSingle()
            : TailPairs(c, ldc, two);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var bPair = Avx2.BroadcastScalarToVector256((double*)b).AsSingle();
            b += 16;
            var rows = RowsInPairs(Vector256.Create(a0[at]), Vector256.Create(a1[at]), Vector256.Create(a2[at]), Vector256.Create(a3[at]));
            pairs = Fma.MultiplyAdd(rows, bPair, pairs);
        }
        StorePairs(pairs, c, ldc, two);
    }

    /// <summary>
    /// 8 rows × 9 or 10 columns from a zero-padded panel 16 wide (and bias, if any, padded likewise): the first eight
    /// columns a vector a row, the last one or two of four rows in one vector as in <see cref="Tile4xPair"/>, which
    /// takes ten multiply-adds a step where padded tiles take sixteen. Eight rows, not four: each entry's sum is a
    /// chain of dependent multiply-adds, and four rows' five chains left the multiply-add units waiting on results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8xPairTail(float* a, int lda, int step, float* b, float* c, int ldc, int width, int k, float* bias, bool first)
    {
        bool two = width == 10;
        Vector256<float> upper, lower;
        if (first) upper = lower = bias == null ? Vector256<float>.Zero : Avx2.BroadcastScalarToVector256((double*)(bias + 8)).AsSingle();
        else
        {
            upper = TailPairs(c + 8, ldc, two);
            lower = TailPairs(c + 4 * ldc + 8, ldc, two);
        }
        var c0 = Start(bias, c, first); var c1 = Start(bias, c + ldc, first);
        var c2 = Start(bias, c + 2 * ldc, first); var c3 = Start(bias, c + 3 * ldc, first);
        var c4 = Start(bias, c + 4 * ldc, first); var c5 = Start(bias, c + 5 * ldc, first);
        var c6 = Start(bias, c + 6 * ldc, first); var c7 = Start(bias, c + 7 * ldc, first);
        // Eight row pointers and one offset: recomputing row × lda inside the loop doubled its instructions.
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx.LoadVector256(b);
            var bPair = Avx2.BroadcastScalarToVector256((double*)(b + 8)).AsSingle();
            b += 16;
            var x0 = Vector256.Create(a0[at]);
            var x1 = Vector256.Create(a1[at]);
            var x2 = Vector256.Create(a2[at]);
            var x3 = Vector256.Create(a3[at]);
            c0 = Fma.MultiplyAdd(x0, b0, c0);
            c1 = Fma.MultiplyAdd(x1, b0, c1);
            c2 = Fma.MultiplyAdd(x2, b0, c2);
            c3 = Fma.MultiplyAdd(x3, b0, c3);
            upper = Fma.MultiplyAdd(RowsInPairs(x0, x1, x2, x3), bPair, upper);
            x0 = Vector256.Create(a4[at]);
            x1 = Vector256.Create(a5[at]);
            x2 = Vector256.Create(a6[at]);
            x3 = Vector256.Create(a7[at]);
            c4 = Fma.MultiplyAdd(x0, b0, c4);
            c5 = Fma.MultiplyAdd(x1, b0, c5);
            c6 = Fma.MultiplyAdd(x2, b0, c6);
            c7 = Fma.MultiplyAdd(x3, b0, c7);
            lower = Fma.MultiplyAdd(RowsInPairs(x0, x1, x2, x3), bPair, lower);
        }
        Avx.Store(c, c0); Avx.Store(c + ldc, c1); Avx.Store(c + 2 * ldc, c2); Avx.Store(c + 3 * ldc, c3);
        Avx.Store(c + 4 * ldc, c4); Avx.Store(c + 5 * ldc, c5); Avx.Store(c + 6 * ldc, c6); Avx.Store(c + 7 * ldc, c7);
        StorePairs(upper, c + 8, ldc, two);
        StorePairs(lower, c + 4 * ldc + 8, ldc, two);
    }

    /// <summary>Four rows' one or two values from <paramref name="at"/> on, in the lanes of <see cref="Tile4xPair"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailPairs(float* at, int ldc, bool two) =>
        Vector256.Create(at[0], two ? at[1] : 0, at[ldc], two ? at[ldc + 1] : 0,
            at[2 * ldc], two ? at[2 * ldc + 1] : 0, at[3 * ldc], two ? at[3 * ldc + 1] : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairs(Vector256<float> pairs, float* at, int ldc, bool two)
    {
        for (int r = 0; r < 4; r++)
        {
            at[r * ldc] = pairs.GetElement(2 * r);
            if (two) at[r * ldc + 1] = pairs.GetElement(2 * r + 1);
        }
    }

    /// <summary>(x0, x0, x1, x1, x2, x2, x3, x3) from four broadcasts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RowsInPairs(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3) =>
        Avx.Blend(Avx.Blend(x0, x1, 0b0000_1100), Avx.Blend(x2, x3, 0b1100_0000), 0b1111_0000);

    /// <summary>1 row × fewer than 16 columns, as <see cref="Tile4xN"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1xN(float* a, int step, float* b, float* c, int width, int k, float* bias, bool first, Vector256<float> mask0, Vector256<float> mask1)
    {
        var c0 = StartPadded(bias, c, first, mask0);
        var c1 = StartPadded(bias == null ? null : bias + 8, c + 8, first, mask1);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var x = Vector256.Create(a[at]);
            c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), c0);
            c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 8), c1);
            b += 16;
        }
        float* tile = stackalloc float[16];
        Avx.Store(tile, c0);
        Avx.Store(tile + 8, c1);
        CopyRow(tile, c, width);
    }

    /// <summary>A row of fewer than sixteen values, one by one: a span copy's call into memmove cost more than the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* from, float* to, int width)
    {
        for (int j = 0; j < width; j++) to[j] = from[j];
    }
}
