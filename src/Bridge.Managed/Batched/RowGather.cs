using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Batched;

/// <summary>Chosen rows of a float64 matrix, converted to T into consecutive rows of a buffer.</summary>
internal static class RowGather<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// target row k = source row rows[k] (every row <paramref name="width"/> values), rounded to nearest as (float)
    /// rounds. The indices are checked by the caller. For float, four values a conversion in one pointer loop: called
    /// once a row, span slicing and the generic conversion's setup cost as much as the conversion itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Convert(double[] source, int width, ReadOnlySpan<int> rows, Span<T> target)
    {
        if (target.Length < rows.Length * width)
            throw new ArgumentException($"{rows.Length} rows of {width} need {rows.Length * width} values; the buffer has {target.Length}.");
        if (typeof(T) != typeof(float) || !Avx.IsSupported)
        {
            for (int k = 0; k < rows.Length; k++)
                BatchedOptimizer<T>.FromDouble(source.AsSpan(rows[k] * width, width), target.Slice(k * width, width));
            return;
        }
        fixed (double* from = source)
        fixed (T* to = target)
        {
            float* output = (float*)to;
            for (int k = 0; k < rows.Length; k++)
            {
                double* row = from + (long)rows[k] * width;
                float* converted = output + k * width;
                int c = 0;
                for (; c + 4 <= width; c += 4) Sse.Store(converted + c, Avx.ConvertToVector128Single(Avx.LoadVector256(row + c)));
                for (; c < width; c++) converted[c] = (float)row[c];
            }
        }
    }
}
