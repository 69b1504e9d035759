using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Bridge.Managed.Kernels.Tiles<double>;

namespace Bridge.Managed.Kernels;

/// <summary>
/// The float64 tiles of <see cref="GemmDriver{T, TKernels}"/>: the design of <see cref="Sgemm"/> for four lanes of
/// double. A 4-row × 8-column tile holds eight sums in registers (one broadcast of A and two loads of B feed eight
/// fused multiply-adds); 6-row tiles go first, twelve independent sums, as many as the multiply-add units need to stay
/// busy with the registers left for B and the broadcast. Where the processor has AVX-512, 6 × 16 tiles of 512-bit
/// vectors go before them, on B in place or packed alike. Fewer than 8 columns go to the tail tiles. Each C entry is
/// the same chain on every tile: the same bits.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct Dgemm : IGemmKernels<double>
{
    /// <summary>
    /// Whether 16-column tiles of 512-bit vectors go first, where they may run (<see cref="WideTiles"/>; twice the lanes per
    /// multiply-add; each entry is the same chain, so the same bits). Tests turn it off to run the 256-bit tiles too.
    /// </summary>
    public static bool UseWide { get; set; } = WideTiles.Supported;

    public static bool WideOnlyPacked => false;

    /// <summary>C[n×m] = A[n×k]·B[k×m] + bias[m] (bias may be empty: then 0).</summary>
    public static void MultiplyAddBias(ReadOnlySpan<double> a, int n, int k, ReadOnlySpan<double> b, int m, ReadOnlySpan<double> bias, Span<double> c) =>
        GemmDriver<double, Dgemm>.MultiplyAddBias(a, n, k, b, m, bias, c);

    /// <summary>C[k×m] = A[n×k]ᵀ·D[n×m], reading A in place.</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<double> a, int n, int k, ReadOnlySpan<double> d, int m, Span<double> c) =>
        GemmDriver<double, Dgemm>.MultiplyTransposedA(a, n, k, d, m, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void WideRows(in GemmBlock<double> block, int start, int end)
    {
        int i = start;
        for (; i + 6 <= end; i += 6) Tile6Wide(block, i);
        for (; i < end; i++) Tile1Wide(block, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void FullRows(in GemmBlock<double> block, int start, int end)
    {
        int i = start;
        for (; i + 6 <= end; i += 6) Tile6(block, i);
        for (; i + 4 <= end; i += 4) Tile4(block, i);
        for (; i < end; i++) Tile1(block, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TailRows(in GemmBlock<double> block, int width, Vector256<double> mask0, Vector256<double> mask1, double* spillLimit, int start, int end)
    {
        int i = start;
        // One or two columns (a 1- or 2-unit output, the two past eight of a 10-class one): eight rows share four vectors.
        if (width <= 2)
            for (; i + 8 <= end; i += 8) Tile8xPair(block, i, width == 2);
        for (; i + 4 <= end; i += 4) Tile4xN(block, i, width, mask0, mask1, spillLimit);
        for (; i < end; i++) Tile1xN(block, i, width, mask0, mask1);
    }

    /// <summary>
    /// 8 rows × 1 or 2 columns from a zero-padded panel 8 wide (bias, if any, padded likewise): two rows' pair of columns
    /// share one vector, lanes (row r: columns 0, 1; row r+1: 0, 1), fed by the pair of B values broadcast and each
    /// row's A value in its two lanes; four such vectors are four independent sums for the multiply-add units, where a
    /// padded tile would spend eight multiply-adds on one or two columns. Every entry is still its own sum in p order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8xPair(in GemmBlock<double> t, int row, bool two)
    {
        bool first = t.First;
        double* a = t.RowOfA(row), b = t.B, c = t.RowOfC(row), bias = t.Bias;
        int lda = t.Lda, step = t.Step, ldc = t.Ldc;
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
        for (nint at = 0, end = (nint)t.K * step; at != end; at += step)
        {
            // (b0, b1, b0, b1): the pair of B values in each 128-bit half.
            var bPair = Avx.BroadcastVector128ToVector256(b);
            b += 8;
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
}
