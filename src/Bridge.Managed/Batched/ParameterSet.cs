using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bridge.Backends;

namespace Bridge.Managed.Batched;

/// <summary>
/// One array per kernel and per bias of every layer, in T: the weights, their gradients, or a part of a batch's
/// gradient sums. <see cref="Arrays"/> lists them kernel, bias, kernel, bias… as the optimizer takes them.
/// </summary>
internal sealed class ParameterSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ParameterSet(IReadOnlyList<(int Inputs, int Outputs)> shapes)
    {
        Kernels = shapes.Select(s => new T[s.Inputs * s.Outputs]).ToArray();
        Biases = shapes.Select(s => new T[s.Outputs]).ToArray();
        Arrays = Kernels.Zip(Biases).SelectMany(p => new[] { p.First, p.Second }).ToArray();
    }

    public T[][] Kernels { get; }
    public T[][] Biases { get; }
    public T[][] Arrays { get; }

    public void CopyFrom(ParameterSet<T> other)
    {
        for (int a = 0; a < Arrays.Length; a++) other.Arrays[a].CopyTo(Arrays[a], 0);
    }

    /// <summary>The first layer whose arrays are not all finite, or −1.</summary>
    public int FirstNonFiniteLayer()
    {
        for (int l = 0; l < Kernels.Length; l++)
            if (!FiniteScan.AllFinite<T>(Kernels[l]) || !FiniteScan.AllFinite<T>(Biases[l])) return l;
        return -1;
    }

    /// <summary>
    /// This = first + second, element by element (a batch's two halves' gradient sums, the first half's first), and
    /// whether every sum is finite: checked as the sums are made, one pass instead of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool SetSumFinite(ParameterSet<T> first, ParameterSet<T> second)
    {
        bool finite = true;
        for (int a = 0; a < Arrays.Length; a++) finite &= SumFinite(first.Arrays[a], second.Arrays[a], Arrays[a]);
        return finite;
    }

    /// <summary>
    /// sum = a + b; s − s is 0 for a finite s and NaN otherwise, and OR-ing those bits keeps any NaN. No bounds check
    /// inside the loop (the lengths are checked once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SumFinite(T[] a, T[] b, T[] sum)
    {
        if (a.Length != sum.Length || b.Length != sum.Length)
            throw new ArgumentException($"Adding {a.Length} and {b.Length} values into {sum.Length}.");
        ref T first = ref MemoryMarshal.GetArrayDataReference(a);
        ref T second = ref MemoryMarshal.GetArrayDataReference(b);
        ref T total = ref MemoryMarshal.GetArrayDataReference(sum);
        var spoiled = Vector<T>.Zero;
        int width = Vector<T>.Count, i = 0;
        for (; i + width <= sum.Length; i += width)
        {
            var s = Vector.LoadUnsafe(ref first, (nuint)i) + Vector.LoadUnsafe(ref second, (nuint)i);
            s.StoreUnsafe(ref total, (nuint)i);
            spoiled |= s - s;
        }
        bool finite = spoiled == Vector<T>.Zero;
        for (; i < sum.Length; i++)
        {
            T s = Unsafe.Add(ref first, i) + Unsafe.Add(ref second, i);
            Unsafe.Add(ref total, i) = s;
            finite &= T.IsFinite(s);
        }
        return finite;
    }
}
