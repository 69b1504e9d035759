using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// The facade's optimizers on the device, written with the operations of torch.optim's SGD and Adam in the same order
/// (so the same numbers), but with every Scalar owned here: created once (or once per step where it changes), kept
/// alive until the native call that reads it has returned, and disposed deterministically.
/// <para>Why not torch.optim itself: in TorchSharp 0.107, <c>SGD.step</c> and <c>Adam.step</c> pass C# doubles where
/// libtorch takes a Scalar (<c>buf.mul_(momentum).add_(grad, alpha: 1 - dampening)</c>, <c>param.add_(grad, alpha:
/// -lr)</c>, <c>addcmul_(…, value: 1 - beta2)</c>, <c>addcdiv_(…, value: -step_size)</c>). Each becomes a Scalar by
/// implicit conversion: an object with a finaliser that nothing references once its handle has been passed, so a
/// collection started by any other thread during the native call finalises it, and libtorch reads a freed Scalar
/// ("Expected false to be true" from Scalar::toDouble, or "Unknown scalar type").</para>
/// <para>The state is kept in tensors shaped like the parameters, and converts to Bridge's canonical form: SGD's
/// momentum buffer b (b ← μ·b + g, w ← w − L·b, or with Nesterov w ← w − L·(g + μ·b)) is the canonical velocity
/// v = −L·b (zero before the first step, where torch's b = g is μ·0 + g); Adam's m and v are Bridge's m and v, its
/// step count is t.</para>
/// </summary>
internal abstract class DeviceOptimizer : IDisposable
{
    protected DeviceOptimizer(Parameter[] parameters, int slots)
    {
        Parameters = parameters;
        State = new Tensor[slots][];
        using var scope = torch.NewDisposeScope();
        for (int s = 0; s < slots; s++)
        {
            State[s] = new Tensor[parameters.Length];
            for (int p = 0; p < parameters.Length; p++) State[s][p] = torch.zeros_like(parameters[p]).DetachFromDisposeScope();
        }
    }

    /// <summary>The parameters in the order kernel, bias of layer 0, 1, ….</summary>
    protected Parameter[] Parameters { get; }

    /// <summary>State[slot][parameter], in torch's form.</summary>
    protected Tensor[][] State { get; }

    /// <summary>Steps taken (Adam's t).</summary>
    public long Steps { get; set; }

    public static DeviceOptimizer Create(Optimizer optimizer, Parameter[] parameters) => optimizer switch
    {
        Sgd sgd => new DeviceSgd(sgd, parameters),
        Adam adam => new DeviceAdam(adam, parameters),
        _ => throw new NotSupportedException($"The torch backend has no mapping for {optimizer.GetType().Name}."),
    };

    /// <summary>
    /// One update of every parameter from its gradient. Call inside a dispose scope (it owns the gradients' handles
    /// and the temporaries), without autograd.
    /// </summary>
    public void Step()
    {
        StepCore(Steps + 1);
        Steps++;
        GC.KeepAlive(this);
    }

    protected abstract void StepCore(long t);

    /// <summary>The canonical slot names, in the order of <see cref="State"/>.</summary>
    protected abstract string[] SlotNames { get; }

    /// <summary>Canonical value of slot <paramref name="slot"/> from torch's form (values already widened to double).</summary>
    protected virtual void ToCanonical(int slot, double[] values) { }

    /// <summary>torch's form of a canonical slot: the factor applied on the way in (1: none).</summary>
    protected virtual double FromCanonicalFactor(int slot) => 1;

    public OptimizerState GetState(ModelSpec spec, Func<int, Tensor, double[]> canonical)
    {
        var slots = new Dictionary<string, WeightSet>();
        var shapes = spec.LayerShapes();
        for (int s = 0; s < SlotNames.Length; s++)
        {
            var layers = new List<LayerWeights>();
            for (int l = 0; l < shapes.Count; l++)
            {
                var kernel = canonical(2 * l, State[s][2 * l]);
                var bias = canonical(2 * l + 1, State[s][2 * l + 1]);
                ToCanonical(s, kernel);
                ToCanonical(s, bias);
                layers.Add(new LayerWeights(shapes[l].Inputs, shapes[l].Outputs, kernel, bias));
            }
            slots[SlotNames[s]] = new WeightSet(spec.Precision, layers);
        }
        return new OptimizerState(Steps, slots);
    }

    /// <summary>Writes a canonical state (a missing slot, or a state of zero steps, reads as zeros).</summary>
    public void SetState(OptimizerState state, Func<int, WeightSet, Tensor> fromCanonical)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (int s = 0; s < SlotNames.Length; s++)
        {
            state.Slots.TryGetValue(SlotNames[s], out var slot);
            using var factor = FromCanonicalFactor(s).ToScalar();
            for (int p = 0; p < Parameters.Length; p++)
            {
                if (slot is null || state.Steps == 0) State[s][p].zero_();
                else State[s][p].copy_(fromCanonical(p, slot).mul_(factor));
            }
        }
        Steps = state.Steps;
    }

    /// <summary>A copy of the state on the device (for rolling back queued steps).</summary>
    public (Tensor[][] Slots, long Steps) Snapshot()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return (State.Select(slot => slot.Select(t => t.clone().DetachFromDisposeScope()).ToArray()).ToArray(), Steps);
    }

    public void Restore((Tensor[][] Slots, long Steps) snapshot)
    {
        using var noGrad = torch.no_grad();
        for (int s = 0; s < State.Length; s++)
            for (int p = 0; p < Parameters.Length; p++) State[s][p].copy_(snapshot.Slots[s][p]);
        Steps = snapshot.Steps;
    }

    public virtual void Dispose()
    {
        foreach (var slot in State)
            foreach (var t in slot) t.Dispose();
    }
}

/// <summary>torch.optim.SGD(lr = L, momentum = μ, dampening = 0, nesterov), step for step.</summary>
internal sealed class DeviceSgd : DeviceOptimizer
{
    private readonly Sgd _spec;
    private readonly Scalar _descent, _momentum, _one;

    public DeviceSgd(Sgd spec, Parameter[] parameters) : base(parameters, spec.Momentum == 0 ? 0 : 1)
    {
        _spec = spec;
        _descent = (-spec.LearningRate).ToScalar();
        _momentum = spec.Momentum.ToScalar();
        _one = 1.0.ToScalar();
    }

    protected override string[] SlotNames => _spec.Momentum == 0 ? [] : ["velocity"];

    protected override void StepCore(long t)
    {
        for (int p = 0; p < Parameters.Length; p++)
        {
            var grad = Parameters[p].grad;
            if (grad is null) continue;
            Tensor direction = grad;
            if (_spec.Momentum != 0)
            {
                var buffer = State[0][p];
                buffer.mul_(_momentum).add_(grad, _one);
                direction = _spec.Nesterov ? grad.add(buffer, _momentum) : buffer;
            }
            Parameters[p].add_(direction, _descent);
        }
    }

    // v = −L·b and back.
    protected override void ToCanonical(int slot, double[] values)
    {
        for (int i = 0; i < values.Length; i++) values[i] *= -_spec.LearningRate;
    }

    protected override double FromCanonicalFactor(int slot) => -1.0 / _spec.LearningRate;

    public override void Dispose()
    {
        base.Dispose();
        _descent.Dispose();
        _momentum.Dispose();
        _one.Dispose();
    }
}

/// <summary>torch.optim.Adam(lr, (β1, β2), eps), step for step: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w − (L / (1−β1ᵗ))·m / (√v / √(1−β2ᵗ) + ε).</summary>
internal sealed class DeviceAdam : DeviceOptimizer
{
    private readonly Adam _spec;
    private readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _epsilon, _one;

    public DeviceAdam(Adam spec, Parameter[] parameters) : base(parameters, 2)
    {
        _spec = spec;
        _beta1 = spec.Beta1.ToScalar();
        _oneMinusBeta1 = (1 - spec.Beta1).ToScalar();
        _beta2 = spec.Beta2.ToScalar();
        _oneMinusBeta2 = (1 - spec.Beta2).ToScalar();
        _epsilon = spec.Epsilon.ToScalar();
        _one = 1.0.ToScalar();
    }

    protected override string[] SlotNames => ["m", "v"];

    protected override void StepCore(long t)
    {
        double correction1 = 1 - Math.Pow(_spec.Beta1, t);
        double correction2 = 1 - Math.Pow(_spec.Beta2, t);
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var stepSize = (-(_spec.LearningRate / correction1)).ToScalar();
        for (int p = 0; p < Parameters.Length; p++)
        {
            var grad = Parameters[p].grad;
            if (grad is null) continue;
            var (m, v) = (State[0][p], State[1][p]);
            m.mul_(_beta1).add_(grad, _oneMinusBeta1);
            v.mul_(_beta2).addcmul_(grad, grad, _oneMinusBeta2);
            var denominator = v.sqrt();
            // add_(ε) alone would make its alpha of 1 a Scalar of TorchSharp's own, by implicit conversion.
            denominator.div_(rootCorrection2).add_(_epsilon, _one);
            Parameters[p].addcdiv_(m, denominator, stepSize);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _beta1.Dispose();
        _oneMinusBeta1.Dispose();
        _beta2.Dispose();
        _oneMinusBeta2.Dispose();
        _epsilon.Dispose();
        _one.Dispose();
    }
}
