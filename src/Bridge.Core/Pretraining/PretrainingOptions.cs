namespace Bridge;

/// <summary>
/// How <see cref="GreedyPretraining"/> trains each layer's autoencoder. Every setting has a default a first run can
/// live with.
/// </summary>
public sealed record PretrainingOptions
{
    /// <summary>Epochs of autoencoder training per hidden layer. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Samples per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimizer of every layer's autoencoder. Default Adam with learning rate 0.01.</summary>
    public Optimizer Optimizer { get; init; } = new Adam(0.01);

    /// <summary>The reconstruction loss. Default mean squared error.</summary>
    public Loss Loss { get; init; } = Loss.MeanSquaredError;

    /// <summary>
    /// The activation of each autoencoder's decoder layer, or null to choose from the data it reconstructs:
    /// sigmoid when every value lies in [0, 1] (scaled pixels, sigmoid codes), linear otherwise.
    /// </summary>
    public Activation? DecoderActivation { get; init; }

    /// <summary>Input corruption while training each layer: with one, the stack is a stacked denoising autoencoder. Default none.</summary>
    public Corruption Corruption { get; init; } = Corruption.None;

    /// <summary>Seeds the decoders' initial weights, the batch order and the corruption. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Called after every epoch of every layer with the layer index (0-based) and the epoch's progress.</summary>
    public Action<int, TrainingProgress>? OnProgress { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Pre-training needs at least one epoch per layer; Epochs is {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1; it is {BatchSize}.");
        if (Loss is Loss.CategoricalCrossEntropy)
            throw new ArgumentException("An autoencoder reconstructs values, so its loss cannot be categorical cross-entropy.");
        if (DecoderActivation is Activation.Softmax)
            throw new ArgumentException("A decoder reconstructs each value on its own; softmax would tie them together.");
        Optimizer.Validate();
        Corruption.Validate();
    }
}
