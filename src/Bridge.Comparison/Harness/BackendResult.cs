namespace Bridge.Comparison;

/// <summary>What one backend's training run gave: final metrics and the epoch-by-epoch history.</summary>
public sealed record BackendResult(
    string Backend,
    string Metric,
    double Value,
    IReadOnlyList<EpochRecord> History,
    TimeSpan TrainingTime);
