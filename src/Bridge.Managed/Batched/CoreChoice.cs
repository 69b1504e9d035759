namespace Bridge.Managed.Batched;

/// <summary>
/// Whether a split batch's halves run on two cores or both on this one, decided by timing the model's own steps both
/// ways while it trains. The halves give the same bits wherever they run, so this decides speed alone, never a number.
/// Whether two cores pay is a matter of this machine and this moment: the second core saves half of a step's
/// arithmetic and costs a hand-off, an exchange of the halves' gradient sums between the cores' caches and an update
/// made twice (once per copy of the weights); for 64-32-10 at batch 32 that is about as much as it saves, and on a
/// machine whose other core is busy with other work the worker comes late. So: after a few steps to warm up, a trial
/// of <see cref="Samples"/> steps each way, alternating, and the faster median wins (two cores only when clearly
/// faster: one core leaves the other to the rest of the machine); a new trial every <see cref="Period"/> steps follows
/// a machine whose load changes.
/// </summary>
internal sealed class CoreChoice
{
    /// <summary>Steps timed each way in a trial.</summary>
    internal const int Samples = 8;

    /// <summary>Steps between the starts of two trials.</summary>
    internal const int Period = 1024;

    /// <summary>Steps before the first trial: first calls, cold caches.</summary>
    private const int WarmUp = 4;

    /// <summary>Two cores are chosen when their median step is below this fraction of one core's.</summary>
    private const double Margin = 0.95;

    private readonly long[] _one = new long[Samples], _two = new long[Samples], _sorted = new long[Samples];
    private long _steps;
    private int _timedOne, _timedTwo;

    /// <summary>Whether the steps run on two cores when no trial is under way (one until a trial says otherwise).</summary>
    public bool TwoCores { get; private set; }

    /// <summary>Trials completed.</summary>
    public int Trials { get; private set; }

    /// <summary>Whether the next step runs on two cores: the choice, or in a trial, two and one by turns.</summary>
    public bool Next()
    {
        long position = (_steps - WarmUp) % Period;
        return _steps >= WarmUp && position < 2 * Samples ? position % 2 == 0 : TwoCores;
    }

    /// <summary>Records a step that ran as <see cref="Next"/> said, and how long it took (in any unit, the same every time).</summary>
    public void Record(bool twoCores, long elapsed)
    {
        long position = (_steps - WarmUp) % Period;
        _steps++;
        if (_steps <= WarmUp || position >= 2 * Samples) return;
        if (twoCores) _two[_timedTwo++] = elapsed;
        else _one[_timedOne++] = elapsed;
        if (_timedOne < Samples || _timedTwo < Samples) return;
        TwoCores = Median(_two) < Margin * Median(_one);
        _timedOne = _timedTwo = 0;
        Trials++;
    }

    private long Median(long[] samples)
    {
        samples.CopyTo(_sorted, 0);
        Array.Sort(_sorted);
        return _sorted[Samples / 2];
    }
}
