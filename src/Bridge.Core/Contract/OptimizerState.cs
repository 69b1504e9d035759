namespace Bridge;

/// <summary>
/// An optimizer's state between steps, in canonical form: the number of steps taken and one weight-shaped slot
/// per <see cref="Optimizer.SlotNames"/> entry (SGD momentum: "velocity" in the v ← μ·v − L·g form; Adam: "m", "v").
/// Saved in checkpoints so that a resumed run continues exactly.
/// </summary>
public sealed record OptimizerState(long Steps, IReadOnlyDictionary<string, WeightSet> Slots)
{
    public static OptimizerState Fresh { get; } = new(0, new Dictionary<string, WeightSet>());

    /// <summary>Throws, naming the slot, the layer and both shapes, unless every slot is shaped like <paramref name="spec"/>'s weights.</summary>
    public void EnsureSlotsMatch(ModelSpec spec)
    {
        foreach (var (name, slot) in Slots)
        {
            try { slot.EnsureMatches(spec); }
            catch (ArgumentException e) { throw new ArgumentException($"Optimizer slot '{name}': {e.Message}", e); }
        }
    }
}
