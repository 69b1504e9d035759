namespace Bridge.Isolation;

/// <summary>
/// A <see cref="ModelSpec"/> across the pipe: what a backend builds from (kind, layers, loss, optimizer, precision, the
/// perceptron's threshold). The initializer and a denoising autoencoder's corruption stay with the caller: the initial
/// weights cross as numbers, and corruption is drawn by the trainer, which runs in the caller.
/// </summary>
internal static class SpecWire
{
    public static void WriteSpec(this BinaryWriter w, ModelSpec spec)
    {
        w.Write(spec.Kind);
        w.Write(spec.Inputs);
        w.Write(spec.Layers.Count);
        foreach (var layer in spec.Layers)
        {
            w.Write(layer.Units);
            w.Write((int)layer.Activation);
        }
        w.Write((int)spec.Loss);
        w.Write((int)spec.Precision);
        switch (spec.Optimizer)
        {
            case Sgd sgd:
                w.Write("sgd");
                w.Write(sgd.LearningRate);
                w.Write(sgd.Momentum);
                w.Write(sgd.Nesterov);
                break;
            case Adam adam:
                w.Write("adam");
                w.Write(adam.LearningRate);
                w.Write(adam.Beta1);
                w.Write(adam.Beta2);
                w.Write(adam.Epsilon);
                break;
            default:
                throw new NotSupportedException(
                    $"The optimizer {spec.Optimizer.Describe()} ({spec.Optimizer.GetType().Name}) cannot be sent to a worker process: only Sgd and Adam can.");
        }
        switch (spec)
        {
            case Perceptron perceptron: w.Write(perceptron.Threshold); break;
            case Autoencoder autoencoder: w.Write(autoencoder.Encoder.Count); break;
        }
    }

    public static ModelSpec ReadSpec(this BinaryReader r)
    {
        string kind = r.ReadString();
        int inputs = r.ReadInt32();
        var layers = new Dense[r.ReadInt32()];
        for (int l = 0; l < layers.Length; l++) layers[l] = new Dense(r.ReadInt32(), (Activation)r.ReadInt32());
        var loss = (Loss)r.ReadInt32();
        var precision = (Precision)r.ReadInt32();
        Optimizer optimizer = r.ReadString() switch
        {
            "sgd" => new Sgd(r.ReadDouble(), r.ReadDouble(), r.ReadBoolean()),
            "adam" => new Adam(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()),
            var other => throw new InvalidDataException($"Unknown optimizer '{other}' on the wire."),
        };
        ModelSpec spec = kind switch
        {
            "perceptron" => new Perceptron(inputs, layers[0].Units) { Threshold = r.ReadDouble() },
            "mlp" => new Mlp(inputs, layers),
            "autoencoder" => ReadAutoencoder(r, inputs, layers),
            _ => throw new InvalidDataException($"Unknown model kind '{kind}' on the wire."),
        };
        return spec with { Loss = loss, Precision = precision, Optimizer = optimizer };
    }

    private static Autoencoder ReadAutoencoder(BinaryReader r, int inputs, Dense[] layers)
    {
        int encoderLayers = r.ReadInt32();
        return new Autoencoder(inputs, layers[..encoderLayers], layers[encoderLayers..]);
    }
}
