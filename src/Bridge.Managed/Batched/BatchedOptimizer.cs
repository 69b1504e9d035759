using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Managed.Batched;

/// <summary>
/// The optimizers of Optimizer.cs applied to whole parameter arrays in T. The formulas are the doc comments' ones,
/// in the same order of operations as torch.optim, so float32 results round the same way.
/// </summary>
internal sealed class BatchedOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Optimizer _optimizer;
    private readonly T[][][] _slots; // [slot][parameter array][element]

    public BatchedOptimizer(Optimizer optimizer, IReadOnlyList<T[]> parameters)
    {
        _optimizer = optimizer;
        _slots = optimizer.SlotNames.Select(_ => parameters.Select(p => new T[p.Length]).ToArray()).ToArray();
    }

    public long Steps { get; private set; }

    /// <summary>One step over every parameter array with its gradient array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(T[][] parameters, T[][] gradients)
    {
        Steps++;
        for (int p = 0; p < parameters.Length; p++) Step(p, parameters[p], gradients[p]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step(int index, T[] w, T[] g)
    {
        // Vectors first, then the remainder element by element: the same operations in the same order on every element.
        switch (_optimizer)
        {
            case Sgd { Momentum: 0 } sgd:
                Descend(w, g, T.CreateChecked(sgd.LearningRate));
                break;
            case Sgd sgd:
            {
                T lr = T.CreateChecked(sgd.LearningRate), mu = T.CreateChecked(sgd.Momentum);
                var velocity = _slots[0][index];
                var vw = MemoryMarshal.Cast<T, Vector<T>>(w.AsSpan());
                var vg = MemoryMarshal.Cast<T, Vector<T>>(g.AsSpan());
                var vv = MemoryMarshal.Cast<T, Vector<T>>(velocity.AsSpan());
                var vlr = new Vector<T>(lr);
                var vmu = new Vector<T>(mu);
                for (int v = 0; v < vw.Length; v++)
                {
                    vv[v] = vmu * vv[v] - vlr * vg[v];
                    vw[v] += sgd.Nesterov ? vmu * vv[v] - vlr * vg[v] : vv[v];
                }
                for (int k = vw.Length * Vector<T>.Count; k < w.Length; k++)
                {
                    velocity[k] = mu * velocity[k] - lr * g[k];
                    w[k] += sgd.Nesterov ? mu * velocity[k] - lr * g[k] : velocity[k];
                }
                break;
            }
            case Adam adam:
            {
                T lr = T.CreateChecked(adam.LearningRate);
                T beta1 = T.CreateChecked(adam.Beta1), beta2 = T.CreateChecked(adam.Beta2), eps = T.CreateChecked(adam.Epsilon);
                T correction1 = T.CreateChecked(1 - Math.Pow(adam.Beta1, Steps));
                T correction2Sqrt = T.CreateChecked(Math.Sqrt(1 - Math.Pow(adam.Beta2, Steps)));
                T stepSize = lr / correction1;
                var m = _slots[0][index];
                var v2 = _slots[1][index];
                var vw = MemoryMarshal.Cast<T, Vector<T>>(w.AsSpan());
                var vg = MemoryMarshal.Cast<T, Vector<T>>(g.AsSpan());
                var vm = MemoryMarshal.Cast<T, Vector<T>>(m.AsSpan());
                var vv = MemoryMarshal.Cast<T, Vector<T>>(v2.AsSpan());
                Vector<T> b1 = new(beta1), b2 = new(beta2), one = Vector<T>.One, c2 = new(correction2Sqrt), e = new(eps), size = new(stepSize);
                for (int i = 0; i < vw.Length; i++)
                {
                    vm[i] = b1 * vm[i] + (one - b1) * vg[i];
                    vv[i] = b2 * vv[i] + (one - b2) * vg[i] * vg[i];
                    // w ← w − (L / (1 − β1^t))·m / (√v / √(1 − β2^t) + ε) = w − L·m̂ / (√v̂ + ε)
                    vw[i] -= size * vm[i] / (Vector.SquareRoot(vv[i]) / c2 + e);
                }
                for (int k = vw.Length * Vector<T>.Count; k < w.Length; k++)
                {
                    m[k] = beta1 * m[k] + (T.One - beta1) * g[k];
                    v2[k] = beta2 * v2[k] + (T.One - beta2) * g[k] * g[k];
                    w[k] -= stepSize * m[k] / (T.Sqrt(v2[k]) / correction2Sqrt + eps);
                }
                break;
            }
            default:
                throw new NotSupportedException($"The managed engine has no implementation of {_optimizer.GetType().Name}.");
        }
    }

    /// <summary>This optimizer's state made equal to <paramref name="other"/>'s (same spec, so the same slots and sizes).</summary>
    public void CopyFrom(BatchedOptimizer<T> other)
    {
        for (int s = 0; s < _slots.Length; s++)
            for (int p = 0; p < _slots[s].Length; p++)
                other._slots[s][p].CopyTo(_slots[s][p], 0);
        Steps = other.Steps;
    }

    /// <summary>
    /// w −= lr·g: vectors first, then the rest one by one (the same operations on every element), without a bounds check
    /// inside the loop (a step of a small net spends more time in those than in the arithmetic).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Descend(T[] w, T[] g, T lr)
    {
        if (g.Length != w.Length) throw new ArgumentException($"{w.Length} parameters need as many gradients; got {g.Length}.");
        ref T weights = ref MemoryMarshal.GetArrayDataReference(w);
        ref T gradients = ref MemoryMarshal.GetArrayDataReference(g);
        var rate = new Vector<T>(lr);
        int width = Vector<T>.Count, i = 0;
        for (; i + width <= w.Length; i += width)
            (Vector.LoadUnsafe(ref weights, (nuint)i) - rate * Vector.LoadUnsafe(ref gradients, (nuint)i)).StoreUnsafe(ref weights, (nuint)i);
        for (; i < w.Length; i++) Unsafe.Add(ref weights, i) -= lr * Unsafe.Add(ref gradients, i);
    }

    /// <summary>The state in canonical form: slots as weight sets (parameters come in kernel, bias order per layer).</summary>
    public OptimizerState GetState(ModelSpec spec)
    {
        var slots = new Dictionary<string, WeightSet>();
        for (int s = 0; s < _slots.Length; s++)
        {
            var layers = new List<LayerWeights>();
            var shapes = spec.LayerShapes();
            for (int l = 0; l < shapes.Count; l++)
                layers.Add(new LayerWeights(shapes[l].Inputs, shapes[l].Outputs,
                    ToDouble(_slots[s][2 * l]), ToDouble(_slots[s][2 * l + 1])));
            slots[_optimizer.SlotNames[s]] = new WeightSet(spec.Precision, layers);
        }
        return new OptimizerState(Steps, slots);
    }

    public void SetState(OptimizerState state, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Steps < 0) throw new ArgumentException($"An optimizer state cannot have {state.Steps} steps.");
        foreach (var name in state.Slots.Keys)
            if (!_optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {_optimizer.Describe()}.");
        state.EnsureSlotsMatch(spec);
        for (int s = 0; s < _slots.Length; s++)
        {
            if (!state.Slots.TryGetValue(_optimizer.SlotNames[s], out var slot))
            {
                foreach (var array in _slots[s]) Array.Clear(array);
                continue;
            }
            for (int l = 0; l < slot.Layers.Count; l++)
            {
                FromDouble(slot.Layers[l].Kernel, _slots[s][2 * l]);
                FromDouble(slot.Layers[l].Bias, _slots[s][2 * l + 1]);
            }
        }
        Steps = state.Steps;
    }

    internal static double[] ToDouble(T[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = double.CreateChecked(values[i]);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FromDouble(ReadOnlySpan<double> values, Span<T> target)
    {
        if (typeof(T) == typeof(double))
        {
            values.CopyTo(MemoryMarshal.Cast<T, double>(target));
            return;
        }
        if (typeof(T) == typeof(float))
        {
            // Round to nearest, as (float) does, eight at a time.
            var floats = MemoryMarshal.Cast<T, float>(target);
            int i = 0;
            for (; i + 8 <= values.Length; i += 8)
                Vector256.Narrow(Vector256.Create(values.Slice(i, 4)), Vector256.Create(values.Slice(i + 4, 4))).CopyTo(floats.Slice(i, 8));
            for (; i < values.Length; i++) floats[i] = (float)values[i];
            return;
        }
        for (int i = 0; i < values.Length; i++) target[i] = T.CreateChecked(values[i]);
    }
}
