using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    public bool SetSumFinite(ParameterSet<T> first, ParameterSet<T> second)
    {
        bool finite = true;
        for (int a = 0; a < Arrays.Length; a++) finite &= SumFinite(first.Arrays[a], second.Arrays[a], Arrays[a]);
        return finite;
    }

    /// <summary>sum = a + b; s − s is 0 for a finite s and NaN otherwise, and OR-ing those bits keeps any NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SumFinite(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> sum)
    {
        var av = MemoryMarshal.Cast<T, Vector<T>>(a);
        var bv = MemoryMarshal.Cast<T, Vector<T>>(b);
        var sv = MemoryMarshal.Cast<T, Vector<T>>(sum);
        var spoiled = Vector<T>.Zero;
        for (int v = 0; v < sv.Length; v++)
        {
            var s = av[v] + bv[v];
            sv[v] = s;
            spoiled |= s - s;
        }
        bool finite = spoiled == Vector<T>.Zero;
        for (int i = sv.Length * Vector<T>.Count; i < sum.Length; i++)
        {
            sum[i] = a[i] + b[i];
            finite &= T.IsFinite(sum[i]);
        }
        return finite;
    }
}
