using Bridge.Managed.Kernels;

namespace Bridge.Managed.Batched;

/// <summary>
/// Whether a batch is computed as two halves, and where the second begins. In a step only the loss and the weight and
/// bias gradients sum over samples; computed as the first half's sum plus the second half's, the two halves are
/// independent pieces of work that two cores do at once, and the result is the same bits whether one core computes both
/// or each core one. The choice depends on the spec and the batch size alone, so a run repeats exactly on any machine.
/// </summary>
internal static class BatchHalves
{
    /// <summary>The kernels' tile height: halves are at least this many samples, the first a multiple of it.</summary>
    private const int Tile = 4;

    /// <summary>
    /// Multiply-adds of a batch's forward pass below which handing half of the step to another core (about half a
    /// microsecond there and back) would cost more than it saves.
    /// </summary>
    internal const long MinimumWork = 16_384;

    /// <summary>The first sample of the second half, or 0 when the batch is computed whole.</summary>
    public static int SplitAt(ModelSpec spec, int batchSize)
    {
        if (batchSize < 2 * Tile) return 0;
        long work = 0, largest = 0;
        int width = spec.Inputs;
        foreach (var layer in spec.Layers)
        {
            long product = (long)batchSize * width * layer.Units;
            work += product;
            largest = Math.Max(largest, product);
            width = layer.Units;
        }
        // A batch whose products are large enough to be shared between the cores row by row already uses them all.
        if (work < MinimumWork || largest >= Sgemm.ParallelWork) return 0;
        return batchSize / 2 / Tile * Tile;
    }
}
