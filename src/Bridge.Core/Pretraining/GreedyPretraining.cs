namespace Bridge;

/// <summary>
/// Unsupervised pre-training of a supervised network, greedily, one hidden layer at a time (Hinton &amp;
/// Salakhutdinov 2006; Bengio et al. 2007): layer 1 is trained as the encoder of an autoencoder that reconstructs the
/// inputs; layer 2 as the encoder of an autoencoder that reconstructs layer 1's codes; and so on. Only the features
/// are used, so every unlabelled sample helps. The encoders' weights then start the supervised network, which is
/// fine-tuned on the labelled samples with any backend.
/// <code>var pre = GreedyPretraining.Pretrain(ManagedBackend.Batched, spec, unlabeled);
/// using var model = ManagedBackend.Batched.Build(spec, pre.Weights);
/// model.Fit(fewLabels, epochs: 50);</code>
/// </summary>
public static class GreedyPretraining
{
    /// <summary>
    /// Pre-trains every hidden layer of <paramref name="spec"/> on the features of <paramref name="data"/>.
    /// Each layer's encoder starts from the weights the spec's initializer draws from <see cref="PretrainingOptions.Seed"/>,
    /// which are also the output layer's final weights, so a net trained from <c>spec.Init.Draw(spec, seed)</c> is
    /// the fair "random weights" baseline.
    /// </summary>
    /// <exception cref="ArgumentException">The spec has no hidden layer, the data's width is not the spec's input width, or an option is out of range.</exception>
    public static PretrainingResult Pretrain(IBackend backend, Mlp spec, Dataset data, PretrainingOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        options ??= new PretrainingOptions();
        spec.Validate();
        options.Validate();
        if (spec.Layers.Count < 2)
            throw new ArgumentException($"The network {spec.Describe()} has no hidden layer to pre-train: only its output layer.");
        if (data.FeatureCount != spec.Inputs)
            throw new ArgumentException($"The data set {data.Name} has {data.FeatureCount} features per sample; the network expects {spec.Inputs}.");
        if (data.Count == 0) throw new ArgumentException($"The data set {data.Name} is empty.");

        var initial = spec.Init.Draw(spec, options.Seed);
        var layers = initial.Layers.Select(l => l.Clone()).ToList();
        var stages = new List<PretrainedLayer>();
        Matrix inputs = data.Features;
        for (int index = 0; index < spec.Layers.Count - 1; index++)
        {
            var (stage, encoder, codes) = TrainLayer(backend, spec, index, initial[index], inputs, options, cancellation);
            layers[index] = encoder;
            stages.Add(stage);
            inputs = codes;
        }
        return new PretrainingResult(new WeightSet(spec.Precision, layers), stages);
    }

    private static (PretrainedLayer Stage, LayerWeights Encoder, Matrix Codes) TrainLayer(IBackend backend, Mlp spec, int index,
        LayerWeights initialEncoder, Matrix inputs, PretrainingOptions options, CancellationToken cancellation)
    {
        var autoencoder = new Autoencoder(inputs.Cols, [spec.Layers[index]],
            [new Dense(inputs.Cols, options.DecoderActivation ?? DecoderActivationFor(inputs))])
        {
            Loss = options.Loss,
            Optimizer = options.Optimizer,
            Precision = spec.Precision,
            Init = spec.Init,
            Corruption = options.Corruption,
        };
        // The decoder is drawn from a seed of its own per layer, so that adding a layer changes no other layer's start.
        var decoder = spec.Init.Draw(autoencoder, options.Seed + 1 + (ulong)index)[1];
        using var model = backend.Build(autoencoder, new WeightSet(spec.Precision, [initialEncoder.Clone(), decoder]));
        var layerData = Dataset.Unlabeled($"layer {index} inputs", inputs);
        double before = Metrics.MeanSquaredError(model.Reconstruct(inputs), inputs);
        var history = Trainer.Fit(model, layerData, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Seed = options.Seed + (ulong)index,
            OnProgress = options.OnProgress is { } report ? progress => report(index, progress) : null,
        }, cancellation);
        double after = Metrics.MeanSquaredError(model.Reconstruct(inputs), inputs);
        var encoder = model.GetWeights()[0];
        var codes = model.Encode(inputs);
        return (new PretrainedLayer(index, inputs.Cols, spec.Layers[index].Units, before, after, history), encoder, codes);
    }

    private static Activation DecoderActivationFor(Matrix values)
    {
        foreach (double v in values.Data)
            if (v is < 0 or > 1) return Activation.Linear;
        return Activation.Sigmoid;
    }
}
