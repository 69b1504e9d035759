using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Managed.Kernels;

internal static class Transposition
{
    /// <summary>dst[cols×rows] = src[rows×cols]ᵀ, in 8×8 blocks so both sides stay in cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst)
    {
        int count = checked(rows * cols);
        if (src.Length < count || dst.Length < count)
            throw new ArgumentException($"Transposing {rows}×{cols} needs {count} values on both sides; got {src.Length} and {dst.Length}.");
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
}
