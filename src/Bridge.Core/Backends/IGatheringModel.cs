namespace Bridge.Backends;

/// <summary>
/// A model that takes a training step on rows of a data set it reads itself, so the trainer need not first copy them
/// into a float64 batch: the managed engine converts them, float64 values or the bytes of images, straight into its own
/// buffers. A step on rows must give
/// exactly the result of <see cref="IModel.TrainStep"/> on the batch those rows assemble into, and check what it reads
/// first (values a loss does not read, such as the targets beside the labels of categorical cross-entropy, may go
/// unchecked): bad input changes nothing.
/// </summary>
public interface IGatheringModel : IModel
{
    /// <summary>
    /// One optimizer step on the samples <paramref name="rows"/> (in that order) of <paramref name="inputs"/>, with the
    /// same rows of <paramref name="targets"/> and, for classification, of <paramref name="labels"/>.
    /// </summary>
    /// <param name="inputs">The data set's features as it holds them (<see cref="Dataset.FeatureRows"/>): float64 values, or bytes and their scale.</param>
    /// <param name="targets">Not read for an autoencoder, whose targets are its inputs (null for one).</param>
    StepResult TrainStep(FeatureRows inputs, Matrix? targets, int[]? labels, ReadOnlySpan<int> rows);

    /// <summary>The same step on rows of a float64 matrix (a wrapper is made each call: a loop keeps one <see cref="FeatureRows"/>).</summary>
    StepResult TrainStep(Matrix inputs, Matrix targets, int[]? labels, ReadOnlySpan<int> rows) =>
        TrainStep(new FeatureRows(inputs), targets, labels, rows);
}
