using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// float64 C = A·B (+ bias), row-major, with an AVX2/FMA register-blocked kernel: the design of <see cref="Sgemm"/> for
/// four lanes of double. Each 4-row × 8-column tile of C is held in eight vector registers while the shared dimension
/// streams through (one broadcast of A and two loads of B feed eight fused multiply-adds: as many independent sums as
/// the multiply-add units need to stay busy). The shared dimension is cut into blocks that keep a tile's slice of B in
/// the L1 cache; large products split their rows between the cores. Every C entry is the same sum whatever the
/// blocking or the split: Σ_p A[i,p]·B[p,j] accumulated in p order with fused multiply-adds from the bias (or 0).
/// </summary>
// The kernels' stack buffers are written before they are read; zeroing them on every call is wasted work.
[SkipLocalsInit]
internal static unsafe class Dgemm
{
    public static bool Supported => Fma.IsSupported && Avx.IsSupported;

    /// <summary>Multiply-adds below which a product stays on one core: the float kernel's threshold, which the batch split also uses.</summary>
    private const long ParallelWork = Sgemm.ParallelWork;

    private const int KBlock = 256;

    /// <summary>Rows of B at least this long (in doubles: 1 KB, as for the float kernel) are copied into contiguous panels.</summary>
    private const int PackFrom = 128;

    private const int Width = 8;

    /// <summary>The columns of a tile of 512-bit vectors.</summary>
    private const int WideWidth = 16;

    /// <summary>
    /// Whether 16-column tiles of 512-bit vectors go first, where the processor has AVX-512 (twice the lanes per
    /// multiply-add; each entry is the same chain, so the same bits). Tests turn it off to run the 256-bit tiles too.
    /// </summary>
    internal static bool UseWide { get; set; } = Avx512F.IsSupported;

    [ThreadStatic]
    private static double[]? _packBuffer;

    /// <summary>One kc×16 (or kc×8) panel of B per thread, allocated once per thread.</summary>
    private static double[] PackBuffer => _packBuffer ??= new double[KBlock * WideWidth];

    /// <summary>C[n×m] = A[n×k]·B[k×m] + bias[m] (bias may be empty: then 0).</summary>
    public static void MultiplyAddBias(ReadOnlySpan<double> a, int n, int k, ReadOnlySpan<double> b, int m, ReadOnlySpan<double> bias, Span<double> c)
    {
        fixed (double* pa = a, pb = b, pbias = bias, pc = c)
            Run(new Job(pa, k, 1, k, pb, m, bias.IsEmpty ? null : pbias, pc), n, k, m);
    }

    /// <summary>C[k×m] = A[n×k]ᵀ·D[n×m], reading A in place (its columns as the rows of Aᵀ).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<double> a, int n, int k, ReadOnlySpan<double> d, int m, Span<double> c)
    {
        fixed (double* pa = a, pd = d, pc = c)
            Run(new Job(pa, 1, k, n, pd, m, null, pc), k, n, m);
    }

    private static void Run(Job job, int rows, int shared, int columns)
    {
        if (rows == 0 || columns == 0) return;
        if ((long)rows * shared * columns >= ParallelWork && rows >= 8) WorkerPool.Shared.Run(ref job, rows);
        else job.Rows(0, rows);
    }

    /// <summary>
    /// The rows [start, end) of one product: what one core does. A's element (row i, shared index p) is at
    /// a[i·rowStride + p·sharedStride], so the same code reads A or, in place, Aᵀ.
    /// </summary>
    internal readonly struct Job(double* a, int rowStride, int sharedStride, int k, double* b, int m, double* bias, double* c) : IRowJob
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Rows(int start, int end)
        {
            if (k == 0)
            {
                // No shared dimension: C is the bias (or 0).
                for (int i = start; i < end; i++)
                    for (int j = 0; j < m; j++) c[i * m + j] = bias == null ? 0 : bias[j];
                return;
            }
            double* paddedBias = stackalloc double[Width];
            for (int p0 = 0; p0 < k; p0 += KBlock)
            {
                int kc = Math.Min(KBlock, k - p0);
                bool first = p0 == 0;
                int j0 = 0;
                // With long rows, consecutive rows of a B panel lie pages apart; copied into one contiguous kc×8 block
                // (once per panel, reused by every tile below) they stream from L1 instead.
                bool pack = m >= PackFrom && end - start >= 8;
                var packed = pack ? PackBuffer : null;
                fixed (double* panel = packed)
                {
                    if (UseWide)
                        for (; j0 + WideWidth <= m; j0 += WideWidth)
                        {
                            double* source = b + p0 * m + j0;
                            int ldb = m;
                            if (pack)
                            {
                                for (int p = 0; p < kc; p++)
                                {
                                    Avx512F.Store(panel + WideWidth * p, Avx512F.LoadVector512(source + p * m));
                                    Avx512F.Store(panel + WideWidth * p + 8, Avx512F.LoadVector512(source + p * m + 8));
                                }
                                source = panel;
                                ldb = WideWidth;
                            }
                            double* tileBias = first && bias != null ? bias + j0 : null;
                            int i = start;
                            for (; i + 6 <= end; i += 6)
                                Tile6x16(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, source, ldb, c + i * m + j0, m, kc, tileBias, first);
                            for (; i < end; i++)
                                Tile1x16(a + i * rowStride + p0 * sharedStride, sharedStride, source, ldb, c + i * m + j0, kc, tileBias, first);
                        }
                    for (; j0 + Width <= m; j0 += Width)
                    {
                        double* source = b + p0 * m + j0;
                        int ldb = m;
                        if (pack)
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                Avx.Store(panel + Width * p, Avx.LoadVector256(source + p * m));
                                Avx.Store(panel + Width * p + 4, Avx.LoadVector256(source + p * m + 4));
                            }
                            source = panel;
                            ldb = Width;
                        }
                        double* tileBias = first && bias != null ? bias + j0 : null;
                        int i = start;
                        for (; i + 6 <= end; i += 6)
                            Tile6x8(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, source, ldb, c + i * m + j0, m, kc, tileBias, first);
                        for (; i + 4 <= end; i += 4)
                            Tile4x8(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, source, ldb, c + i * m + j0, m, kc, tileBias, first);
                        for (; i < end; i++)
                            Tile1x8(a + i * rowStride + p0 * sharedStride, sharedStride, source, ldb, c + i * m + j0, kc, tileBias, first);
                    }
                }
                if (j0 < m)
                {
                    // The last columns, fewer than 8 (the two past eight of a 10-class output layer, a 1- or 2-unit
                    // output): B's are copied once into a zero-padded kc×8 panel and the bias into a padded row, so the
                    // tiles load whole vectors instead of going through masks at every step.
                    int width = m - j0;
                    var mask0 = Mask(width);
                    var mask1 = Mask(width - 4);
                    if (first && bias != null)
                    {
                        Avx.Store(paddedBias, Avx.MaskLoad(bias + j0, mask0));
                        Avx.Store(paddedBias + 4, Avx.MaskLoad(bias + j0 + 4, mask1));
                    }
                    double* rowBias = first && bias != null ? paddedBias : null;
                    fixed (double* panel = PackBuffer)
                    {
                        double* source = b + p0 * m + j0;
                        for (int p = 0; p < kc; p++)
                        {
                            Avx.Store(panel + Width * p, Avx.MaskLoad(source + p * m, mask0));
                            Avx.Store(panel + Width * p + 4, Avx.MaskLoad(source + p * m + 4, mask1));
                        }
                        int i = start;
                        if (width <= 2)
                            for (; i + 8 <= end; i += 8)
                                Tile8xPair(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, panel, c + i * m + j0, m, width == 2, kc, rowBias, first);
                        for (; i + 4 <= end; i += 4)
                            Tile4xN(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, panel, c + i * m + j0, m, width, kc, rowBias, first, mask0, mask1);
                        for (; i < end; i++)
                            Tile1xN(a + i * rowStride + p0 * sharedStride, sharedStride, panel, c + i * m + j0, width, kc, rowBias, first, mask0, mask1);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Start(double* bias, double* c, bool first) =>
        first ? bias == null ? Vector256<double>.Zero : Avx.LoadVector256(bias) : Avx.LoadVector256(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Start512(double* bias, double* c, bool first) =>
        first ? bias == null ? Vector512<double>.Zero : Avx512F.LoadVector512(bias) : Avx512F.LoadVector512(c);

    /// <summary>6 rows × 16 columns in 512-bit vectors: <see cref="Tile6x8"/> with twice the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x16(double* a, int lda, int step, double* b, int ldb, double* c, int ldc, int k, double* bias, bool first)
    {
        double* bias1 = bias == null ? null : bias + 8;
        var c00 = Start512(bias, c, first); var c01 = Start512(bias1, c + 8, first);
        var c10 = Start512(bias, c + ldc, first); var c11 = Start512(bias1, c + ldc + 8, first);
        var c20 = Start512(bias, c + 2 * ldc, first); var c21 = Start512(bias1, c + 2 * ldc + 8, first);
        var c30 = Start512(bias, c + 3 * ldc, first); var c31 = Start512(bias1, c + 3 * ldc + 8, first);
        var c40 = Start512(bias, c + 4 * ldc, first); var c41 = Start512(bias1, c + 4 * ldc + 8, first);
        var c50 = Start512(bias, c + 5 * ldc, first); var c51 = Start512(bias1, c + 5 * ldc + 8, first);
        double* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx512F.LoadVector512(b);
            var b1 = Avx512F.LoadVector512(b + 8);
            b += ldb;
            var x = Vector512.Create(a0[at]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[at]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[at]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[at]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[at]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[at]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
        }
        Avx512F.Store(c, c00); Avx512F.Store(c + 8, c01); c += ldc;
        Avx512F.Store(c, c10); Avx512F.Store(c + 8, c11); c += ldc;
        Avx512F.Store(c, c20); Avx512F.Store(c + 8, c21); c += ldc;
        Avx512F.Store(c, c30); Avx512F.Store(c + 8, c31); c += ldc;
        Avx512F.Store(c, c40); Avx512F.Store(c + 8, c41); c += ldc;
        Avx512F.Store(c, c50); Avx512F.Store(c + 8, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x16(double* a, int step, double* b, int ldb, double* c, int k, double* bias, bool first)
    {
        var c0 = Start512(bias, c, first);
        var c1 = Start512(bias == null ? null : bias + 8, c + 8, first);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var x = Vector512.Create(a[at]);
            c0 = Avx512F.FusedMultiplyAdd(x, Avx512F.LoadVector512(b), c0);
            c1 = Avx512F.FusedMultiplyAdd(x, Avx512F.LoadVector512(b + 8), c1);
            b += ldb;
        }
        Avx512F.Store(c, c0);
        Avx512F.Store(c + 8, c1);
    }

    /// <summary>
    /// 6 rows × 8 columns: twelve sums in registers, twelve multiply-adds for two loads of B and six broadcasts of A
    /// (with sixteen vector registers: twelve sums, two B vectors and the broadcast).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x8(double* a, int lda, int step, double* b, int ldb, double* c, int ldc, int k, double* bias, bool first)
    {
        double* bias1 = bias == null ? null : bias + 4;
        var c00 = Start(bias, c, first); var c01 = Start(bias1, c + 4, first);
        var c10 = Start(bias, c + ldc, first); var c11 = Start(bias1, c + ldc + 4, first);
        var c20 = Start(bias, c + 2 * ldc, first); var c21 = Start(bias1, c + 2 * ldc + 4, first);
        var c30 = Start(bias, c + 3 * ldc, first); var c31 = Start(bias1, c + 3 * ldc + 4, first);
        var c40 = Start(bias, c + 4 * ldc, first); var c41 = Start(bias1, c + 4 * ldc + 4, first);
        var c50 = Start(bias, c + 5 * ldc, first); var c51 = Start(bias1, c + 5 * ldc + 4, first);
        double* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 4);
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
            x = Vector256.Create(a4[at]);
            c40 = Fma.MultiplyAdd(x, b0, c40);
            c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[at]);
            c50 = Fma.MultiplyAdd(x, b0, c50);
            c51 = Fma.MultiplyAdd(x, b1, c51);
        }
        Avx.Store(c, c00); Avx.Store(c + 4, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 4, c11); c += ldc;
        Avx.Store(c, c20); Avx.Store(c + 4, c21); c += ldc;
        Avx.Store(c, c30); Avx.Store(c + 4, c31); c += ldc;
        Avx.Store(c, c40); Avx.Store(c + 4, c41); c += ldc;
        Avx.Store(c, c50); Avx.Store(c + 4, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x8(double* a, int lda, int step, double* b, int ldb, double* c, int ldc, int k, double* bias, bool first)
    {
        double* bias1 = bias == null ? null : bias + 4;
        var c00 = Start(bias, c, first); var c01 = Start(bias1, c + 4, first);
        var c10 = Start(bias, c + ldc, first); var c11 = Start(bias1, c + ldc + 4, first);
        var c20 = Start(bias, c + 2 * ldc, first); var c21 = Start(bias1, c + 2 * ldc + 4, first);
        var c30 = Start(bias, c + 3 * ldc, first); var c31 = Start(bias1, c + 3 * ldc + 4, first);
        double* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 4);
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
        Avx.Store(c, c00); Avx.Store(c + 4, c01); c += ldc;
        Avx.Store(c, c10); Avx.Store(c + 4, c11); c += ldc;
        Avx.Store(c, c20); Avx.Store(c + 4, c21); c += ldc;
        Avx.Store(c, c30); Avx.Store(c + 4, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x8(double* a, int step, double* b, int ldb, double* c, int k, double* bias, bool first)
    {
        var c0 = Start(bias, c, first);
        var c1 = Start(bias == null ? null : bias + 4, c + 4, first);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var x = Vector256.Create(a[at]);
            c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), c0);
            c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 4), c1);
            b += ldb;
        }
        Avx.Store(c, c0);
        Avx.Store(c + 4, c1);
    }

    /// <summary>Lanes [0, count) set (count may be ≤ 0 or ≥ 4).</summary>
    private static Vector256<double> Mask(int count) =>
        Vector256.LessThan(Vector256.Create(0L, 1, 2, 3), Vector256.Create((long)count)).AsDouble();

    /// <summary>
    /// <see cref="Start"/> for a tile narrower than 8: the bias is padded (whole vectors load), C is not (masked).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> StartPadded(double* bias, double* c, bool first, Vector256<double> mask) =>
        first ? bias == null ? Vector256<double>.Zero : Avx.LoadVector256(bias) : Avx.MaskLoad(c, mask);

    /// <summary>
    /// 4 rows × fewer than 8 columns, B from a zero-padded panel 8 wide and the bias (if any) padded likewise. The
    /// rows go through a scratch block whose <paramref name="width"/> columns are copied into C, leaving C's columns
    /// past the width untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xN(double* a, int lda, int step, double* b, double* c, int ldc, int width, int k, double* bias, bool first,
        Vector256<double> mask0, Vector256<double> mask1)
    {
        double* bias1 = bias == null ? null : bias + 4;
        var c00 = StartPadded(bias, c, first, mask0); var c01 = StartPadded(bias1, c + 4, first, mask1);
        var c10 = StartPadded(bias, c + ldc, first, mask0); var c11 = StartPadded(bias1, c + ldc + 4, first, mask1);
        var c20 = StartPadded(bias, c + 2 * ldc, first, mask0); var c21 = StartPadded(bias1, c + 2 * ldc + 4, first, mask1);
        var c30 = StartPadded(bias, c + 3 * ldc, first, mask0); var c31 = StartPadded(bias1, c + 3 * ldc + 4, first, mask1);
        double* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 4);
            b += Width;
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
        double* tile = stackalloc double[4 * Width];
        Avx.Store(tile, c00); Avx.Store(tile + 4, c01);
        Avx.Store(tile + 8, c10); Avx.Store(tile + 12, c11);
        Avx.Store(tile + 16, c20); Avx.Store(tile + 20, c21);
        Avx.Store(tile + 24, c30); Avx.Store(tile + 28, c31);
        for (int r = 0; r < 4; r++) CopyRow(tile + Width * r, c + r * ldc, width);
    }

    /// <summary>
    /// 8 rows × 1 or 2 columns from a zero-padded panel 8 wide (bias, if any, padded likewise): two rows' pair of columns
    /// share one vector, lanes (row r: columns 0, 1; row r+1: 0, 1), fed by the pair of B values broadcast and each
    /// row's A value in its two lanes; four such vectors are four independent sums for the multiply-add units, where a
    /// padded tile would spend eight multiply-adds on one or two columns. Every entry is still its own sum in p order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8xPair(double* a, int lda, int step, double* b, double* c, int ldc, bool two, int k, double* bias, bool first)
    {
        Vector256<double> p0, p1, p2, p3;
        if (first) p0 = p1 = p2 = p3 = bias == null ? Vector256<double>.Zero : Vector256.Create(bias[0], bias[1], bias[0], bias[1]);
        else
        {
            p0 = TailPairs(c, ldc, two);
            p1 = TailPairs(c + 2 * ldc, ldc, two);
            p2 = TailPairs(c + 4 * ldc, ldc, two);
            p3 = TailPairs(c + 6 * ldc, ldc, two);
        }
        double* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            // (b0, b1, b0, b1): the pair of B values in each 128-bit half.
            var bPair = Avx.BroadcastVector128ToVector256(b);
            b += Width;
            p0 = Fma.MultiplyAdd(RowsInPairs(a0[at], a1[at]), bPair, p0);
            p1 = Fma.MultiplyAdd(RowsInPairs(a2[at], a3[at]), bPair, p1);
            p2 = Fma.MultiplyAdd(RowsInPairs(a4[at], a5[at]), bPair, p2);
            p3 = Fma.MultiplyAdd(RowsInPairs(a6[at], a7[at]), bPair, p3);
        }
        StorePairs(p0, c, ldc, two);
        StorePairs(p1, c + 2 * ldc, ldc, two);
        StorePairs(p2, c + 4 * ldc, ldc, two);
        StorePairs(p3, c + 6 * ldc, ldc, two);
    }

    /// <summary>(x0, x0, x1, x1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> RowsInPairs(double x0, double x1) =>
        Vector256.Create(Vector128.Create(x0), Vector128.Create(x1));

    /// <summary>Two rows' one or two values from <paramref name="at"/> on, in the lanes of <see cref="Tile8xPair"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TailPairs(double* at, int ldc, bool two) =>
        Vector256.Create(at[0], two ? at[1] : 0, at[ldc], two ? at[ldc + 1] : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairs(Vector256<double> pairs, double* at, int ldc, bool two)
    {
        at[0] = pairs.GetElement(0);
        at[ldc] = pairs.GetElement(2);
        if (two)
        {
            at[1] = pairs.GetElement(1);
            at[ldc + 1] = pairs.GetElement(3);
        }
    }

    /// <summary>1 row × fewer than 8 columns, as <see cref="Tile4xN"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1xN(double* a, int step, double* b, double* c, int width, int k, double* bias, bool first,
        Vector256<double> mask0, Vector256<double> mask1)
    {
        var c0 = StartPadded(bias, c, first, mask0);
        var c1 = StartPadded(bias == null ? null : bias + 4, c + 4, first, mask1);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var x = Vector256.Create(a[at]);
            c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), c0);
            c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 4), c1);
            b += Width;
        }
        double* tile = stackalloc double[Width];
        Avx.Store(tile, c0);
        Avx.Store(tile + 4, c1);
        CopyRow(tile, c, width);
    }

    /// <summary>A row of fewer than eight values, one by one: a span copy's call into memmove costs more than the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(double* from, double* to, int width)
    {
        for (int j = 0; j < width; j++) to[j] = from[j];
    }
}
