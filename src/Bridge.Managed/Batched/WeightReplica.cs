using System.Numerics;

namespace Bridge.Managed.Batched;

/// <summary>
/// The second core's own copy of a model's weights and optimizer state, for the half of each batch it computes. After
/// each step both cores add the two halves' gradient sums in the same order and apply the same update, each to its own
/// copy, so the copies stay equal bit for bit. Reading weights that the other core writes, and writing weights that it
/// reads, would move them between the cores' caches at every step; the model's copy stays on the calling core.
/// </summary>
internal sealed class WeightReplica<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private long _version = -1;

    public WeightReplica(ModelSpec spec)
    {
        Weights = new ParameterSet<T>(spec.LayerShapes());
        GradientSums = new ParameterSet<T>(spec.LayerShapes());
        Optimizer = new BatchedOptimizer<T>(spec.Optimizer, Weights.Arrays);
    }

    public ParameterSet<T> Weights { get; }

    /// <summary>The batch's gradients as this copy's update reads them (the model's are on the other core).</summary>
    public ParameterSet<T> GradientSums { get; }

    public BatchedOptimizer<T> Optimizer { get; }

    /// <summary>
    /// Makes this copy equal to the model's <paramref name="weights"/> and <paramref name="optimizer"/> unless it already
    /// mirrors their <paramref name="version"/> (the model counts every change it makes without this copy).
    /// </summary>
    public void Follow(ParameterSet<T> weights, BatchedOptimizer<T> optimizer, long version)
    {
        if (_version == version) return;
        Weights.CopyFrom(weights);
        Optimizer.CopyFrom(optimizer);
        _version = version;
    }
}
