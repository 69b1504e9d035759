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
        if (typeof(T) == typeof(float) && Avx.IsSupported && rows >= 8)
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
    /// In 8×8 blocks transposed in registers (eight row loads, three rounds of shuffles, eight stores), the edges past
    /// the last whole block one value at a time. The blocks are what the softmax's eight-row groups and the backward
    /// pass's weight matrices (hidden units × a few outputs) need; gathering each result row from eight source rows
    /// took longer (an 8×10 block 49 ns against 30, a 32×10 kernel 158 against 104).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransposeFloats(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        int fullRows = rows - rows % 8, fullCols = cols - cols % 8;
        fixed (float* from = src, to = dst)
        {
            for (int r = 0; r < fullRows; r += 8)
            {
                for (int c = 0; c < fullCols; c += 8) Block8x8(from + r * cols + c, cols, to + c * rows + r, rows);
                for (int c = fullCols; c < cols; c++)
                    for (int k = r; k < r + 8; k++) to[c * rows + k] = from[k * cols + c];
            }
            for (int r = fullRows; r < rows; r++)
                for (int c = 0; c < cols; c++) to[c * rows + r] = from[r * cols + c];
        }
    }

    /// <summary>dst's 8×8 block (row stride <paramref name="dstStride"/>) = src's (row stride <paramref name="srcStride"/>) transposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Block8x8(float* src, int srcStride, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);
        // Pairs of rows interleaved, then pairs of pairs: within each 128-bit half, four values of one column.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        // Rows 0–3 of a column in one half, rows 4–7 in the same half of its partner: joined, the whole column.
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
