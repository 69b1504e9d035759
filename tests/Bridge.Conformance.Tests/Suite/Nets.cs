using Bridge.Testing;

namespace Bridge.Conformance.Tests;

/// <summary>
/// The networks the suite builds: small (a run of the whole suite takes seconds per backend), and chosen so that every
/// backend can express the regression net and the autoencoder (one hidden activation, an identity output with the
/// lecture's ½·Σ squared error: what scikit-learn's regressor and a student's lecture-only code compute), while the
/// classifier (softmax, categorical cross-entropy, labels) is there for the backends that have it.
/// </summary>
internal static class Nets
{
    public const string Regression = "regression";
    public const string Classifier = "classifier";
    public const string Autoencoder = "autoencoder";

    /// <summary>4-5-4-2: two tanh hidden layers, identity output, half squared error.</summary>
    public static Mlp RegressionNet(Precision precision, Optimizer? optimizer = null) =>
        new(4, new Dense(5, Activation.Tanh), new Dense(4, Activation.Tanh), new Dense(2, Activation.Linear))
        {
            Loss = Loss.HalfSquaredError, Precision = precision, Optimizer = optimizer ?? new Sgd(0.1, 0.9),
        };

    /// <summary>4-6-3: a tanh hidden layer, softmax over three classes, categorical cross-entropy.</summary>
    public static Mlp ClassifierNet(Precision precision, Optimizer? optimizer = null) =>
        new(4, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax))
        {
            Precision = precision, Optimizer = optimizer ?? new Adam(0.01),
        };

    /// <summary>4-3-2 | 3-4: tanh everywhere but the identity output, half squared error.</summary>
    public static Bridge.Autoencoder AutoencoderNet(Precision precision, Optimizer? optimizer = null) =>
        new(4, [new Dense(3, Activation.Tanh), new Dense(2, Activation.Tanh)], [new Dense(3, Activation.Tanh), new Dense(4, Activation.Linear)])
        {
            Loss = Loss.HalfSquaredError, Precision = precision, Optimizer = optimizer ?? new Adam(0.01),
        };

    public static ModelSpec Named(string net, Precision precision, Optimizer? optimizer = null) => net switch
    {
        Regression => RegressionNet(precision, optimizer),
        Classifier => ClassifierNet(precision, optimizer),
        Autoencoder => AutoencoderNet(precision, optimizer),
        _ => throw new ArgumentException($"No net '{net}'."),
    };

    /// <summary>Every form of optimizer: plain SGD, momentum, Nesterov, Adam.</summary>
    public static Optimizer OptimizerNamed(string name) => name switch
    {
        "sgd" => new Sgd(0.1),
        "momentum" => new Sgd(0.1, 0.9),
        "nesterov" => new Sgd(0.05, 0.9, Nesterov: true),
        "adam" => new Adam(0.01),
        _ => throw new ArgumentException($"No optimizer '{name}'."),
    };

    /// <summary>A random batch of <paramref name="count"/> samples fitting <paramref name="spec"/>.</summary>
    public static Batch BatchFor(ModelSpec spec, int count, ulong seed) => Batches.For(spec, count, seed);

    /// <summary>A data set of <paramref name="count"/> random samples fitting <paramref name="spec"/>.</summary>
    public static Dataset DataFor(ModelSpec spec, int count, ulong seed)
    {
        var batch = Batches.For(spec, count, seed);
        if (spec is Bridge.Autoencoder) return Dataset.Unlabeled("random", batch.Inputs);
        return batch.Labels is { } labels && spec.Loss == Loss.CategoricalCrossEntropy
            ? Dataset.Classification("random", batch.Inputs, labels, spec.Outputs)
            : Dataset.Regression("random", batch.Inputs, batch.Targets);
    }

    /// <summary>Weights whose values float32 cannot hold (each needs more than 24 bits): a float32 model must round them.</summary>
    public static WeightSet Unrounded(ModelSpec spec, ulong seed)
    {
        var drawn = spec.Init.Draw(spec with { Precision = Precision.Float64 }, seed);
        var rng = new Rng(seed + 1000);
        foreach (var layer in drawn.Layers)
        {
            for (int i = 0; i < layer.Kernel.Length; i++) layer.Kernel[i] += rng.Uniform(1e-9, 1e-8);
            for (int j = 0; j < layer.Bias.Length; j++) layer.Bias[j] = rng.Uniform(-0.1, 0.1) + 1e-9;
        }
        return drawn;
    }

    /// <summary>A copy of the batch with its inputs rounded to <paramref name="precision"/>: what a float32 model computes on.</summary>
    public static Batch Rounded(Batch batch, Precision precision)
    {
        var inputs = batch.Inputs.Clone();
        precision.Round(inputs.Data);
        var targets = ReferenceEquals(batch.Targets, batch.Inputs) ? inputs : batch.Targets.Clone();
        if (!ReferenceEquals(targets, inputs)) precision.Round(targets.Data);
        return new Batch(inputs, targets, batch.Labels);
    }
}
