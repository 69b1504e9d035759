using Bridge.Backends;

namespace Bridge;

/// <summary>The Keras-style verbs on any backend's model: Fit, Evaluate, Predict, and the autoencoder's and perceptron's own.</summary>
public static class ModelExtensions
{
    /// <summary>Trains with <see cref="Trainer"/>: <c>model.Fit(data, epochs: 100, batchSize: 1)</c>.</summary>
    public static History Fit(this IModel model, Dataset data, int epochs = 10, int batchSize = 32, ulong seed = 0,
        bool shuffle = true, Dataset? validation = null, Action<TrainingProgress>? onProgress = null,
        CancellationToken cancellation = default) =>
        Trainer.Fit(model, data, new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Seed = seed,
            Shuffle = shuffle,
            Validation = validation,
            OnProgress = onProgress,
        }, cancellation);

    /// <summary>The network's outputs for every row of <paramref name="inputs"/>.</summary>
    public static Matrix Predict(this IModel model, Matrix inputs) => model.Forward(inputs);

    /// <summary>Loss and accuracy (classifiers) or reconstruction error (autoencoders) on a whole set.</summary>
    public static Evaluation Evaluate(this IModel model, Dataset data)
    {
        var batch = data.ToBatch(model.Spec);
        var outputs = model.Forward(batch.Inputs);
        double loss = LossFunctions.Batch(model.Spec.Loss, outputs, batch.Targets, batch.LabelSpan);
        if (model.Spec is Autoencoder)
            return new Evaluation(loss, null, Metrics.MeanSquaredError(outputs, batch.Targets), null);
        if (batch.Labels is null) return new Evaluation(loss, null, null, null);
        return new Evaluation(loss,
            Metrics.Accuracy(outputs, batch.Labels, Trainer.ThresholdOf(model.Spec)), null,
            ConfusionMatrix.From(outputs, batch.Labels, data.ClassCount, data.ClassNames, Trainer.ThresholdOf(model.Spec)));
    }

    /// <summary>
    /// Loss and accuracy (classifiers) or reconstruction error (autoencoders) on a whole set, as <see cref="Evaluate"/>
    /// gives them but without the confusion matrix: computed by the model itself, a slice of rows at a time in its own
    /// precision and buffers, where it can (<see cref="IEvaluatingModel"/>; the managed engine), so a large set is neither
    /// copied to float64 nor run forward in one piece. The accuracy is exactly <see cref="Evaluate"/>'s, the loss to the
    /// last bits (it is summed in slices).
    /// </summary>
    public static Evaluation Measure(this IModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (model is not IEvaluatingModel evaluating)
        {
            var batch = data.ToBatch(model.Spec);
            var outputs = model.Forward(batch.Inputs);
            double loss = LossFunctions.Batch(model.Spec.Loss, outputs, batch.Targets, batch.LabelSpan);
            if (model.Spec is Autoencoder) return new Evaluation(loss, null, Metrics.MeanSquaredError(outputs, batch.Targets), null);
            return new Evaluation(loss, batch.Labels is null ? null : Metrics.Accuracy(outputs, batch.Labels, Trainer.ThresholdOf(model.Spec)), null, null);
        }
        data.EnsureFits(model.Spec);
        bool autoencoder = model.Spec is Autoencoder;
        var result = evaluating.EvaluateRows(data.FeatureRows, autoencoder ? null : data.TargetsFor(model.Spec), autoencoder ? null : data.Labels, autoencoder);
        return new Evaluation(result.Loss, result.Accuracy, result.ReconstructionError, null);
    }

    /// <summary>The predicted class of every row (the perceptron: 1 where it fires).</summary>
    public static int[] PredictClasses(this IModel model, Matrix inputs) =>
        Metrics.PredictedClasses(model.Forward(inputs), Trainer.ThresholdOf(model.Spec));

    /// <summary>
    /// A perceptron's firing: for each sample and output node, whether o = f(z) exceeds the threshold θ.
    /// </summary>
    public static bool[,] Classify(this IModel model, Matrix inputs)
    {
        if (model.Spec is not Perceptron perceptron)
            throw new InvalidOperationException($"Classify needs a perceptron; this model is a {model.Spec.Kind}. Use PredictClasses.");
        var outputs = model.Forward(inputs);
        var fires = new bool[outputs.Rows, outputs.Cols];
        for (int n = 0; n < outputs.Rows; n++)
            for (int j = 0; j < outputs.Cols; j++)
                fires[n, j] = outputs[n, j] > perceptron.Threshold;
        return fires;
    }

    /// <summary>An autoencoder's code for each input row: the output of the last encoder layer.</summary>
    public static Matrix Encode(this IModel model, Matrix inputs) =>
        model.ForwardRange(inputs, 0, AutoencoderOf(model).Encoder.Count);

    /// <summary>An autoencoder's reconstruction from codes: the decoder alone.</summary>
    public static Matrix Decode(this IModel model, Matrix codes)
    {
        var ae = AutoencoderOf(model);
        return model.ForwardRange(codes, ae.Encoder.Count, ae.Layers.Count);
    }

    /// <summary>An autoencoder's reconstruction of its inputs: Decode(Encode(x)).</summary>
    public static Matrix Reconstruct(this IModel model, Matrix inputs)
    {
        AutoencoderOf(model);
        return model.Forward(inputs);
    }

    private static Autoencoder AutoencoderOf(IModel model) =>
        model.Spec as Autoencoder
        ?? throw new InvalidOperationException($"This needs an autoencoder; the model is a {model.Spec.Kind}.");
}

/// <summary>A model's loss on a set, with accuracy and confusion matrix for classifiers, reconstruction error for autoencoders.</summary>
public sealed record Evaluation(double Loss, double? Accuracy, double? ReconstructionError, ConfusionMatrix? Confusion);
