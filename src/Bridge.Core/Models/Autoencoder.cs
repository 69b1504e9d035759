namespace Bridge;

/// <summary>
/// An autoencoder: encoder layers that compress an input to a code (the last encoder layer), decoder layers that
/// reconstruct the input from it. Trained with the input as its own target; with a <see cref="Corruption"/>
/// it is a denoising autoencoder: it sees a corrupted input and is asked for the clean one.
/// <code>new Autoencoder(64, [new Dense(32, Activation.Tanh), new Dense(2, Activation.Linear)],
///                          [new Dense(32, Activation.Tanh), new Dense(64, Activation.Sigmoid)])</code>
/// </summary>
public sealed record Autoencoder : ModelSpec
{
    public Autoencoder(int inputs, IEnumerable<Dense> encoder, IEnumerable<Dense> decoder) : base(inputs)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        Encoder = encoder.ToArray();
        Decoder = decoder.ToArray();
        Layers = [.. Encoder, .. Decoder];
    }

    public IReadOnlyList<Dense> Encoder { get; }
    public IReadOnlyList<Dense> Decoder { get; }
    public override IReadOnlyList<Dense> Layers { get; }

    public override string Kind => "autoencoder";

    /// <summary>The width of the code: the last encoder layer's units.</summary>
    public int CodeSize => Encoder[^1].Units;

    /// <summary>How training inputs are corrupted (denoising). Default: not at all.</summary>
    public Corruption Corruption { get; init; } = Corruption.None;

    public override bool IsClassifier => false;

    public override void Validate()
    {
        if (Encoder.Count == 0) throw new ArgumentException("An autoencoder needs at least one encoder layer.");
        if (Decoder.Count == 0) throw new ArgumentException("An autoencoder needs at least one decoder layer.");
        base.Validate();
        if (Decoder[^1].Units != Inputs)
            throw new ArgumentException(
                $"The decoder's last layer has {Decoder[^1].Units} units but must reconstruct all {Inputs} inputs.");
        if (Loss == Loss.CategoricalCrossEntropy)
            throw new ArgumentException("An autoencoder reconstructs values; categorical cross-entropy needs class labels.");
        Corruption.Validate();
    }

    /// <summary>
    /// A standard symmetric autoencoder: inputs → hidden… → code → …hidden reversed → inputs.
    /// Hidden layers use <paramref name="hidden"/>, the code is linear, the output sigmoid (inputs scaled to [0, 1]).
    /// </summary>
    public static Autoencoder Symmetric(int inputs, IReadOnlyList<int> hiddenSizes, int codeSize,
        Activation hidden = Activation.Tanh, Activation code = Activation.Linear, Activation output = Activation.Sigmoid)
    {
        var encoder = hiddenSizes.Select(h => new Dense(h, hidden)).Append(new Dense(codeSize, code));
        var decoder = hiddenSizes.Reverse().Select(h => new Dense(h, hidden)).Append(new Dense(inputs, output));
        return new Autoencoder(inputs, encoder, decoder);
    }
}
