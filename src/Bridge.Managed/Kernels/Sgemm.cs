using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Bridge.Managed.Kernels.Tiles<float>;

namespace Bridge.Managed.Kernels;

/// <summary>
/// The float32 tiles of <see cref="GemmDriver{T, TKernels}"/>. Each 4-row × 16-column tile of C is held in eight
/// AVX2 registers while the shared dimension streams through (one broadcast of A and two loads of B feed eight fused
/// multiply-adds). On processors with AVX-512, large products (packed panels) take 8 × 32 tiles first: sixteen 512-bit
/// registers, two loads of B and eight broadcasts of A feeding sixteen multiply-adds. Where 512-bit multiply-adds run at
/// the rate of two 256-bit ones (Zen 4 splits them), the gain is in instructions: half the loads and multiply-adds to
/// issue for the same arithmetic, and sixteen independent sums to cover the multiply-add latency instead of the AVX2
/// tile's eight. The columns past the last multiple of 32 go to the 16-wide tiles, and fewer than 16 to the tail tiles.
/// Each C entry is the same chain on every tile: the same bits.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Sgemm : IGemmKernels<float>
{
    /// <summary>
    /// Whether large products use the AVX-512 tiles where the processor has them; tests turn it off to check the AVX2
    /// tiles on the same machine (the results are the same bits either way).
    /// </summary>
    public static bool UseWide { get; set; } = WideTiles.Supported;

    public static bool WideOnlyPacked => true;

    /// <summary>C[n×m] = A[n×k]·B[k×m] + bias[m] (bias may be empty: then 0).</summary>
    public static void MultiplyAddBias(ReadOnlySpan<float> a, int n, int k, ReadOnlySpan<float> b, int m, ReadOnlySpan<float> bias, Span<float> c) =>
        GemmDriver<float, Sgemm>.MultiplyAddBias(a, n, k, b, m, bias, c);

    /// <summary>C[k×m] = A[n×k]ᵀ·D[n×m], reading A in place.</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, int n, int k, ReadOnlySpan<float> d, int m, Span<float> c) =>
        GemmDriver<float, Sgemm>.MultiplyTransposedA(a, n, k, d, m, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void WideRows(in GemmBlock<float> block, int start, int end)
    {
        int i = start;
        for (; i + 8 <= end; i += 8) Tile8Wide(block, i);
        for (; i < end; i++) Tile1Wide(block, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void FullRows(in GemmBlock<float> block, int start, int end)
    {
        int i = start;
        for (; i + 4 <= end; i += 4) Tile4(block, i);
        for (; i < end; i++) Tile1(block, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TailRows(in GemmBlock<float> block, int width, Vector256<float> mask0, Vector256<float> mask1, float* spillLimit, int start, int end)
    {
        int i = start;
        // One or two columns past a multiple of eight (ten classes, one or two outputs): four rows of those columns
        // share one vector instead of each padding one to eight lanes.
        if (width is 9 or 10)
            for (; i + 8 <= end; i += 8) Tile8xPairTail(block, i, width);
        else if (width is 1 or 2)
            for (; i + 4 <= end; i += 4) Tile4xPair(block, i, width);
        for (; i + 4 <= end; i += 4) Tile4xN(block, i, width, mask0, mask1, spillLimit);
        for (; i < end; i++) Tile1xN(block, i, width, mask0, mask1);
    }

    /// <summary>
    /// 4 rows × 1 or 2 columns from a zero-padded panel 16 wide (and bias, if any, padded likewise), all in one vector,
    /// lanes (row 0: columns 0, 1; row 1: 0, 1; …), fed by the pair of B values broadcast and each row's A value in its
    /// two lanes: one multiply-add a step instead of eight. Every entry is still its own sum in p order, so the bits are
    /// those of the padded tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4xPair(in GemmBlock<float> t, int row, int width)
    {
        bool two = width == 2, first = t.First;
        float* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldc = t.Ldc;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        var pairs = first
            ? bias == null ? Vector256<float>.Zero : Avx2.BroadcastScalarToVector256((double*)bias).AsSingle()
            : TailPairs(c, ldc, two);
        for (nint at = 0, end = (nint)t.K * step; at != end; at += step)
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
    private static void Tile8xPairTail(in GemmBlock<float> t, int row, int width)
    {
        bool two = width == 10, first = t.First;
        float* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldc = t.Ldc;
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
        nint end = (nint)t.K * step;
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
}
