using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// The AVX-512 tiles of <see cref="Sgemm"/> for large products: 8 rows × 32 columns of C in sixteen 512-bit registers
/// while the shared dimension streams through (two loads of B and eight broadcasts of A feed sixteen fused
/// multiply-adds). Where 512-bit multiply-adds run at the rate of two 256-bit ones (Zen 4 splits them), the gain is in
/// instructions: half the loads and multiply-adds to issue for the same arithmetic, and sixteen independent sums to
/// cover the multiply-add latency instead of the AVX2 tile's eight. Each C entry is still bias (or C), then + a·b fused
/// in p order: the same bits as the AVX2 tiles.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Sgemm512
{
    public static bool Supported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Rows [start, end) of C's 32 columns at <paramref name="c"/> over one block of the shared dimension [p0, p0 + kc):
    /// B's kc×32 block (rows <paramref name="ldb"/> apart) is copied into <paramref name="panel"/> once, contiguous, and
    /// every tile reads it from there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panel(float* a, int rowStride, int sharedStride, float* b, int ldb, float* c, int ldc, int start, int end,
        int p0, int kc, float* bias, bool first, float* panel)
    {
        for (int p = 0; p < kc; p++)
        {
            Vector512.Store(Vector512.Load(b + (nint)p * ldb), panel + 32 * p);
            Vector512.Store(Vector512.Load(b + (nint)p * ldb + 16), panel + 32 * p + 16);
        }
        float* a0 = a + (nint)p0 * sharedStride;
        int i = start;
        for (; i + 8 <= end; i += 8) Tile8x32(a0 + (nint)i * rowStride, rowStride, sharedStride, panel, c + (nint)i * ldc, ldc, kc, bias, first);
        for (; i < end; i++) Tile1x32(a0 + (nint)i * rowStride, sharedStride, panel, c + (nint)i * ldc, kc, bias, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Start(float* bias, float* c, bool first) =>
        first ? bias == null ? Vector512<float>.Zero : Vector512.Load(bias) : Vector512.Load(c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x32(float* a, int lda, int step, float* b, float* c, int ldc, int k, float* bias, bool first)
    {
        float* bias1 = bias == null ? null : bias + 16;
        var c00 = Start(bias, c, first); var c01 = Start(bias1, c + 16, first);
        var c10 = Start(bias, c + ldc, first); var c11 = Start(bias1, c + ldc + 16, first);
        var c20 = Start(bias, c + 2 * ldc, first); var c21 = Start(bias1, c + 2 * ldc + 16, first);
        var c30 = Start(bias, c + 3 * ldc, first); var c31 = Start(bias1, c + 3 * ldc + 16, first);
        var c40 = Start(bias, c + 4 * ldc, first); var c41 = Start(bias1, c + 4 * ldc + 16, first);
        var c50 = Start(bias, c + 5 * ldc, first); var c51 = Start(bias1, c + 5 * ldc + 16, first);
        var c60 = Start(bias, c + 6 * ldc, first); var c61 = Start(bias1, c + 6 * ldc + 16, first);
        var c70 = Start(bias, c + 7 * ldc, first); var c71 = Start(bias1, c + 7 * ldc + 16, first);
        // Eight row pointers and one offset: recomputing row × lda inside the loop costs instructions every step.
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        nint end = (nint)k * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            b += 32;
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
            x = Vector512.Create(a6[at]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[at]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
        }
        c00.Store(c); c01.Store(c + 16); c += ldc;
        c10.Store(c); c11.Store(c + 16); c += ldc;
        c20.Store(c); c21.Store(c + 16); c += ldc;
        c30.Store(c); c31.Store(c + 16); c += ldc;
        c40.Store(c); c41.Store(c + 16); c += ldc;
        c50.Store(c); c51.Store(c + 16); c += ldc;
        c60.Store(c); c61.Store(c + 16); c += ldc;
        c70.Store(c); c71.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x32(float* a, int step, float* b, float* c, int k, float* bias, bool first)
    {
        var c0 = Start(bias, c, first);
        var c1 = Start(bias == null ? null : bias + 16, c + 16, first);
        for (nint at = 0, end = (nint)k * step; at != end; at += step)
        {
            var x = Vector512.Create(a[at]);
            c0 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b), c0);
            c1 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 16), c1);
            b += 32;
        }
        c0.Store(c);
        c1.Store(c + 16);
    }
}
