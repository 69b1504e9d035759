using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Backends;

/// <summary>
/// Whether every value of a span is finite, in one vectorised pass: x − x is 0 for finite x and NaN for NaN and ±∞,
/// so summing x − x over the span answers for all of them at once. Four independent sums keep the additions from
/// waiting on each other; this check runs on every training step.
/// </summary>
public static class FiniteScan
{
    public static bool AllFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T> =>
        FirstNonFinite(values) < 0;

    /// <summary>The index of the first NaN or ±∞, or −1 when every value is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstNonFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= 4 * Vector<T>.Count)
        {
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            Vector<T> p0 = Vector<T>.Zero, p1 = p0, p2 = p0, p3 = p0;
            int v = 0;
            for (; v + 4 <= vectors.Length; v += 4)
            {
                p0 += vectors[v] - vectors[v];
                p1 += vectors[v + 1] - vectors[v + 1];
                p2 += vectors[v + 2] - vectors[v + 2];
                p3 += vectors[v + 3] - vectors[v + 3];
            }
            for (; v < vectors.Length; v++) p0 += vectors[v] - vectors[v];
            // Only where the sums show a NaN does the scalar pass below look for where it is.
            if ((p0 + p1 + p2 + p3) == Vector<T>.Zero) i = vectors.Length * Vector<T>.Count;
        }
        for (; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return i;
        return -1;
    }
}
