using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Bridge.Backends;

namespace Bridge.Managed.Batched;

/// <summary>Chosen rows of a data set (float64 values, or bytes and their scale), converted to T into consecutive rows of a buffer.</summary>
internal static class RowGather<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// target row k = source row rows[k] (every row <paramref name="width"/> values), rounded to nearest as (float)
    /// rounds; true when every converted value is finite (a finite double beyond float's range is not). The indices are
    /// checked by the caller. For float, eight values a store in one pointer loop, checked while still in registers:
    /// called once a row, span slicing and the generic conversion's setup cost as much as the conversion itself, and a
    /// second pass over the converted batch to check it cost a third as much again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe bool Convert(double[] source, int width, ReadOnlySpan<int> rows, Span<T> target)
    {
        if (target.Length < rows.Length * width)
            throw new ArgumentException($"{rows.Length} rows of {width} need {rows.Length * width} values; the buffer has {target.Length}.");
        if (typeof(T) != typeof(float) || !Avx.IsSupported)
        {
            for (int k = 0; k < rows.Length; k++)
                BatchedOptimizer<T>.FromDouble(source.AsSpan(rows[k] * width, width), target.Slice(k * width, width));
            return FiniteScan.AllFinite<T>(target[..(rows.Length * width)]);
        }
        // x − x is +0 for a finite x and NaN for NaN and ±∞: OR-ed together, zero only if all are finite.
        var spoiled = Vector256<float>.Zero;
        bool finite = true;
        fixed (double* from = source)
        fixed (T* to = target)
        {
            float* output = (float*)to;
            for (int k = 0; k < rows.Length; k++)
            {
                double* row = from + (long)rows[k] * width;
                float* converted = output + k * width;
                int c = 0;
                for (; c + 8 <= width; c += 8)
                {
                    var eight = Vector256.Create(Avx.ConvertToVector128Single(Avx.LoadVector256(row + c)),
                        Avx.ConvertToVector128Single(Avx.LoadVector256(row + c + 4)));
                    Avx.Store(converted + c, eight);
                    spoiled |= eight - eight;
                }
                for (; c < width; c++)
                {
                    float value = (float)row[c];
                    converted[c] = value;
                    finite &= float.IsFinite(value);
                }
            }
        }
        return finite && spoiled == Vector256<float>.Zero;
    }

    /// <summary>
    /// target row k = the bytes of row rows[k] (every row <paramref name="width"/> bytes), each as byte × scale in
    /// float64 rounded to T: the value <see cref="FeatureRows"/> holds, as (T) of the float64 value rounds it. The
    /// caller checks the indices, and that 255 × scale is finite in T (then every value is).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ConvertBytes(ReadOnlySpan<byte> source, double scale, int width, ReadOnlySpan<int> rows, Span<T> target)
    {
        if (target.Length < rows.Length * width)
            throw new ArgumentException($"{rows.Length} rows of {width} need {rows.Length * width} values; the buffer has {target.Length}.");
        fixed (byte* from = source)
        fixed (T* to = target)
        {
            var scales = Vector256.Create(scale);
            for (int k = 0; k < rows.Length; k++)
            {
                byte* row = from + (long)rows[k] * width;
                T* converted = to + (long)k * width;
                int c = 0;
                if (Avx2.IsSupported)
                    for (; c + 8 <= width; c += 8)
                    {
                        // Eight bytes widened to int, to double (exact), times the scale: the float64 values themselves.
                        var ints = Avx2.ConvertToVector256Int32(row + c);
                        var low = Avx.ConvertToVector256Double(ints.GetLower()) * scales;
                        var high = Avx.ConvertToVector256Double(ints.GetUpper()) * scales;
                        if (typeof(T) == typeof(float))
                            Avx.Store((float*)converted + c, Vector256.Create(Avx.ConvertToVector128Single(low), Avx.ConvertToVector128Single(high)));
                        else if (typeof(T) == typeof(double))
                        {
                            Avx.Store((double*)converted + c, low);
                            Avx.Store((double*)converted + c + 4, high);
                        }
                        else break;
                    }
                for (; c < width; c++) converted[c] = T.CreateChecked(row[c] * scale);
            }
        }
    }
}
