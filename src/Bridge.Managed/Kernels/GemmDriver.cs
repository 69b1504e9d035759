using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>What the register-blocked products share whatever their element type.</summary>
internal static class GemmDriver
{
    /// <summary>Whether the processor has what every tile needs: 256-bit vectors (AVX) and fused multiply-adds (FMA).</summary>
    public static bool Supported => Fma.IsSupported && Avx.IsSupported;

    /// <summary>Multiply-adds below which a product is not worth sharing between cores (a hand-off costs microseconds); the batch split uses it too.</summary>
    internal const long ParallelWork = 1L << 21;
}

/// <summary>
/// C = A·B (+ bias), row-major, in T, with the register tiles of <typeparamref name="TKernels"/>: each tile holds a few
/// rows × two vectors of C in registers while the shared dimension streams through. The shared dimension is cut into
/// blocks that keep a tile's slice of B in the L1 cache; C's columns into blocks of two 512-bit vectors (where the
/// tiles use them), then of two 256-bit vectors, then the last few; large products split their rows between the cores.
/// Every C entry is the same sum whatever the blocking, the tile or the split: Σ_p A[i,p]·B[p,j] accumulated in p
/// order with fused multiply-adds from the bias (or 0).
/// </summary>
// The kernels' stack buffers are written before they are read; zeroing them on every call is wasted work.
[SkipLocalsInit]
internal static unsafe class GemmDriver<T, TKernels>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernels : struct, IGemmKernels<T>
{
    private const int KBlock = 256;

    /// <summary>Rows of B at least this long (1 KB: 256 floats, 128 doubles) are copied into contiguous panels before use.</summary>
    private static int PackFrom => 1024 / sizeof(T);

    [ThreadStatic]
    private static T[]? _packBuffer;

    /// <summary>One kc × (two 512-bit vectors) panel of B per thread, allocated once per thread.</summary>
    private static T[] PackBuffer => _packBuffer ??= new T[KBlock * 2 * Vector512<T>.Count];

    /// <summary>C[n×m] = A[n×k]·B[k×m] + bias[m] (bias may be empty: then 0).</summary>
    public static void MultiplyAddBias(ReadOnlySpan<T> a, int n, int k, ReadOnlySpan<T> b, int m, ReadOnlySpan<T> bias, Span<T> c)
    {
        fixed (T* pa = a, pb = b, pbias = bias, pc = c)
            Run(new Job(pa, k, 1, k, pb, m, bias.IsEmpty ? null : pbias, pc), n, k, m);
    }

    /// <summary>C[k×m] = A[n×k]ᵀ·D[n×m], reading A in place (its columns as the rows of Aᵀ).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<T> a, int n, int k, ReadOnlySpan<T> d, int m, Span<T> c)
    {
        fixed (T* pa = a, pd = d, pc = c)
            Run(new Job(pa, 1, k, n, pd, m, null, pc), k, n, m);
    }

    private static void Run(Job job, int rows, int shared, int columns)
    {
        if (rows == 0 || columns == 0) return;
        if ((long)rows * shared * columns >= GemmDriver.ParallelWork && rows >= 8) WorkerPool.Shared.Run(ref job, rows);
        else job.Rows(0, rows);
    }

    /// <summary>
    /// The rows [start, end) of one product: what one core does. A's element (row i, shared index p) is at
    /// a[i·rowStride + p·sharedStride], so the same code reads A or, in place, Aᵀ.
    /// </summary>
    internal readonly struct Job(T* a, int rowStride, int sharedStride, int k, T* b, int m, T* bias, T* c) : IRowJob
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Rows(int start, int end)
        {
            if (k == 0)
            {
                // No shared dimension: C is the bias (or 0).
                for (int i = start; i < end; i++)
                    for (int j = 0; j < m; j++) c[i * m + j] = bias == null ? T.Zero : bias[j];
                return;
            }
            int wide = 2 * Vector512<T>.Count, full = 2 * Vector256<T>.Count, half = Vector256<T>.Count;
            T* paddedBias = stackalloc T[full];
            for (int p0 = 0; p0 < k; p0 += KBlock)
            {
                int kc = Math.Min(KBlock, k - p0);
                bool first = p0 == 0;
                T* a0 = a + (nint)p0 * sharedStride;
                int j0 = 0;
                // With long rows, consecutive rows of a B panel lie pages apart; copied into one contiguous block (once
                // per panel, reused by every tile below) they stream from L1 instead.
                bool pack = m >= PackFrom && end - start >= 8;
                var packed = pack ? PackBuffer : null;
                fixed (T* panel = packed)
                {
                    if (TKernels.UseWide && (pack || !TKernels.WideOnlyPacked))
                        for (; j0 + wide <= m; j0 += wide)
                        {
                            T* source = b + (nint)p0 * m + j0;
                            int ldb = m;
                            if (pack)
                            {
                                for (int p = 0; p < kc; p++)
                                {
                                    Vector512.Store(Vector512.Load(source + (nint)p * m), panel + wide * p);
                                    Vector512.Store(Vector512.Load(source + (nint)p * m + wide / 2), panel + wide * p + wide / 2);
                                }
                                source = panel;
                                ldb = wide;
                            }
                            TKernels.WideRows(new GemmBlock<T>(a0, rowStride, sharedStride, source, ldb, c + j0, m, kc, first && bias != null ? bias + j0 : null, first),
                                start, end);
                        }
                    for (; j0 + full <= m; j0 += full)
                    {
                        T* source = b + (nint)p0 * m + j0;
                        int ldb = m;
                        if (pack)
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                Vector256.Store(Vector256.Load(source + (nint)p * m), panel + full * p);
                                Vector256.Store(Vector256.Load(source + (nint)p * m + half), panel + full * p + half);
                            }
                            source = panel;
                            ldb = full;
                        }
                        TKernels.FullRows(new GemmBlock<T>(a0, rowStride, sharedStride, source, ldb, c + j0, m, kc, first && bias != null ? bias + j0 : null, first),
                            start, end);
                    }
                }
                if (j0 < m)
                {
                    // The last columns, fewer than two 256-bit vectors (all of them in a 10-class output layer): B's are
                    // copied once into a zero-padded panel of two vectors and the bias into a padded row, so the tiles load
                    // whole vectors instead of going through masks at every step (masked loads and stores ran the
                    // 32×32·32×10 float product at half the speed of a 16-column one).
                    int width = m - j0;
                    var mask0 = Mask(width);
                    var mask1 = Mask(width - half);
                    if (first && bias != null)
                    {
                        Vector256.Store(MaskLoad(bias + j0, mask0), paddedBias);
                        Vector256.Store(MaskLoad(bias + j0 + half, mask1), paddedBias + half);
                    }
                    fixed (T* panel = PackBuffer)
                    {
                        T* source = b + (nint)p0 * m + j0;
                        for (int p = 0; p < kc; p++)
                        {
                            Vector256.Store(MaskLoad(source + (nint)p * m, mask0), panel + full * p);
                            Vector256.Store(MaskLoad(source + (nint)p * m + half, mask1), panel + full * p + half);
                        }
                        // When these are C's only columns and C is written for the first time, a tile may store whole
                        // rows of two vectors: what runs past a row lands at the start of rows below, which later stores
                        // of this job overwrite; only the job's own rows may be reached.
                        T* spillLimit = first && j0 == 0 ? c + (nint)end * m : null;
                        TKernels.TailRows(new GemmBlock<T>(a0, rowStride, sharedStride, panel, full, c + j0, m, kc, first && bias != null ? paddedBias : null, first),
                            width, mask0, mask1, spillLimit, start, end);
                    }
                }
            }
        }
    }

    /// <summary>Lanes [0, count) set (count may be ≤ 0 or ≥ the lanes).</summary>
    private static Vector256<T> Mask(int count) => Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(count)));

    /// <summary>The lanes of <paramref name="mask"/> from <paramref name="at"/>, zero elsewhere; nothing past them is read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MaskLoad(T* at, Vector256<T> mask) =>
        typeof(T) == typeof(float)
            ? Avx.MaskLoad((float*)at, mask.AsSingle()).As<float, T>()
            : Avx.MaskLoad((double*)at, mask.AsDouble()).As<double, T>();
}
