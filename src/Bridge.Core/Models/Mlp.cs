namespace Bridge;

/// <summary>
/// A multi-layer perceptron: any stack of dense layers, each with its own activation.
/// <code>new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax))</code>
/// </summary>
public sealed record Mlp : ModelSpec
{
    public Mlp(int inputs, params IEnumerable<Dense> layers) : base(inputs)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Layers = layers.ToArray();
    }

    public override IReadOnlyList<Dense> Layers { get; }

    public override string Kind => "mlp";
}
