using Bridge.Python;

namespace Bridge.Keras;

/// <summary>
/// One fit on a data set that Keras holds as tensors (bridge_keras.ResidentTraining): the data crosses into Python
/// once, each epoch's order once, and the queued steps run in Python calls of up to <see cref="StepsPerCall"/> steps
/// that gather each batch with <c>ops.take</c>. Per step that saves what the step-by-step path pays in C#: the batch's
/// conversion to numpy and the copy of the weights and optimizer state kept in case Python fails half-way (here Python
/// keeps that copy once per call). Results are those of <see cref="KerasModel.TrainStep"/> step by step, bit for bit:
/// the same Python code computes each step on the same rows.
/// </summary>
internal sealed class ResidentKerasTraining : IQueuedTraining
{
    /// <summary>
    /// Steps run in one Python call at most: the trainer sees a cancellation between calls, so this bounds how late
    /// (a few hundred milliseconds of digits-sized steps), while the call costs far less than the steps it runs.
    /// </summary>
    public const int StepsPerCall = 256;

    private readonly KerasModel _model;
    private readonly PyObject _resident;
    private readonly int _rows;
    private readonly List<int> _starts = [], _counts = [];
    private readonly List<StepResult> _settled = [];
    private bool _refused, _hasOrder, _disposed;

    public ResidentKerasTraining(KerasModel model, PyObject net, Matrix inputs, Matrix targets, int[]? labels)
    {
        // The network's loss always reads the targets (one-hot for categorical cross-entropy), never the labels.
        InputChecks.ResidentData(model.Spec, inputs, targets, labels, readsTargets: true);
        _model = model;
        _rows = inputs.Rows;
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(inputs);
        using var t = ReferenceEquals(targets, inputs) ? null : PythonRuntime.ToNumpy(targets);
        _resident = net.CallMethod("resident", x, t ?? x);
    }

    /// <summary>Steps queued and not yet run.</summary>
    public int Unsettled => _starts.Count;

    public void BeginEpoch(ReadOnlySpan<int> order)
    {
        ThrowIfDisposed();
        InputChecks.EpochOrder(order, _rows);
        // Steps still queued are slices of the previous order: they run before it is replaced.
        RunQueued();
        using var gil = Bridge.Python.Python.Gil();
        using var array = NumpyArrays.FromInt32s(order);
        _resident.CallMethod("epoch", array).Dispose();
        _hasOrder = true;
    }

    public void QueueStep(int start, int count)
    {
        ThrowIfDisposed();
        if (!_hasOrder) throw new InvalidOperationException("BeginEpoch first: a step is a slice of the epoch's order.");
        InputChecks.StepSlice(start, count, _rows);
        // After a refused step nothing more runs: the trainer stops at it when it settles.
        if (_refused) return;
        _starts.Add(start);
        _counts.Add(count);
        if (_starts.Count >= StepsPerCall) RunQueued();
    }

    public IReadOnlyList<StepResult> Settle()
    {
        ThrowIfDisposed();
        RunQueued();
        var results = _settled.ToArray();
        _settled.Clear();
        _refused = false;
        return results;
    }

    private void RunQueued()
    {
        if (_starts.Count == 0) return;
        try
        {
            using var gil = Bridge.Python.Python.Gil();
            using var results = _resident.CallMethod("steps", _starts.ToArray(), _counts.ToArray());
            foreach (var item in results.ToList())
            {
                using (item)
                {
                    var result = KerasModel.ReadStepResult(item);
                    _settled.Add(result);
                    if (!result.Applied) _refused = true;
                }
            }
        }
        finally
        {
            _starts.Clear();
            _counts.Clear();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _starts.Clear();
        _counts.Clear();
        using (Bridge.Python.Python.Gil()) _resident.Dispose();
        _model.Released(this);
    }
}
