using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

internal static class Transposition
{
    /// <summary>dst[cols×rows] = src[rows×cols]ᵀ, in 8×8 blocks so both sides stay in cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst) where T : unmanaged
    {
        int count = checked(rows * cols);
        if (src.Length < count || dst.Length < count)
            throw new ArgumentException($"Transposing {rows}×{cols} needs {count} values on both sides; got {src.Length} and {dst.Length}.");
        if (typeof(T) == typeof(float) && Avx2.IsSupported && rows >= 8)
        {
            TransposeFloats(MemoryMarshal.Cast<T, float>(src), rows, cols, MemoryMarshal.Cast<T, float>(dst));
            return;
        }
        // Bounds checked once above; inside, every index is below rows·cols. (This runs on every backward step.)
        ref T from = ref MemoryMarshal.GetReference(src);
        ref T to = ref MemoryMarshal.GetReference(dst);
        const int block = 8;
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int r1 = Math.Min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block)
            {
                int c1 = Math.Min(cols, c0 + block);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        Unsafe.Add(ref to, c * rows + r) = Unsafe.Add(ref from, r * cols + c);
            }
        }
    }

    /// <summary>
    /// Each row of the result eight values at a time, gathered from eight rows of the source: the weight matrices the
    /// backward pass transposes (hidden units × a few outputs) have columns too short for blocks of stores to pay.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeFloats(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        var stride = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * cols;
        int fullRows = rows - rows % 8;
        fixed (float* from = src, to = dst)
        {
            for (int c = 0; c < cols; c++)
            {
                float* column = from + c;
                float* target = to + c * rows;
                int r = 0;
                for (; r < fullRows; r += 8) Avx.Store(target + r, Avx2.GatherVector256(column + r * cols, stride, 4));
                for (; r < rows; r++) target[r] = column[r * cols];
            }
        }
    }
}
