using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// float32 C = A·B (+ bias), row-major, with an AVX2/FMA register-blocked kernel: each 4-row × 16-column tile of C
/// is held in eight vector registers while the shared dimension streams through (one broadcast of A and two loads of
/// B feed eight fused multiply-adds). The shared dimension is cut into blocks that keep a tile's slice of B in the L1
/// cache; large products split their rows between the cores. Every C entry is the same sum whatever the blocking:
/// Σ_p A[i,p]·B[p,j] accumulated in p order with fused multiply-adds.
/// </summary>
internal static unsafe class Sgemm
{
    public static bool Supported => Fma.IsSupported && Avx.IsSupported;

    /// <summary>Multiply-adds below which a product is not worth sharing between cores (a hand-off costs microseconds).</summary>
    private const long ParallelWork = 1L << 21;

    private const int KBlock = 256;

    /// <summary>Rows of B at least this long (in floats) are copied into contiguous panels before use.</summary>
    private const int PackFrom = 256;

    [ThreadStatic]
    private static float[]? _packBuffer;

    /// <summary>One kc×16 panel of B per thread, allocated once per thread.</summary>
    private static float[] PackBuffer => _packBuffer ??= new float[KBlock * 16];

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
                    // The last columns, fewer than 16: the same arithmetic with masked loads and stores.
                    int width = m - j0;
                    var mask0 = Mask(width);
                    var mask1 = Mask(width - 8);
                    int i = start;
                    for (; i + 4 <= end; i += 4)
                        Tile4xN(a + i * rowStride + p0 * sharedStride, rowStride, sharedStride, b + p0 * m + j0, m, c + i * m + j0, m, kc, first ? bias == null ? null : bias + j0 : null, first, mask0, mask1);
                    for (; i < end; i++)
                        Tile1xN(a + i * rowStride + p0 * sharedStride, sharedStride, b + p0 * m + j0, m, c + i * m + j0, kc, first ? bias == null ? null : bias + j0 : null, first, mask0, mask1);
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
        for (int p = 0; p < k; p++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            b += ldb;
            var x = Vector256.Create(a0[p * step]);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[p * step]);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[p * step]);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[p * step]);
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
        for (int p = 0; p < k; p++)
        {
            var x = Vector256.Create(a[p * step]);
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

    private static Vector256<float> StartMasked(float* bias, float* c, bool first, Vector256<float> mask) =>
        first ? bias == null ? Vector256<float>.Zero : Avx.MaskLoad(bias, mask) : Avx.MaskLoad(c, mask);

    /// <summary>4 rows × fewer than 16 columns; the columns past the masks are neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xN(float* a, int lda, int step, float* b, int ldb, float* c, int ldc, int k, float* bias, bool first,
        Vector256<float> mask0, Vector256<float> mask1)
    {
        float* bias1 = bias == null ? null : bias + 8;
        var c00 = StartMasked(bias, c, first, mask0); var c01 = StartMasked(bias1, c + 8, first, mask1);
        var c10 = StartMasked(bias, c + ldc, first, mask0); var c11 = StartMasked(bias1, c + ldc + 8, first, mask1);
        var c20 = StartMasked(bias, c + 2 * ldc, first, mask0); var c21 = StartMasked(bias1, c + 2 * ldc + 8, first, mask1);
        var c30 = StartMasked(bias, c + 3 * ldc, first, mask0); var c31 = StartMasked(bias1, c + 3 * ldc + 8, first, mask1);
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int p = 0; p < k; p++)
        {
            var b0 = Avx.MaskLoad(b, mask0);
            var b1 = Avx.MaskLoad(b + 8, mask1);
            b += ldb;
            var x = Vector256.Create(a0[p * step]);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[p * step]);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[p * step]);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[p * step]);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
        }
        Avx.MaskStore(c, mask0, c00); Avx.MaskStore(c + 8, mask1, c01); c += ldc;
        Avx.MaskStore(c, mask0, c10); Avx.MaskStore(c + 8, mask1, c11); c += ldc;
        Avx.MaskStore(c, mask0, c20); Avx.MaskStore(c + 8, mask1, c21); c += ldc;
        Avx.MaskStore(c, mask0, c30); Avx.MaskStore(c + 8, mask1, c31);
    }

    /// <summary>1 row × fewer than 16 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1xN(float* a, int step, float* b, int ldb, float* c, int k, float* bias, bool first, Vector256<float> mask0, Vector256<float> mask1)
    {
        var c0 = StartMasked(bias, c, first, mask0);
        var c1 = StartMasked(bias == null ? null : bias + 8, c + 8, first, mask1);
        for (int p = 0; p < k; p++)
        {
            var x = Vector256.Create(a[p * step]);
            c0 = Fma.MultiplyAdd(x, Avx.MaskLoad(b, mask0), c0);
            c1 = Fma.MultiplyAdd(x, Avx.MaskLoad(b + 8, mask1), c1);
            b += ldb;
        }
        Avx.MaskStore(c, mask0, c0);
        Avx.MaskStore(c + 8, mask1, c1);
    }
}
