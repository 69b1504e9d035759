namespace Bridge.Torch.Tests;

/// <summary>Random networks, batches and weights for agreement tests: every valid activation × loss pairing.</summary>
internal static class RandomNets
{
    public static IEnumerable<object[]> ActivationLossPairs()
    {
        foreach (var hidden in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Linear })
        {
            yield return [hidden, Activation.Sigmoid, Loss.HalfSquaredError];
            yield return [hidden, Activation.Linear, Loss.MeanSquaredError];
            yield return [hidden, Activation.Sigmoid, Loss.BinaryCrossEntropy];
            yield return [hidden, Activation.Softmax, Loss.CategoricalCrossEntropy];
        }
        yield return [Activation.Tanh, Activation.Softmax, Loss.HalfSquaredError];
        yield return [Activation.Sigmoid, Activation.Tanh, Loss.MeanSquaredError];
        yield return [Activation.Relu, Activation.Relu, Loss.HalfSquaredError];
    }

    public static Mlp Mlp(Activation hidden, Activation output, Loss loss, Optimizer optimizer, Precision precision, ulong seed)
    {
        var rng = new Rng(seed);
        int inputs = 2 + rng.NextInt(6);
        int layers = 1 + rng.NextInt(3);
        var dense = new List<Dense>();
        for (int l = 0; l < layers; l++) dense.Add(new Dense(2 + rng.NextInt(7), hidden));
        dense.Add(new Dense(2 + rng.NextInt(4), output));
        return new Mlp(inputs, dense) { Loss = loss, Optimizer = optimizer, Precision = precision };
    }

    /// <summary>A batch fitting <paramref name="spec"/>: inputs in [−1, 1], targets suited to the loss.</summary>
    public static Batch BatchFor(ModelSpec spec, int count, ulong seed)
    {
        var rng = new Rng(seed);
        var inputs = new Matrix(count, spec.Inputs);
        for (int i = 0; i < inputs.Data.Length; i++) inputs.Data[i] = rng.Uniform(-1, 1);
        var labels = new int[count];
        for (int n = 0; n < count; n++) labels[n] = rng.NextInt(spec.Outputs);
        Matrix targets;
        if (spec.Loss == Loss.CategoricalCrossEntropy) targets = OneHot.Encode(labels, spec.Outputs);
        else if (spec is Autoencoder) targets = inputs;
        else
        {
            targets = new Matrix(count, spec.Outputs);
            for (int i = 0; i < targets.Data.Length; i++) targets.Data[i] = rng.NextDouble();
        }
        return new Batch(inputs, targets, spec is Autoencoder ? null : labels);
    }
}
