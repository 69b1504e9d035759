namespace Bridge;

/// <summary>
/// What a model is, independent of any backend: its layers, loss, optimizer, precision and how its initial weights
/// are drawn. Every backend builds the same network from the same spec.
/// </summary>
public abstract record ModelSpec
{
    protected ModelSpec(int inputs)
    {
        Inputs = inputs;
    }

    /// <summary>The width of one input sample.</summary>
    public int Inputs { get; init; }

    /// <summary>Every layer, from the first hidden layer to the output layer.</summary>
    public abstract IReadOnlyList<Dense> Layers { get; }

    /// <summary>"perceptron", "mlp" or "autoencoder".</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// The loss. Default (null): categorical cross-entropy when the output layer is softmax, otherwise the lecture's
    /// half squared error.
    /// </summary>
    public Loss Loss
    {
        get => _loss ?? (Layers.Count > 0 && Layers[^1].Activation == Activation.Softmax
            ? Loss.CategoricalCrossEntropy
            : Loss.HalfSquaredError);
        init => _loss = value;
    }

    private Loss? _loss;

    /// <summary>The optimizer. Default: plain SGD with learning rate 0.1.</summary>
    public Optimizer Optimizer { get; init; } = new Sgd(0.1);

    /// <summary>The precision every backend computes in. Default: float64, the precision of truth.</summary>
    public Precision Precision { get; init; } = Precision.Float64;

    /// <summary>How initial weights are drawn. Default: Glorot uniform, biases 0.</summary>
    public WeightInit Init { get; init; } = WeightInit.GlorotUniform;

    public int Outputs => Layers[^1].Units;

    /// <summary>(inputs, outputs) of every layer's kernel.</summary>
    public IReadOnlyList<(int Inputs, int Outputs)> LayerShapes()
    {
        var shapes = new List<(int, int)>(Layers.Count);
        int previous = Inputs;
        foreach (var layer in Layers)
        {
            shapes.Add((previous, layer.Units));
            previous = layer.Units;
        }
        return shapes;
    }

    /// <summary>Whether the outputs are class scores (the loss is a cross-entropy, or the output layer is sigmoid or softmax).</summary>
    public virtual bool IsClassifier =>
        Loss is Loss.CategoricalCrossEntropy or Loss.BinaryCrossEntropy
        || Layers[^1].Activation is Activation.Softmax or Activation.Sigmoid;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first thing that makes this spec unusable.</summary>
    public virtual void Validate()
    {
        if (Inputs < 1) throw new ArgumentException($"A {Kind} needs at least 1 input, got {Inputs}.");
        if (Layers.Count == 0) throw new ArgumentException($"A {Kind} needs at least one layer.");
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            if (layer is null) throw new ArgumentException($"Layer {WeightSet.LayerName(l)} is null.");
            if (layer.Units < 1)
                throw new ArgumentException($"Layer {WeightSet.LayerName(l)} needs at least 1 unit, got {layer.Units}.");
            if (!Enum.IsDefined(layer.Activation))
                throw new ArgumentException($"Layer {WeightSet.LayerName(l)} has an unknown activation ({(int)layer.Activation}).");
            if (layer.Activation == Activation.Softmax && l != Layers.Count - 1)
                throw new ArgumentException(
                    $"Layer {WeightSet.LayerName(l)} is softmax, but softmax is only supported on the output layer.");
        }
        var output = Layers[^1];
        if (output.Activation == Activation.Softmax && output.Units < 2)
            throw new ArgumentException("A softmax output layer needs at least 2 units: over 1 node it always outputs 1.");
        if (Loss == Loss.CategoricalCrossEntropy && output.Activation != Activation.Softmax)
            throw new ArgumentException(
                $"Categorical cross-entropy needs a softmax output layer; the output layer is {output.Activation.Name()}.");
        if (Loss == Loss.BinaryCrossEntropy && output.Activation != Activation.Sigmoid)
            throw new ArgumentException(
                $"Binary cross-entropy needs a sigmoid output layer; the output layer is {output.Activation.Name()}.");
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Unknown loss ({(int)Loss}).");
        if (Optimizer is null) throw new ArgumentException("The optimizer is null.");
        Optimizer.Validate();
        if (Init is null) throw new ArgumentException("The weight initializer is null.");
    }

    /// <summary>One line: kind, layer sizes with activations, loss, optimizer, precision.</summary>
    public string Describe() =>
        $"{Kind} {Inputs}-{string.Join("-", Layers)}, {Loss.Name()}, {Optimizer.Describe()}, {Precision.Name()}";

    public sealed override string ToString() => Describe();
}
