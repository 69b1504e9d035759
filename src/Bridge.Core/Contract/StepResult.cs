namespace Bridge;

/// <summary>
/// What one training step did. <see cref="Loss"/> is E on the batch before the update.
/// When the loss or a gradient is NaN or ±∞ the backend does not update (<see cref="Applied"/> is false) and names
/// the first layer whose gradient is not finite, so the model keeps its last finite weights.
/// </summary>
public readonly record struct StepResult(double Loss, bool Applied, string? NonFiniteLayer = null)
{
    /// <summary>
    /// How many of the batch's samples its outputs before the update put in their labelled class (as
    /// <see cref="Metrics.Accuracy"/> decides), for classifiers; null where the backend does not count them.
    /// </summary>
    public int? Correct { get; init; }

    public static StepResult Done(double loss) => new(loss, true);

    public static StepResult Refused(double loss, string? layer) => new(loss, false, layer);
}
