using System.Numerics;
using System.Runtime.Intrinsics;

namespace Bridge.Managed.Kernels;

/// <summary>
/// The register tiles of one element type, as <see cref="GemmDriver{T, TKernels}"/> runs them: which tiles cover the
/// rows of a block of C's columns, for each of the three kinds of column block the driver cuts C into. Implemented by
/// structs (<see cref="Sgemm"/>, <see cref="Dgemm"/>): the driver is compiled once per element type, calling its tiles
/// directly.
/// </summary>
internal unsafe interface IGemmKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether blocks of two 512-bit vectors of columns go first (the processor has AVX-512, and tests have not turned them off).</summary>
    static abstract bool UseWide { get; }

    /// <summary>Whether the 512-bit tiles are for packed panels only (large products), or run on B in place too.</summary>
    static abstract bool WideOnlyPacked { get; }

    /// <summary>Rows [start, end) of a block two 512-bit vectors wide.</summary>
    static abstract void WideRows(in GemmBlock<T> block, int start, int end);

    /// <summary>Rows [start, end) of a block two 256-bit vectors wide.</summary>
    static abstract void FullRows(in GemmBlock<T> block, int start, int end);

    /// <summary>
    /// Rows [start, end) of C's last <paramref name="width"/> columns, fewer than two 256-bit vectors, from a panel of B
    /// zero-padded to that width (and the bias, if any, padded likewise). <paramref name="mask0"/> and
    /// <paramref name="mask1"/> select the columns that exist in each of the two vectors; a tile may store whole rows
    /// into C where they end before <paramref name="spillLimit"/> (null: nowhere; see the driver).
    /// </summary>
    static abstract void TailRows(in GemmBlock<T> block, int width, Vector256<T> mask0, Vector256<T> mask1, T* spillLimit, int start, int end);
}

/// <summary>
/// One block of a product as a tile reads it: C's columns from <see cref="C"/> on, over one block of the shared
/// dimension (<see cref="K"/> long), with A's element (row i, shared index p of the block) at A[i·Lda + p·Step] and B's
/// rows <see cref="Ldb"/> apart. <see cref="Bias"/> is set in the first block only (later blocks add to C); null: none.
/// </summary>
internal readonly unsafe struct GemmBlock<T>(T* a, int lda, int step, T* b, int ldb, T* c, int ldc, int k, T* bias, bool first)
    where T : unmanaged
{
    public readonly T* A = a;
    public readonly int Lda = lda;
    public readonly int Step = step;
    public readonly T* B = b;
    public readonly int Ldb = ldb;
    public readonly T* C = c;
    public readonly int Ldc = ldc;
    public readonly int K = k;
    public readonly T* Bias = bias;
    public readonly bool First = first;

    /// <summary>Row <paramref name="i"/> of A, at the block's first shared index.</summary>
    public T* RowOfA(int i) => A + (nint)i * Lda;

    /// <summary>Row <paramref name="i"/> of C, at the block's first column.</summary>
    public T* RowOfC(int i) => C + (nint)i * Ldc;
}
