namespace Bridge.Managed.Tests;

/// <summary>Random networks and batches for property tests, over every valid activation × loss pairing.</summary>
internal static class RandomNets
{
    public static readonly Activation[] Hidden = [Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Linear];

    /// <summary>(output activation, loss) pairs the facade accepts.</summary>
    public static readonly (Activation Output, Loss Loss)[] Outputs =
    [
        (Activation.Sigmoid, Loss.HalfSquaredError),
        (Activation.Linear, Loss.HalfSquaredError),
        (Activation.Tanh, Loss.MeanSquaredError),
        (Activation.Relu, Loss.MeanSquaredError),
        (Activation.Softmax, Loss.HalfSquaredError),
        (Activation.Softmax, Loss.MeanSquaredError),
        (Activation.Sigmoid, Loss.BinaryCrossEntropy),
        (Activation.Softmax, Loss.CategoricalCrossEntropy),
    ];

    public static ModelSpec Spec(Rng rng, Activation hidden, Activation output, Loss loss, Optimizer optimizer, Precision precision = Precision.Float64)
    {
        int inputs = 1 + rng.NextInt(6);
        int depth = 1 + rng.NextInt(4);
        int outputs = output == Activation.Softmax ? 2 + rng.NextInt(4) : 1 + rng.NextInt(4);
        var layers = Enumerable.Range(0, depth).Select(_ => new Dense(1 + rng.NextInt(8), hidden)).Append(new Dense(outputs, output));
        return new Mlp(inputs, layers) { Loss = loss, Optimizer = optimizer, Precision = precision };
    }

    public static Autoencoder Autoencoder(Rng rng, Activation hidden, Activation output, Loss loss, Optimizer optimizer)
    {
        int inputs = 2 + rng.NextInt(5);
        return new Autoencoder(inputs, [new Dense(1 + rng.NextInt(6), hidden), new Dense(1 + rng.NextInt(3), Activation.Linear)],
            [new Dense(1 + rng.NextInt(6), hidden), new Dense(inputs, output)]) { Loss = loss, Optimizer = optimizer };
    }

    public static Batch Batch(ModelSpec spec, Rng rng, int count)
    {
        var inputs = new Matrix(count, spec.Inputs);
        for (int i = 0; i < inputs.Data.Length; i++) inputs.Data[i] = spec.Loss == Loss.BinaryCrossEntropy && spec is Bridge.Autoencoder ? rng.NextDouble() : rng.Uniform(-1.5, 1.5);
        if (spec is Bridge.Autoencoder) return new Batch(inputs, inputs);
        var labels = new int[count];
        for (int n = 0; n < count; n++) labels[n] = rng.NextInt(spec.Outputs);
        Matrix targets;
        if (spec.Loss == Loss.CategoricalCrossEntropy) targets = OneHot.Encode(labels, spec.Outputs);
        else
        {
            targets = new Matrix(count, spec.Outputs);
            for (int i = 0; i < targets.Data.Length; i++)
                targets.Data[i] = spec.Loss == Loss.BinaryCrossEntropy || spec.Layers[^1].Activation is Activation.Sigmoid or Activation.Softmax
                    ? rng.NextDouble() : rng.Uniform(-1, 1);
        }
        return new Batch(inputs, targets, labels);
    }

    /// <summary>Whether any net input of any layer lies within <paramref name="margin"/> of a relu kink (0).</summary>
    public static bool NearKink(ModelSpec spec, WeightSet weights, Matrix inputs, double margin)
    {
        if (!spec.Layers.Any(l => l.Activation == Activation.Relu)) return false;
        var o = inputs;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            var w = weights.Layers[l];
            var next = new Matrix(o.Rows, w.Outputs);
            for (int n = 0; n < o.Rows; n++)
                for (int j = 0; j < w.Outputs; j++)
                {
                    double net = w.Bias[j];
                    for (int i = 0; i < w.Inputs; i++) net += o[n, i] * w[i, j];
                    if (spec.Layers[l].Activation == Activation.Relu && Math.Abs(net) < margin) return true;
                    next[n, j] = net;
                }
            var outputs = new Matrix(o.Rows, w.Outputs);
            for (int n = 0; n < o.Rows; n++) ActivationFunctions.Apply(spec.Layers[l].Activation, next.Row(n), outputs.Row(n));
            o = outputs;
        }
        return false;
    }
}
