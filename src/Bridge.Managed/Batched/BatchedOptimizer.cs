using System.Numerics;

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
    public void Step(IReadOnlyList<T[]> parameters, IReadOnlyList<T[]> gradients)
    {
        Steps++;
        for (int p = 0; p < parameters.Count; p++) Step(p, parameters[p], gradients[p]);
    }

    private void Step(int index, T[] w, T[] g)
    {
        switch (_optimizer)
        {
            case Sgd { Momentum: 0 } sgd:
            {
                T lr = T.CreateChecked(sgd.LearningRate);
                for (int k = 0; k < w.Length; k++) w[k] -= lr * g[k];
                break;
            }
            case Sgd sgd:
            {
                T lr = T.CreateChecked(sgd.LearningRate), mu = T.CreateChecked(sgd.Momentum);
                var v = _slots[0][index];
                for (int k = 0; k < w.Length; k++)
                {
                    v[k] = mu * v[k] - lr * g[k];
                    w[k] += sgd.Nesterov ? mu * v[k] - lr * g[k] : v[k];
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
                var v = _slots[1][index];
                for (int k = 0; k < w.Length; k++)
                {
                    m[k] = beta1 * m[k] + (T.One - beta1) * g[k];
                    v[k] = beta2 * v[k] + (T.One - beta2) * g[k] * g[k];
                    // w ← w − (L / (1 − β1^t))·m / (√v / √(1 − β2^t) + ε) = w − L·m̂ / (√v̂ + ε)
                    w[k] -= stepSize * m[k] / (T.Sqrt(v[k]) / correction2Sqrt + eps);
                }
                break;
            }
            default:
                throw new NotSupportedException($"The managed engine has no implementation of {_optimizer.GetType().Name}.");
        }
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
        foreach (var (name, slot) in state.Slots)
        {
            try { slot.EnsureMatches(spec); }
            catch (ArgumentException e) { throw new ArgumentException($"Optimizer slot '{name}': {e.Message}", e); }
        }
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

    internal static void FromDouble(ReadOnlySpan<double> values, Span<T> target)
    {
        for (int i = 0; i < values.Length; i++) target[i] = T.CreateChecked(values[i]);
    }
}
