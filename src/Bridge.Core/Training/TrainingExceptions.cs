namespace Bridge;

/// <summary>
/// Training stopped because the loss or a gradient became NaN or infinite. The model keeps the last finite weights:
/// the step that diverged was not applied.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int step, string? layer, double loss, History history)
    : Exception(
        $"Training diverged at epoch {epoch}, step {step}: the loss is {loss}" +
        (layer is null ? "" : $" and layer {layer}'s gradient is not finite") +
        ". The update was not applied; the model keeps its last finite weights. Try a smaller learning rate or scaled inputs.")
{
    /// <summary>0-based epoch.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>0-based step within the epoch.</summary>
    public int Step { get; } = step;

    /// <summary>The first layer with a non-finite gradient, when known.</summary>
    public string? Layer { get; } = layer;

    public double LossValue { get; } = loss;

    /// <summary>The epochs completed before the divergence.</summary>
    public History History { get; } = history;
}

/// <summary>Training was cancelled through its token. The last step completed normally; weights are intact.</summary>
public sealed class TrainingCancelledException(int epoch, int step, History history, CancellationToken token)
    : OperationCanceledException($"Training was cancelled at epoch {epoch}, step {step}; the weights are those after the last completed step.", token)
{
    public int Epoch { get; } = epoch;
    public int Step { get; } = step;
    public History History { get; } = history;
}
