namespace Bridge.Backends;

/// <summary>
/// The optimizers' formulas (<see cref="Sgd"/>, <see cref="Adam"/>) applied in float64 to a <see cref="WeightSet"/>,
/// one weight at a time, exactly as their doc comments write them. The teaching path of the managed engine and
/// the tests use it; it is the definition the faster implementations are held to.
/// </summary>
public sealed class ReferenceOptimizer
{
    private readonly Optimizer _optimizer;
    private readonly Dictionary<string, WeightSet> _slots = [];

    public ReferenceOptimizer(Optimizer optimizer)
    {
        optimizer.Validate();
        _optimizer = optimizer;
    }

    /// <summary>Steps taken so far (Adam's t after the next step is Steps + 1).</summary>
    public long Steps { get; private set; }

    public OptimizerState State => new(Steps, _slots.ToDictionary(s => s.Key, s => s.Value.Clone()));

    public void Restore(OptimizerState state)
    {
        foreach (var name in state.Slots.Keys)
            if (!_optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {_optimizer.Describe()}.");
        _slots.Clear();
        foreach (var (name, slot) in state.Slots) _slots[name] = slot.Clone();
        Steps = state.Steps;
    }

    /// <summary>Updates <paramref name="weights"/> in place from the gradients g = ∂E/∂w.</summary>
    public void Step(WeightSet weights, WeightSet gradients)
    {
        EnsureSlots(weights);
        Steps++;
        var precision = weights.Precision;
        for (int l = 0; l < weights.Layers.Count; l++)
        {
            StepArray(weights.Layers[l].Kernel, gradients.Layers[l].Kernel, l, isBias: false, precision);
            StepArray(weights.Layers[l].Bias, gradients.Layers[l].Bias, l, isBias: true, precision);
        }
    }

    private void StepArray(double[] w, double[] g, int layer, bool isBias, Precision precision)
    {
        switch (_optimizer)
        {
            case Sgd { Momentum: 0 } sgd:
                for (int k = 0; k < w.Length; k++) w[k] = precision.Round(w[k] - sgd.LearningRate * g[k]);
                break;
            case Sgd sgd:
            {
                var v = Slot("velocity", weights: w, layer, isBias);
                for (int k = 0; k < w.Length; k++)
                {
                    v[k] = precision.Round(sgd.Momentum * v[k] - sgd.LearningRate * g[k]);
                    double change = sgd.Nesterov ? sgd.Momentum * v[k] - sgd.LearningRate * g[k] : v[k];
                    w[k] = precision.Round(w[k] + change);
                }
                break;
            }
            case Adam adam:
            {
                var m = Slot("m", w, layer, isBias);
                var v = Slot("v", w, layer, isBias);
                double correction1 = 1 - Math.Pow(adam.Beta1, Steps);
                double correction2 = 1 - Math.Pow(adam.Beta2, Steps);
                for (int k = 0; k < w.Length; k++)
                {
                    m[k] = precision.Round(adam.Beta1 * m[k] + (1 - adam.Beta1) * g[k]);
                    v[k] = precision.Round(adam.Beta2 * v[k] + (1 - adam.Beta2) * g[k] * g[k]);
                    double mHat = m[k] / correction1;
                    double vHat = v[k] / correction2;
                    w[k] = precision.Round(w[k] - adam.LearningRate * mHat / (Math.Sqrt(vHat) + adam.Epsilon));
                }
                break;
            }
            default:
                throw new NotSupportedException($"No reference formula for {_optimizer.GetType().Name}.");
        }
    }

    private double[] Slot(string name, double[] weights, int layer, bool isBias)
    {
        var slot = _slots[name];
        var target = isBias ? slot.Layers[layer].Bias : slot.Layers[layer].Kernel;
        if (target.Length != weights.Length) throw new InvalidOperationException($"Slot '{name}' does not match layer {layer}.");
        return target;
    }

    /// <summary>Creates zero slots shaped like <paramref name="weights"/> where none exist yet.</summary>
    public void EnsureSlots(WeightSet weights)
    {
        foreach (var name in _optimizer.SlotNames)
            if (!_slots.ContainsKey(name)) _slots[name] = weights.ZerosLike();
    }
}
