namespace Bridge;

/// <summary>
/// How a training step turns the gradient g = ∂E/∂w into a change of every weight w (kernels and biases alike).
/// Each backend implements these formulas with its own library; <see cref="Backends.ReferenceOptimizer"/> is the
/// float64 reading of them that tests hold backends to.
/// </summary>
public abstract record Optimizer
{
    /// <summary>The step size L (the lecture's learning rate; η in many texts).</summary>
    public abstract double LearningRate { get; }

    /// <summary>The names of the per-weight state this optimizer keeps ("velocity"; "m", "v").</summary>
    public abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>Checks the hyper-parameters; throws <see cref="ArgumentException"/> naming the one that is wrong.</summary>
    public abstract void Validate();

    /// <summary>A one-line description with every hyper-parameter, for reports.</summary>
    public abstract string Describe();

    public sealed override string ToString() => Describe();
}

/// <summary>
/// Stochastic gradient descent, with optional momentum μ and Nesterov momentum.
/// <list type="bullet">
/// <item>Plain (μ = 0): w ← w − L·g. With the lecture's δ this is dw_ij = L·o_i·δ_j (averaged over the batch).</item>
/// <item>Momentum: v ← μ·v − L·g; w ← w + v. (v starts at 0.)</item>
/// <item>Nesterov: v ← μ·v − L·g; w ← w + μ·v − L·g (the new v).</item>
/// </list>
/// This is Keras's and scikit-learn's form. torch.optim.SGD keeps b ← μ·b + g and steps w ← w − L·b
/// (Nesterov: w ← w − L·(g + μ·b)); with a constant L, v = −L·b, so the two forms give the same weights.
/// </summary>
public sealed record Sgd(double LearningRate = 0.01, double Momentum = 0.0, bool Nesterov = false) : Optimizer
{
    public override double LearningRate { get; } = LearningRate;

    public override IReadOnlyList<string> SlotNames => Momentum == 0 ? [] : ["velocity"];

    public override void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"SGD learning rate must be a positive finite number, got {LearningRate}.");
        if (!(Momentum >= 0 && Momentum < 1))
            throw new ArgumentException($"SGD momentum must be in [0, 1), got {Momentum}.");
        if (Nesterov && Momentum == 0)
            throw new ArgumentException("Nesterov momentum needs a momentum above 0.");
    }

    public override string Describe() =>
        Momentum == 0 ? $"sgd(lr={LearningRate:G6})"
        : $"sgd(lr={LearningRate:G6}, momentum={Momentum:G6}{(Nesterov ? ", nesterov" : "")})";
}

/// <summary>
/// Adam (Kingma &amp; Ba, Algorithm 1), per weight, with t counting steps from 1:
/// m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
/// m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);  w ← w − L·m̂ / (√v̂ + ε).
/// torch.optim.Adam computes exactly this. Keras and scikit-learn add ε to √v instead of √v̂, which is this
/// formula with ε·√(1 − β2^t) in place of ε; their adapters pass that value each step so all backends agree.
/// </summary>
public sealed record Adam(double LearningRate = 0.001, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8)
    : Optimizer
{
    public override double LearningRate { get; } = LearningRate;

    public override IReadOnlyList<string> SlotNames => ["m", "v"];

    public override void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"Adam learning rate must be a positive finite number, got {LearningRate}.");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"Adam beta1 must be in [0, 1), got {Beta1}.");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Adam beta2 must be in [0, 1), got {Beta2}.");
        if (!(Epsilon > 0)) throw new ArgumentException($"Adam epsilon must be above 0, got {Epsilon}.");
    }

    public override string Describe() =>
        $"adam(lr={LearningRate:G6}, beta1={Beta1:G6}, beta2={Beta2:G6}, epsilon={Epsilon:G6})";

    /// <summary>The ε that Keras's and scikit-learn's form (ε added to √v) needs at step t to compute this formula.</summary>
    public double EpsilonOnRawSecondMoment(long step) => Epsilon * Math.Sqrt(1 - Math.Pow(Beta2, step));
}
