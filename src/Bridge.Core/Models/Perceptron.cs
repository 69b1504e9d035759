namespace Bridge;

/// <summary>
/// The lecture's single perceptron: n inputs fully connected to one (or k) logistic output nodes,
/// o = f(z), z = Σ_i w_i·x_i + b, f the logistic function. It fires when o exceeds the threshold θ
/// (<see cref="Threshold"/>), which is what <c>Classify</c> reports.
/// </summary>
public sealed record Perceptron : ModelSpec
{
    public Perceptron(int inputs, int outputs = 1) : base(inputs)
    {
        Layers = [new Dense(outputs, Activation.Sigmoid)];
    }

    public override IReadOnlyList<Dense> Layers { get; }

    public override string Kind => "perceptron";

    /// <summary>The firing threshold θ on the output o = f(z). Default 0.5, i.e. z &gt; 0.</summary>
    public double Threshold { get; init; } = 0.5;

    public override void Validate()
    {
        base.Validate();
        if (!(Threshold > 0 && Threshold < 1))
            throw new ArgumentException($"The firing threshold θ must lie strictly between 0 and 1 (the logistic output's range), got {Threshold}.");
    }
}
