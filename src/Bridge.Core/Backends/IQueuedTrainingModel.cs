namespace Bridge.Backends;

/// <summary>
/// A model that keeps a data set on its device for the length of a fit and queues training steps on it without
/// waiting for their results: what lets libtorch train with no device→host synchronisation per step. The trainer
/// opens a <see cref="IQueuedTraining"/> once per fit, hands it each epoch's sample order once, queues steps by
/// their slice of that order, and collects their results with <see cref="IQueuedTraining.Settle"/> at the end of each
/// epoch (and where it reports progress or stops). The promise is that of <see cref="IModel.TrainStep"/>, delivered
/// late: the results are exactly those the steps would have returned one by one, the first refused step (non-finite
/// loss or gradient) ends them, and the model is then left at the weights before it, as if no later step had run.
/// </summary>
public interface IQueuedTrainingModel : IModel
{
    /// <summary>
    /// Checks and copies the data set's inputs, and the targets or labels the loss reads, to the device. Everything
    /// is checked before anything changes (<see cref="InputChecks.Rows"/> and finiteness of what is copied).
    /// </summary>
    IQueuedTraining BeginQueuedTraining(Matrix inputs, Matrix targets, int[]? labels);

    /// <summary>
    /// The same from a data set's features as it holds them (<see cref="Dataset.FeatureRows"/>): a model that copies the
    /// bytes of images to its device itself takes them so, without a float64 copy of the set; any other gets the float64
    /// values (the held matrix, or the one made from the bytes). An autoencoder's targets are its inputs: for one,
    /// <paramref name="targets"/> is not read (null for one), and the inputs are copied once.
    /// </summary>
    IQueuedTraining BeginQueuedTraining(FeatureRows inputs, Matrix? targets, int[]? labels) =>
        BeginQueuedTraining(inputs.AsMatrix(), Spec is Autoencoder ? inputs.AsMatrix() : targets!, labels);
}

/// <summary>One fit's queued steps on a data set resident on the device. Disposing it releases the device copy.</summary>
public interface IQueuedTraining : IDisposable
{
    /// <summary>The epoch's sample order (a permutation of the rows), copied to the device once.</summary>
    void BeginEpoch(ReadOnlySpan<int> order);

    /// <summary>Queues one optimizer step on the samples order[<paramref name="start"/> .. start + count).</summary>
    void QueueStep(int start, int count);

    /// <summary>
    /// Waits for the queued steps and returns their results in order; a refused step is the last one returned (the
    /// model holds the weights from before it). Empty when nothing was queued.
    /// </summary>
    IReadOnlyList<StepResult> Settle();

    /// <summary>
    /// Whether the steps queued from now on count the samples they classify right (<see cref="StepResult.Correct"/>);
    /// on until turned off. A model whose count costs nothing may ignore it.
    /// </summary>
    void CountCorrect(bool count) { }
}
