using Bridge.Managed.Kernels;

namespace Bridge.Managed.Batched;

/// <summary>
/// Whether a batch is computed as two halves, and where the second begins. In a step only the loss and the weight and
/// bias gradients sum over samples; computed as the first half's sum plus the second half's, the two halves are
/// independent pieces of work that two cores do at once, and the result is the same bits whether one core computes both
/// or each core one. The choice depends on the spec and the batch size alone, so a run repeats exactly on any machine.
/// </summary>
/// <remarks>
/// Splitting costs a hand-off and an exchange of every gradient between the cores, so a half must be worth it: 64-32-10
/// on digits ran 1.2–1.4× faster on two cores with halves of 8 to 16 samples on an idle machine, and slower (0.77×) with
/// halves of 4. Whether a split batch's halves then do go to two cores is measured as the steps run
/// (<see cref="CoreChoice"/>): on a busy machine, or where the exchange costs what the halves save, they stay on one.
/// </remarks>
internal static class BatchHalves
{
    /// <summary>The kernels' tile height: the first half is a multiple of it.</summary>
    private const int Tile = 4;

    /// <summary>The fewest samples in a half, unless each sample is a lot of work (<see cref="LargeHalfWork"/>).</summary>
    private const int FewestSamples = 8;

    /// <summary>Multiply-adds of a half's forward pass above which a half of fewer samples still pays (784-256-10 at 4).</summary>
    private const long LargeHalfWork = 1L << 19;

    /// <summary>Multiply-adds of a batch's forward pass below which the hand-off (about half a microsecond) costs more than it saves.</summary>
    private const long MinimumWork = 16_384;

    /// <summary>The first sample of the second half, or 0 when the batch is computed whole.</summary>
    public static int SplitAt(ModelSpec spec, int batchSize)
    {
        int half = batchSize / 2 / Tile * Tile;
        if (half < Tile) return 0;
        long perSample = 0, largest = 0;
        int width = spec.Inputs;
        foreach (var layer in spec.Layers)
        {
            perSample += (long)width * layer.Units;
            largest = Math.Max(largest, (long)batchSize * width * layer.Units);
            width = layer.Units;
        }
        // A batch whose products are large enough to be shared between the cores row by row already uses them all.
        if (batchSize * perSample < MinimumWork || largest >= GemmDriver.ParallelWork) return 0;
        return half >= FewestSamples || half * perSample >= LargeHalfWork ? half : 0;
    }
}
