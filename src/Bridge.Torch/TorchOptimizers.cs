using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// The facade's optimizers as torch.optim optimizers, and their state in Bridge's canonical form.
/// <list type="bullet">
/// <item><see cref="Sgd"/> → torch.optim.SGD(lr = L, momentum = μ, dampening = 0, nesterov). torch keeps the buffer
/// b ← μ·b + g (b = g on the first step, which is μ·0 + g) and steps w ← w − L·b, or with Nesterov w ← w − L·(g + μ·b).
/// Bridge's canonical velocity is v ← μ·v − L·g, w ← w + v; with a constant L, v = −L·b step for step, so both give
/// the same weights, and the state converts as v = −L·b.</item>
/// <item><see cref="Adam"/> → torch.optim.Adam(lr, (β1, β2), eps); torch computes exactly Bridge's formula
/// (ε added to √v̂). Its exp_avg and exp_avg_sq are Bridge's m and v, its per-parameter step is t.</item>
/// </list>
/// </summary>
internal static class TorchOptimizers
{
    public static optim.Optimizer Create(Optimizer optimizer, IReadOnlyList<Parameter> parameters) => optimizer switch
    {
        Sgd sgd => optim.SGD(parameters, sgd.LearningRate, sgd.Momentum, dampening: 0, weight_decay: 0, nesterov: sgd.Nesterov),
        Adam adam => optim.Adam(parameters, adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, weight_decay: 0, amsgrad: false),
        _ => throw new NotSupportedException($"The torch backend has no mapping for {optimizer.GetType().Name}."),
    };

    /// <summary>Reads the state, per parameter in the order kernel, bias of layer 0, 1, …, as canonical slots.</summary>
    public static OptimizerState GetState(optim.Optimizer optimizer, Optimizer spec, ModelSpec model, long steps, int parameterCount,
        Func<int, Tensor, double[]> toCanonical)
    {
        var states = optimizer is OptimizerHelper helper ? helper.state_dict().State : throw new NotSupportedException("Unknown torch optimizer.");
        var slots = new Dictionary<string, WeightSet>();
        switch (spec)
        {
            case Sgd { Momentum: 0 }:
                break;
            case Sgd sgd:
            {
                var values = new double[parameterCount][];
                for (int p = 0; p < parameterCount; p++)
                {
                    var buffer = ((SGD.State)states[p]).momentum_buffer;
                    values[p] = buffer is null ? null! : toCanonical(p, buffer);
                    if (values[p] is not null)
                        for (int i = 0; i < values[p].Length; i++) values[p][i] *= -sgd.LearningRate;
                }
                slots["velocity"] = Assemble(model, values);
                break;
            }
            case Adam:
            {
                var m = new double[parameterCount][];
                var v = new double[parameterCount][];
                for (int p = 0; p < parameterCount; p++)
                {
                    var state = (TorchSharp.Modules.Adam.State)states[p];
                    m[p] = toCanonical(p, state.exp_avg);
                    v[p] = toCanonical(p, state.exp_avg_sq);
                }
                slots["m"] = Assemble(model, m);
                slots["v"] = Assemble(model, v);
                break;
            }
        }
        return new OptimizerState(steps, slots);
    }

    /// <summary>Writes a canonical state into the torch optimizer's per-parameter state.</summary>
    public static void SetState(optim.Optimizer optimizer, Optimizer spec, OptimizerState state, int parameterCount,
        Func<int, WeightSet, Tensor> fromCanonical)
    {
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        switch (spec)
        {
            case Sgd { Momentum: 0 }:
                break;
            case Sgd sgd:
            {
                state.Slots.TryGetValue("velocity", out var velocity);
                for (int p = 0; p < parameterCount; p++)
                {
                    var s = (SGD.State)states[p];
                    s.momentum_buffer?.Dispose();
                    s.momentum_buffer = null!;
                    if (velocity is null || state.Steps == 0) continue;
                    using var scope = torch.NewDisposeScope();
                    // b = −v / L
                    s.momentum_buffer = fromCanonical(p, velocity).mul(-1.0 / sgd.LearningRate).detach().MoveToOuterDisposeScope();
                }
                break;
            }
            case Adam:
            {
                state.Slots.TryGetValue("m", out var m);
                state.Slots.TryGetValue("v", out var v);
                for (int p = 0; p < parameterCount; p++)
                {
                    var s = (TorchSharp.Modules.Adam.State)states[p];
                    s.step = state.Steps;
                    using var scope = torch.NewDisposeScope();
                    using (torch.no_grad())
                    {
                        if (m is null) s.exp_avg.zero_(); else s.exp_avg.copy_(fromCanonical(p, m));
                        if (v is null) s.exp_avg_sq.zero_(); else s.exp_avg_sq.copy_(fromCanonical(p, v));
                    }
                }
                break;
            }
        }
    }

    /// <summary>Per-parameter arrays (kernel, bias, kernel, bias, …) as a weight set; a missing buffer reads as zeros.</summary>
    private static WeightSet Assemble(ModelSpec model, double[][] values)
    {
        var shapes = model.LayerShapes();
        var layers = new List<LayerWeights>();
        for (int l = 0; l < shapes.Count; l++)
        {
            var (inputs, outputs) = shapes[l];
            layers.Add(new LayerWeights(inputs, outputs,
                values[2 * l] ?? new double[inputs * outputs], values[2 * l + 1] ?? new double[outputs]));
        }
        return new WeightSet(model.Precision, layers);
    }
}
