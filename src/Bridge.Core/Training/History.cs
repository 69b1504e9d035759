namespace Bridge;

/// <summary>What one epoch gave.</summary>
/// <param name="Epoch">0-based.</param>
/// <param name="Loss">Mean over the epoch's steps of E on each batch before its update, weighted by batch size (what Keras reports as "loss").</param>
/// <param name="TrainLoss">E on the whole training set after the epoch (null unless evaluated).</param>
/// <param name="Accuracy">Training-set accuracy after the epoch, for classifiers (null otherwise or unless evaluated).</param>
/// <param name="ReconstructionError">Mean squared reconstruction error on the training set after the epoch, for autoencoders.</param>
public sealed record EpochRecord(
    int Epoch,
    double Loss,
    double? TrainLoss,
    double? Accuracy,
    double? ReconstructionError,
    double? ValidationLoss,
    double? ValidationAccuracy,
    TimeSpan Elapsed);

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
