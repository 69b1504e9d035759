namespace Bridge;

/// <summary>
/// One batch of training samples as the trainer hands it to a backend: inputs, targets shaped like the model's
/// outputs, and, for classification, the integer labels (what categorical cross-entropy reads).
/// The trainer reuses batch objects between steps: a backend must not keep a reference after the call returns.
/// </summary>
public sealed class Batch
{
    public Batch(Matrix inputs, Matrix targets, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Rows != inputs.Rows)
            throw new ArgumentException($"The batch has {inputs.Rows} input rows but {targets.Rows} target rows.");
        if (labels is not null && labels.Length != inputs.Rows)
            throw new ArgumentException($"The batch has {inputs.Rows} input rows but {labels.Length} labels.");
        Inputs = inputs;
        Targets = targets;
        Labels = labels;
    }

    /// <summary>[N, inputs].</summary>
    public Matrix Inputs { get; }

    /// <summary>[N, outputs]: one-hot rows for classifiers with one output per class, 0/1 for one sigmoid output, the input itself for an autoencoder.</summary>
    public Matrix Targets { get; }

    /// <summary>Class indices, or null when the task is not classification.</summary>
    public int[]? Labels { get; }

    public int Count => Inputs.Rows;

    /// <summary>The labels, or an empty span.</summary>
    public ReadOnlySpan<int> LabelSpan => Labels;

    /// <summary>Checks the batch against a spec, naming the mismatch; backends call this before touching any state.</summary>
    public void EnsureFits(ModelSpec spec)
    {
        if (Count == 0) throw new ArgumentException("The batch is empty.");
        if (Inputs.Cols != spec.Inputs)
            throw new ArgumentException(
                $"Layer {WeightSet.LayerName(0)} expects inputs of width {spec.Inputs}; the batch's inputs are {Inputs.ShapeText}.");
        if (Targets.Cols != spec.Outputs)
            throw new ArgumentException(
                $"Layer {WeightSet.LayerName(spec.Layers.Count - 1)} has {spec.Outputs} outputs; the batch's targets are {Targets.ShapeText}.");
        if (spec.Loss == Loss.CategoricalCrossEntropy)
        {
            if (Labels is null) throw new ArgumentException("Categorical cross-entropy needs integer labels; the batch has none.");
            for (int n = 0; n < Labels.Length; n++)
                if ((uint)Labels[n] >= (uint)spec.Outputs)
                    throw new ArgumentException($"Label {Labels[n]} of sample {n} is outside the classes 0..{spec.Outputs - 1}.");
        }
    }
}
