namespace Bridge;

/// <summary>
/// An optimizer's state between steps, in canonical form: the number of steps taken and one weight-shaped slot
/// per <see cref="Optimizer.SlotNames"/> entry (SGD momentum: "velocity" in the v ← μ·v − L·g form; Adam: "m", "v").
/// Saved in checkpoints so that a resumed run continues exactly.
/// </summary>
public sealed record OptimizerState(long Steps, IReadOnlyDictionary<string, WeightSet> Slots)
{
    public static OptimizerState Fresh { get; } = new(0, new Dictionary<string, WeightSet>());
}
