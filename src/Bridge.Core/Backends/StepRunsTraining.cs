namespace Bridge.Backends;

/// <summary>
/// Queued training whose steps are kept here and run elsewhere in runs — in Python, in a worker process — where each
/// crossing costs far more than keeping a step's slice: the steps queued since the last run go as one run when the
/// trainer settles, when an epoch's order replaces the one they slice, and every <see cref="StepsPerRun"/> steps,
/// which bounds how long one run takes and how late a cancellation is seen between runs. A run ends at its first
/// refused step; the steps queued after it until the next settle are dropped, as the trainer stops there.
/// </summary>
public abstract class StepRunsTraining(int rows, int stepsPerRun) : IQueuedTraining
{
    private readonly List<int> _starts = [], _counts = [];
    private readonly List<StepResult> _results = [];
    private bool _hasOrder, _refused, _disposed;

    /// <summary>Steps in one run at most.</summary>
    public int StepsPerRun { get; } = stepsPerRun > 0 ? stepsPerRun : throw new ArgumentOutOfRangeException(nameof(stepsPerRun));

    /// <summary>Steps queued and not yet run: until they are, the model does not show them.</summary>
    public int Unsettled => _starts.Count;

    public void BeginEpoch(ReadOnlySpan<int> order)
    {
        ThrowIfDisposed();
        InputChecks.EpochOrder(order, rows);
        // Steps still queued are slices of the previous order: they run before it is replaced.
        RunQueued();
        UseOrder(order);
        _hasOrder = true;
    }

    public void QueueStep(int start, int count)
    {
        ThrowIfDisposed();
        if (!_hasOrder) throw new InvalidOperationException("BeginEpoch first: a step is a slice of the epoch's order.");
        InputChecks.StepSlice(start, count, rows);
        if (_refused) return;
        _starts.Add(start);
        _counts.Add(count);
        if (_starts.Count >= StepsPerRun) RunQueued();
    }

    public IReadOnlyList<StepResult> Settle()
    {
        ThrowIfDisposed();
        RunQueued();
        var results = _results.ToArray();
        _results.Clear();
        _refused = false;
        return results;
    }

    /// <summary>Hands the epoch's order (checked) to where the steps run.</summary>
    protected abstract void UseOrder(ReadOnlySpan<int> order);

    /// <summary>
    /// Runs the steps on the slices order[starts[i] .. starts[i] + counts[i]) in turn and returns their results, up to
    /// and including the first refused one.
    /// </summary>
    protected abstract IReadOnlyList<StepResult> Run(int[] starts, int[] counts);

    /// <summary>Releases what the training holds where the steps run (called once, by <see cref="Dispose"/>).</summary>
    protected abstract void Release();

    private void RunQueued()
    {
        if (_starts.Count == 0) return;
        var starts = _starts.ToArray();
        var counts = _counts.ToArray();
        _starts.Clear();
        _counts.Clear();
        foreach (var result in Run(starts, counts))
        {
            _results.Add(result);
            if (!result.Applied) _refused = true;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _starts.Clear();
        _counts.Clear();
        Release();
        GC.SuppressFinalize(this);
    }
}
