namespace Bridge.Backends;

/// <summary>
/// A model that evaluates a whole data set itself, a slice of rows at a time, in its own precision and in buffers it
/// keeps: what the trainer's evaluation after each epoch uses instead of one float64 forward pass over the whole set,
/// which would make a float64 copy of the set and allocate outputs for every sample at every epoch. The numbers are
/// those of a forward pass over the whole set, the losses computed as the model's steps compute theirs.
/// </summary>
public interface IEvaluatingModel : IModel
{
    /// <summary>
    /// E over every row of <paramref name="inputs"/> (against the same rows of <paramref name="targets"/> and, for
    /// classification, <paramref name="labels"/>), the fraction classified right when there are labels, and when
    /// <paramref name="reconstruction"/> is set (autoencoders) the mean over samples and outputs of (t − o)². An
    /// autoencoder's targets are its inputs: for one, <paramref name="targets"/> is not read (null for one).
    /// </summary>
    RowsEvaluation EvaluateRows(FeatureRows inputs, Matrix? targets, int[]? labels, bool reconstruction);
}

/// <summary>What <see cref="IEvaluatingModel.EvaluateRows"/> found.</summary>
public readonly record struct RowsEvaluation(double Loss, double? Accuracy, double? ReconstructionError);
