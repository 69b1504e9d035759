using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// Queued training on a model in a worker. Steps are collected here and sent as one request when the trainer settles,
/// or every <see cref="StepsPerRequest"/> steps, which bounds how long one request runs (a worker's call timeout
/// applies to each) and how late a cancellation is seen. The worker queues them on its model and settles them there,
/// so the results, and the weights after a refused step, are those of the model in process.
/// </summary>
internal sealed class RemoteQueuedTraining(RemoteQueuedTrainingModel model, int rows) : IQueuedTraining
{
    /// <summary>Steps sent in one request at most.</summary>
    public const int StepsPerRequest = 256;

    private readonly List<(int Start, int Count)> _pending = [];
    private readonly List<StepResult> _results = [];
    private bool _hasOrder, _refused, _disposed;

    /// <summary>Steps queued here and not yet run by the worker.</summary>
    public int Unsettled => _pending.Count;

    public void BeginEpoch(ReadOnlySpan<int> order)
    {
        ThrowIfDisposed();
        InputChecks.EpochOrder(order, rows);
        // Steps still here are slices of the previous order: they run before it is replaced.
        Send();
        var copy = order.ToArray();
        model.Call(Op.QueuedEpoch, w => w.WriteInt32s(copy), "BeginEpoch");
        _hasOrder = true;
    }

    public void QueueStep(int start, int count)
    {
        ThrowIfDisposed();
        if (!_hasOrder) throw new InvalidOperationException("BeginEpoch first: a step is a slice of the epoch's order.");
        InputChecks.StepSlice(start, count, rows);
        // After a refused step nothing more runs: the trainer stops at it when it settles.
        if (_refused) return;
        _pending.Add((start, count));
        if (_pending.Count >= StepsPerRequest) Send();
    }

    public IReadOnlyList<StepResult> Settle()
    {
        ThrowIfDisposed();
        Send();
        var results = _results.ToArray();
        _results.Clear();
        _refused = false;
        return results;
    }

    private void Send()
    {
        if (_pending.Count == 0) return;
        var steps = _pending.ToArray();
        _pending.Clear();
        var r = model.Call(Op.QueuedSteps, w =>
        {
            w.Write(steps.Length);
            foreach (var (start, count) in steps)
            {
                w.Write(start);
                w.Write(count);
            }
        }, "TrainStep (queued)");
        int returned = r.ReadInt32();
        for (int i = 0; i < returned; i++)
        {
            var result = r.ReadStepResult();
            _results.Add(result);
            if (!result.Applied) _refused = true;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pending.Clear();
        model.Released(this);
        if (!model.Reachable) return;
        try
        {
            model.Call(Op.EndQueuedTraining, _ => { }, "EndQueuedTraining");
        }
        catch (Exception e) when (e is WorkerCrashedException or ObjectDisposedException or InvalidOperationException)
        {
            // The worker is gone, and the training with it.
        }
    }
}
