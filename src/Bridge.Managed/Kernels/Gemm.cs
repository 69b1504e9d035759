using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Managed.Kernels;

/// <summary>
/// The three matrix products backpropagation needs, on row-major spans, vectorised along the contiguous axis:
/// forward C = A·B + bias, backward to the previous layer C = D·Wᵀ, and the weight gradient C = Aᵀ·D. float and
/// double go to <see cref="GemmDriver{T, TKernels}"/> with the tiles of <see cref="Sgemm"/> or <see cref="Dgemm"/>
/// where the processor has AVX2 and FMA; the loops below are the fallback elsewhere.
/// The engine's loops are marked AggressiveOptimization: compiled optimised at their first call instead of running
/// unoptimised code until tiered compilation catches up, which on a busy two-core machine took over a second of
/// training (the first epochs ran several times slower).
/// </summary>
internal static class Gemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>C[n×m] = A[n×k]·B[k×m] + bias[m] (bias broadcast over rows; empty bias: none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAddBias(ReadOnlySpan<T> a, int n, int k, ReadOnlySpan<T> b, int m, ReadOnlySpan<T> bias, Span<T> c)
    {
        if (typeof(T) == typeof(float) && GemmDriver.Supported)
        {
            Sgemm.MultiplyAddBias(MemoryMarshal.Cast<T, float>(a), n, k, MemoryMarshal.Cast<T, float>(b), m,
                MemoryMarshal.Cast<T, float>(bias), MemoryMarshal.Cast<T, float>(c));
            return;
        }
        if (typeof(T) == typeof(double) && GemmDriver.Supported)
        {
            Dgemm.MultiplyAddBias(MemoryMarshal.Cast<T, double>(a), n, k, MemoryMarshal.Cast<T, double>(b), m,
                MemoryMarshal.Cast<T, double>(bias), MemoryMarshal.Cast<T, double>(c));
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var row = c.Slice(i * m, m);
            if (bias.IsEmpty) row.Clear();
            else bias.CopyTo(row);
            var aRow = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                T scale = aRow[p];
                // Zero inputs (blank pixels, dead relu units) add nothing; skipping them is exact.
                if (scale == T.Zero) continue;
                AddScaled(row, b.Slice(p * m, m), scale);
            }
        }
    }

    /// <summary>C[n×k] = D[n×m]·W[k×m]ᵀ. <paramref name="scratch"/> holds at least k·m values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposedB(ReadOnlySpan<T> d, int n, int m, ReadOnlySpan<T> w, int k, Span<T> c, Span<T> scratch)
    {
        if ((typeof(T) == typeof(float) && GemmDriver.Supported) || (typeof(T) == typeof(double) && GemmDriver.Supported))
        {
            // Through Wᵀ, C = D·Wᵀ is a plain product the fast kernel runs.
            var wt = scratch[..(k * m)];
            Transposition.Transpose(w, k, m, wt);
            MultiplyAddBias(d, n, m, wt, k, ReadOnlySpan<T>.Empty, c);
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var dRow = d.Slice(i * m, m);
            var cRow = c.Slice(i * k, k);
            for (int p = 0; p < k; p++) cRow[p] = Dot(dRow, w.Slice(p * m, m));
        }
    }

    /// <summary>C[k×m] = A[n×k]ᵀ·D[n×m].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposedA(ReadOnlySpan<T> a, int n, int k, ReadOnlySpan<T> d, int m, Span<T> c)
    {
        if (typeof(T) == typeof(float) && GemmDriver.Supported)
        {
            Sgemm.MultiplyTransposedA(MemoryMarshal.Cast<T, float>(a), n, k, MemoryMarshal.Cast<T, float>(d), m, MemoryMarshal.Cast<T, float>(c));
            return;
        }
        if (typeof(T) == typeof(double) && GemmDriver.Supported)
        {
            Dgemm.MultiplyTransposedA(MemoryMarshal.Cast<T, double>(a), n, k, MemoryMarshal.Cast<T, double>(d), m, MemoryMarshal.Cast<T, double>(c));
            return;
        }
        c.Clear();
        for (int i = 0; i < n; i++)
        {
            var aRow = a.Slice(i * k, k);
            var dRow = d.Slice(i * m, m);
            for (int p = 0; p < k; p++)
            {
                T scale = aRow[p];
                if (scale == T.Zero) continue;
                AddScaled(c.Slice(p * m, m), dRow, scale);
            }
        }
    }

    /// <summary>
    /// sums[m] = Σ_i D[i, ·]: the bias gradient. Each column adds its rows in row order from zero; four vectors of
    /// columns at a time are summed in registers over all rows, rather than loaded, added and stored back row by row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(ReadOnlySpan<T> d, int n, int m, Span<T> sums)
    {
        if (d.Length < n * m || sums.Length < m)
            throw new ArgumentException($"Column sums of {n}×{m} need {n * m} values and {m} sums; got {d.Length} and {sums.Length}.");
        ref T source = ref MemoryMarshal.GetReference(d);
        ref T target = ref MemoryMarshal.GetReference(sums);
        int width = Vector<T>.Count, j = 0;
        for (; j + 4 * width <= m; j += 4 * width)
        {
            Vector<T> s0 = Vector<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (int i = 0; i < n; i++)
            {
                ref T row = ref Unsafe.Add(ref source, i * m + j);
                s0 += Vector.LoadUnsafe(ref row);
                s1 += Vector.LoadUnsafe(ref row, (nuint)width);
                s2 += Vector.LoadUnsafe(ref row, (nuint)(2 * width));
                s3 += Vector.LoadUnsafe(ref row, (nuint)(3 * width));
            }
            s0.StoreUnsafe(ref target, (nuint)j);
            s1.StoreUnsafe(ref target, (nuint)(j + width));
            s2.StoreUnsafe(ref target, (nuint)(j + 2 * width));
            s3.StoreUnsafe(ref target, (nuint)(j + 3 * width));
        }
        for (; j + width <= m; j += width)
        {
            var sum = Vector<T>.Zero;
            for (int i = 0; i < n; i++) sum += Vector.LoadUnsafe(ref Unsafe.Add(ref source, i * m + j));
            sum.StoreUnsafe(ref target, (nuint)j);
        }
        for (; j < m; j++)
        {
            T sum = T.Zero;
            for (int i = 0; i < n; i++) sum += Unsafe.Add(ref source, i * m + j);
            Unsafe.Add(ref target, j) = sum;
        }
    }

    /// <summary>y += scale·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(Span<T> y, ReadOnlySpan<T> x, T scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<T>.Count)
        {
            var vs = new Vector<T>(scale);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            for (int v = 0; v < yv.Length; v++) yv[v] += vs * xv[v];
            i = yv.Length * Vector<T>.Count;
        }
        for (; i < y.Length; i++) y[i] += scale * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
    {
        T sum = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            for (int v = 0; v < xv.Length; v++) acc += xv[v] * yv[v];
            sum = Vector.Sum(acc);
            i = xv.Length * Vector<T>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}
