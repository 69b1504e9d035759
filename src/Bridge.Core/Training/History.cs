namespace Bridge;

/// <summary>
/// What one epoch gave. Two kinds of number: running means over the epoch's steps (<see cref="Loss"/>,
/// <see cref="RunningAccuracy"/>: each batch measured before its update, as Keras's fit reports them; cheap, but a mix
/// of the weights the epoch went through), and evaluations of the whole training set after the epoch
/// (<see cref="TrainLoss"/>, <see cref="Accuracy"/>, <see cref="ReconstructionError"/>: exact at the epoch's weights,
/// at the cost of a forward pass over the set; only with <see cref="TrainingOptions.EvaluateEachEpoch"/>).
/// </summary>
/// <param name="Epoch">0-based.</param>
/// <param name="Loss">Running mean: over the epoch's steps, E on each batch before its update, weighted by batch size (what Keras reports as "loss").</param>
/// <param name="TrainLoss">Evaluated: E on the whole training set after the epoch (null unless evaluated).</param>
/// <param name="Accuracy">Evaluated: training-set accuracy after the epoch, for classifiers (null otherwise or unless evaluated).</param>
/// <param name="ReconstructionError">Evaluated: mean squared reconstruction error on the training set after the epoch, for autoencoders.</param>
/// <param name="ValidationLoss">Evaluated: E on the validation set after the epoch, when one is given.</param>
/// <param name="ValidationAccuracy">Evaluated: accuracy on the validation set after the epoch, for classifiers, when one is given.</param>
/// <param name="Elapsed">The epoch's steps (evaluations after it are not counted).</param>
public sealed record EpochRecord(
    int Epoch,
    double Loss,
    double? TrainLoss,
    double? Accuracy,
    double? ReconstructionError,
    double? ValidationLoss,
    double? ValidationAccuracy,
    TimeSpan Elapsed)
{
    /// <summary>
    /// Running mean: the fraction of the epoch's samples that their batch's outputs before its update classified right
    /// (what Keras reports as "accuracy"), for classifiers on backends that count it in their steps (the managed engine,
    /// torch); null otherwise, and when <see cref="TrainingOptions.CountRunningAccuracy"/> is off.
    /// </summary>
    public double? RunningAccuracy { get; init; }
}

/// <summary>Every epoch of one training run.</summary>
public sealed class History
{
    private readonly List<EpochRecord> _epochs = [];

    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    public EpochRecord? Last => _epochs.Count == 0 ? null : _epochs[^1];

    public int StepsTaken { get; internal set; }

    internal void Add(EpochRecord record) => _epochs.Add(record);

    public double[] Losses() => _epochs.Select(e => e.Loss).ToArray();
}
