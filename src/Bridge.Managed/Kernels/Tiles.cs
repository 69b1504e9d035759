using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// The register tiles every element type shares: a few rows × two vectors of C held in registers while the shared
/// dimension streams through, each step one broadcast of A per row and two loads of B feeding two fused multiply-adds
/// per row. Which row counts each type uses, and why, is the type's (<see cref="Sgemm"/>, <see cref="Dgemm"/>). Every
/// entry starts from the bias (first block of the shared dimension), 0 (first block, no bias) or C (later blocks), then
/// adds a·b fused, p = 0, 1, … in turn.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Tiles<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> sum) =>
        typeof(T) == typeof(float)
            ? Fma.MultiplyAdd(x.AsSingle(), y.AsSingle(), sum.AsSingle()).As<float, T>()
            : Fma.MultiplyAdd(x.AsDouble(), y.AsDouble(), sum.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> sum) =>
        typeof(T) == typeof(float)
            ? Avx512F.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), sum.AsSingle()).As<float, T>()
            : Avx512F.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), sum.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Start(T* bias, T* c, bool first) =>
        first ? bias == null ? Vector256<T>.Zero : Vector256.Load(bias) : Vector256.Load(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Start512(T* bias, T* c, bool first) =>
        first ? bias == null ? Vector512<T>.Zero : Vector512.Load(bias) : Vector512.Load(c);

    /// <summary>
    /// <see cref="Start"/> for a tile narrower than two vectors: the bias is padded (whole vectors load), C is not
    /// (masked).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> StartPadded(T* bias, T* c, bool first, Vector256<T> mask) =>
        first ? bias == null ? Vector256<T>.Zero : Vector256.Load(bias) : MaskLoad(c, mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MaskLoad(T* at, Vector256<T> mask) =>
        typeof(T) == typeof(float)
            ? Avx.MaskLoad((float*)at, mask.AsSingle()).As<float, T>()
            : Avx.MaskLoad((double*)at, mask.AsDouble()).As<double, T>();

    /// <summary>1 row × two 256-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile1(in GemmBlock<T> t, int row)
    {
        int half = Vector256<T>.Count;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int step = t.Step, ldb = t.Ldb;
        bool first = t.First;
        var c0 = Start(bias, c, first);
        var c1 = Start(bias == null ? null : bias + half, c + half, first);
        for (nint at = 0, end = (nint)t.K * step; at != end; at += step)
        {
            var x = Vector256.Create(a[at]);
            c0 = MultiplyAdd(x, Vector256.Load(b), c0);
            c1 = MultiplyAdd(x, Vector256.Load(b + half), c1);
            b += ldb;
        }
        Vector256.Store(c0, c);
        Vector256.Store(c1, c + half);
    }

    /// <summary>4 rows × two 256-bit vectors: eight sums in registers, eight multiply-adds for two loads of B and four broadcasts of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4(in GemmBlock<T> t, int row)
    {
        int half = Vector256<T>.Count;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldb = t.Ldb, ldc = t.Ldc;
        bool first = t.First;
        T* bias1 = bias == null ? null : bias + half;
        var c00 = Start(bias, c, first); var c01 = Start(bias1, c + half, first);
        var c10 = Start(bias, c + ldc, first); var c11 = Start(bias1, c + ldc + half, first);
        var c20 = Start(bias, c + 2 * ldc, first); var c21 = Start(bias1, c + 2 * ldc + half, first);
        var c30 = Start(bias, c + 3 * ldc, first); var c31 = Start(bias1, c + 3 * ldc + half, first);
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        nint end = (nint)t.K * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + half);
            b += ldb;
            var x = Vector256.Create(a0[at]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
        }
        Vector256.Store(c00, c); Vector256.Store(c01, c + half); c += ldc;
        Vector256.Store(c10, c); Vector256.Store(c11, c + half); c += ldc;
        Vector256.Store(c20, c); Vector256.Store(c21, c + half); c += ldc;
        Vector256.Store(c30, c); Vector256.Store(c31, c + half);
    }

    /// <summary>
    /// 6 rows × two 256-bit vectors: twelve sums in registers, twelve multiply-adds for two loads of B and six broadcasts
    /// of A (with sixteen vector registers: twelve sums, two B vectors and the broadcast).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6(in GemmBlock<T> t, int row)
    {
        int half = Vector256<T>.Count;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldb = t.Ldb, ldc = t.Ldc;
        bool first = t.First;
        T* bias1 = bias == null ? null : bias + half;
        var c00 = Start(bias, c, first); var c01 = Start(bias1, c + half, first);
        var c10 = Start(bias, c + ldc, first); var c11 = Start(bias1, c + ldc + half, first);
        var c20 = Start(bias, c + 2 * ldc, first); var c21 = Start(bias1, c + 2 * ldc + half, first);
        var c30 = Start(bias, c + 3 * ldc, first); var c31 = Start(bias1, c + 3 * ldc + half, first);
        var c40 = Start(bias, c + 4 * ldc, first); var c41 = Start(bias1, c + 4 * ldc + half, first);
        var c50 = Start(bias, c + 5 * ldc, first); var c51 = Start(bias1, c + 5 * ldc + half, first);
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        nint end = (nint)t.K * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + half);
            b += ldb;
            var x = Vector256.Create(a0[at]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[at]);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[at]);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
        }
        Vector256.Store(c00, c); Vector256.Store(c01, c + half); c += ldc;
        Vector256.Store(c10, c); Vector256.Store(c11, c + half); c += ldc;
        Vector256.Store(c20, c); Vector256.Store(c21, c + half); c += ldc;
        Vector256.Store(c30, c); Vector256.Store(c31, c + half); c += ldc;
        Vector256.Store(c40, c); Vector256.Store(c41, c + half); c += ldc;
        Vector256.Store(c50, c); Vector256.Store(c51, c + half);
    }

    /// <summary>1 row × two 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile1Wide(in GemmBlock<T> t, int row)
    {
        int half = Vector512<T>.Count;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int step = t.Step, ldb = t.Ldb;
        bool first = t.First;
        var c0 = Start512(bias, c, first);
        var c1 = Start512(bias == null ? null : bias + half, c + half, first);
        for (nint at = 0, end = (nint)t.K * step; at != end; at += step)
        {
            var x = Vector512.Create(a[at]);
            c0 = MultiplyAdd(x, Vector512.Load(b), c0);
            c1 = MultiplyAdd(x, Vector512.Load(b + half), c1);
            b += ldb;
        }
        Vector512.Store(c0, c);
        Vector512.Store(c1, c + half);
    }

    /// <summary>6 rows × two 512-bit vectors: <see cref="Tile6"/> with twice the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6Wide(in GemmBlock<T> t, int row)
    {
        int half = Vector512<T>.Count;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldb = t.Ldb, ldc = t.Ldc;
        bool first = t.First;
        T* bias1 = bias == null ? null : bias + half;
        var c00 = Start512(bias, c, first); var c01 = Start512(bias1, c + half, first);
        var c10 = Start512(bias, c + ldc, first); var c11 = Start512(bias1, c + ldc + half, first);
        var c20 = Start512(bias, c + 2 * ldc, first); var c21 = Start512(bias1, c + 2 * ldc + half, first);
        var c30 = Start512(bias, c + 3 * ldc, first); var c31 = Start512(bias1, c + 3 * ldc + half, first);
        var c40 = Start512(bias, c + 4 * ldc, first); var c41 = Start512(bias1, c + 4 * ldc + half, first);
        var c50 = Start512(bias, c + 5 * ldc, first); var c51 = Start512(bias1, c + 5 * ldc + half, first);
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        nint end = (nint)t.K * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + half);
            b += ldb;
            var x = Vector512.Create(a0[at]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[at]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[at]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[at]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[at]);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[at]);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
        }
        Vector512.Store(c00, c); Vector512.Store(c01, c + half); c += ldc;
        Vector512.Store(c10, c); Vector512.Store(c11, c + half); c += ldc;
        Vector512.Store(c20, c); Vector512.Store(c21, c + half); c += ldc;
        Vector512.Store(c30, c); Vector512.Store(c31, c + half); c += ldc;
        Vector512.Store(c40, c); Vector512.Store(c41, c + half); c += ldc;
        Vector512.Store(c50, c); Vector512.Store(c51, c + half);
    }

    /// <summary>8 rows × two 512-bit vectors: sixteen sums in registers, sixteen multiply-adds for two loads of B and eight broadcasts of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile8Wide(in GemmBlock<T> t, int row)
    {
        int half = Vector512<T>.Count;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldb = t.Ldb, ldc = t.Ldc;
        bool first = t.First;
        T* bias1 = bias == null ? null : bias + half;
        var c00 = Start512(bias, c, first); var c01 = Start512(bias1, c + half, first);
        var c10 = Start512(bias, c + ldc, first); var c11 = Start512(bias1, c + ldc + half, first);
        var c20 = Start512(bias, c + 2 * ldc, first); var c21 = Start512(bias1, c + 2 * ldc + half, first);
        var c30 = Start512(bias, c + 3 * ldc, first); var c31 = Start512(bias1, c + 3 * ldc + half, first);
        var c40 = Start512(bias, c + 4 * ldc, first); var c41 = Start512(bias1, c + 4 * ldc + half, first);
        var c50 = Start512(bias, c + 5 * ldc, first); var c51 = Start512(bias1, c + 5 * ldc + half, first);
        var c60 = Start512(bias, c + 6 * ldc, first); var c61 = Start512(bias1, c + 6 * ldc + half, first);
        var c70 = Start512(bias, c + 7 * ldc, first); var c71 = Start512(bias1, c + 7 * ldc + half, first);
        // Eight row pointers and one offset: recomputing row × lda inside the loop costs instructions every step.
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        nint end = (nint)t.K * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + half);
            b += ldb;
            var x = Vector512.Create(a0[at]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[at]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[at]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[at]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[at]);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[at]);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[at]);
            c60 = MultiplyAdd(x, b0, c60);
            c61 = MultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[at]);
            c70 = MultiplyAdd(x, b0, c70);
            c71 = MultiplyAdd(x, b1, c71);
        }
        Vector512.Store(c00, c); Vector512.Store(c01, c + half); c += ldc;
        Vector512.Store(c10, c); Vector512.Store(c11, c + half); c += ldc;
        Vector512.Store(c20, c); Vector512.Store(c21, c + half); c += ldc;
        Vector512.Store(c30, c); Vector512.Store(c31, c + half); c += ldc;
        Vector512.Store(c40, c); Vector512.Store(c41, c + half); c += ldc;
        Vector512.Store(c50, c); Vector512.Store(c51, c + half); c += ldc;
        Vector512.Store(c60, c); Vector512.Store(c61, c + half); c += ldc;
        Vector512.Store(c70, c); Vector512.Store(c71, c + half);
    }

    /// <summary>
    /// 4 rows × fewer than two 256-bit vectors of columns, B from a panel zero-padded to two vectors (the bias, if any,
    /// padded likewise). Masked stores are slow, so the rows are stored as whole vectors: straight into C, in row order,
    /// when the last one's two vectors end before <paramref name="spillLimit"/> (see the driver); otherwise into a
    /// scratch block whose <paramref name="width"/> columns are copied into C, leaving C's columns past the width
    /// untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4xN(in GemmBlock<T> t, int row, int width, Vector256<T> mask0, Vector256<T> mask1, T* spillLimit)
    {
        int half = Vector256<T>.Count, full = 2 * half;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldc = t.Ldc;
        bool first = t.First;
        T* bias1 = bias == null ? null : bias + half;
        var c00 = StartPadded(bias, c, first, mask0); var c01 = StartPadded(bias1, c + half, first, mask1);
        var c10 = StartPadded(bias, c + ldc, first, mask0); var c11 = StartPadded(bias1, c + ldc + half, first, mask1);
        var c20 = StartPadded(bias, c + 2 * ldc, first, mask0); var c21 = StartPadded(bias1, c + 2 * ldc + half, first, mask1);
        var c30 = StartPadded(bias, c + 3 * ldc, first, mask0); var c31 = StartPadded(bias1, c + 3 * ldc + half, first, mask1);
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        nint end = (nint)t.K * step;
        for (nint at = 0; at != end; at += step)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + half);
            b += full;
            var x = Vector256.Create(a0[at]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[at]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[at]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[at]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
        }
        if (c + 3 * ldc + full <= spillLimit)
        {
            Vector256.Store(c00, c); Vector256.Store(c01, c + half);
            Vector256.Store(c10, c + ldc); Vector256.Store(c11, c + ldc + half);
            Vector256.Store(c20, c + 2 * ldc); Vector256.Store(c21, c + 2 * ldc + half);
            Vector256.Store(c30, c + 3 * ldc); Vector256.Store(c31, c + 3 * ldc + half);
            return;
        }
        T* tile = stackalloc T[4 * full];
        Vector256.Store(c00, tile); Vector256.Store(c01, tile + half);
        Vector256.Store(c10, tile + full); Vector256.Store(c11, tile + full + half);
        Vector256.Store(c20, tile + 2 * full); Vector256.Store(c21, tile + 2 * full + half);
        Vector256.Store(c30, tile + 3 * full); Vector256.Store(c31, tile + 3 * full + half);
        for (int r = 0; r < 4; r++) CopyRow(tile + full * r, c + r * ldc, width);
    }

    /// <summary>1 row × fewer than two 256-bit vectors of columns, as <see cref="Tile4xN"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile1xN(in GemmBlock<T> t, int row, int width, Vector256<T> mask0, Vector256<T> mask1)
    {
        int half = Vector256<T>.Count, full = 2 * half;
        T* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int step = t.Step;
        bool first = t.First;
        var c0 = StartPadded(bias, c, first, mask0);
        var c1 = StartPadded(bias == null ? null : bias + half, c + half, first, mask1);
        for (nint at = 0, end = (nint)t.K * step; at != end; at += step)
        {
            var x = Vector256.Create(a[at]);
            c0 = MultiplyAdd(x, Vector256.Load(b), c0);
            c1 = MultiplyAdd(x, Vector256.Load(b + half), c1);
            b += full;
        }
        T* tile = stackalloc T[full];
        Vector256.Store(c0, tile);
        Vector256.Store(c1, tile + half);
        CopyRow(tile, c, width);
    }

    /// <summary>A row of fewer than two vectors' values, one by one: a span copy's call into memmove cost more than the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyRow(T* from, T* to, int width)
    {
        for (int j = 0; j < width; j++) to[j] = from[j];
    }
}
