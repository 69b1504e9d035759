using Bridge.Backends;
using TorchSharp;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// One fit on a data set resident on the model's device, with no device→host read per step.
/// <list type="bullet">
/// <item>The data crosses once: the inputs as a tensor of the model's dtype, and either the targets or the labels,
/// whichever the loss reads (categorical cross-entropy never reads the one-hot targets); an autoencoder's targets are
/// its inputs, the same tensor (the spec says so, so a set of bytes needs no float64 copy). Each epoch's order crosses
/// once; a step index_selects its rows on the device.</item>
/// <item>A step is queued: forward, backward and update run with nothing read back; its loss stays on the device.</item>
/// <item><see cref="Settle"/> reads the queued losses and whether every parameter is still finite, in one read. A
/// non-finite gradient makes its parameter non-finite for good (every update adds to the weights, and NaN or ±∞
/// plus anything stays non-finite), so the two catch every step the eager check would refuse. When one is found the
/// model goes back to its last snapshot and replays the steps since, eagerly, one read each: the replay computes the
/// same numbers, finds the first refused step with its layer, and stops before it, leaving the model at the last
/// finite weights, exactly as if the steps had been taken one by one.</item>
/// <item>Snapshots (a device copy of the weights and the optimizer state) are taken at a settle where everything
/// was finite, at most every <see cref="SnapshotEvery"/> steps, so a replay is bounded and the copy is rare.</item>
/// </list>
/// </summary>
internal sealed class QueuedTorchTraining : IQueuedTraining
{
    /// <summary>Steps between snapshots, at least: each costs one device copy of the weights and optimizer state.</summary>
    public const int SnapshotEvery = 1024;

    private readonly TorchModel _model;
    private readonly Tensor _inputs;
    private readonly Tensor? _targets, _labels;
    private readonly int _rows;
    private readonly List<Tensor> _losses = [];
    private readonly List<Tensor> _corrects = [];
    private readonly List<(Tensor Order, int Start, int Count)> _journal = [];
    private readonly List<Tensor> _orders = [];
    private Tensor? _order;
    private Tensor[]? _weights;
    private (Tensor[][] Slots, long Steps) _optimizerState;
    private bool _disposed;
    private bool _countCorrect = true;

    public QueuedTorchTraining(TorchModel model, FeatureRows inputs, Matrix? targets, int[]? labels)
    {
        InputChecks.ResidentRows(model.Spec, inputs, targets, labels, model.ReadsTargets);
        _model = model;
        _rows = inputs.Rows;
        using (torch.NewDisposeScope())
        {
            _inputs = TorchTensors.FromRows(inputs, model.DType, model.TorchDevice).DetachFromDisposeScope();
            if (model.ReadsTargets)
                _targets = model.Spec is Autoencoder ? _inputs : TorchTensors.FromMatrix(targets!, model.DType, model.TorchDevice).DetachFromDisposeScope();
            else _labels = TorchTensors.Indices(labels, model.TorchDevice).DetachFromDisposeScope();
        }
        TakeSnapshot();
    }

    /// <summary>Steps queued and not yet settled.</summary>
    public int Unsettled => _losses.Count;

    public void BeginEpoch(ReadOnlySpan<int> order)
    {
        ThrowIfDisposed();
        InputChecks.EpochOrder(order, _rows);
        using (torch.NewDisposeScope())
            _order = TorchTensors.Indices(order, _model.TorchDevice).DetachFromDisposeScope();
        _orders.Add(_order);
    }

    /// <summary>Counting is a softmax, an argmax, a comparison and a sum more per step on the device.</summary>
    public void CountCorrect(bool count) => _countCorrect = count;

    public void QueueStep(int start, int count)
    {
        ThrowIfDisposed();
        if (_order is null) throw new InvalidOperationException("BeginEpoch first: a step is a slice of the epoch's order.");
        InputChecks.StepSlice(start, count, _rows);
        using var scope = torch.NewDisposeScope();
        Tensor? correct = null;
        var loss = _countCorrect ? LossOn(_order, start, count, out correct) : LossOn(_order, start, count);
        _model.ZeroGradients();
        loss.backward();
        _model.UpdateParameters();
        _losses.Add(loss.detach().DetachFromDisposeScope());
        // Counted before the update, with the loss; read with it when the steps settle.
        if (correct is not null) _corrects.Add(correct.DetachFromDisposeScope());
        _journal.Add((_order, start, count));
    }

    public IReadOnlyList<StepResult> Settle()
    {
        ThrowIfDisposed();
        if (_losses.Count == 0) return [];
        double[] values;
        int queued = _losses.Count;
        bool counted = _corrects.Count == queued;
        using (var scope = torch.NewDisposeScope())
        {
            var finite = torch.stack(_model.Parameters.Select(p => p.isfinite().all()).ToArray()).all();
            var losses = torch.stack(_losses).to_type(ScalarType.Float64);
            var parts = new List<Tensor> { losses, finite.reshape(1).to_type(ScalarType.Float64) };
            if (counted) parts.Add(torch.stack(_corrects).to_type(ScalarType.Float64));
            values = DeviceTransfers.ReadDoubles(torch.cat(parts.ToArray()));
        }
        foreach (var loss in _losses) loss.Dispose();
        _losses.Clear();
        foreach (var correct in _corrects) correct.Dispose();
        _corrects.Clear();

        bool allFinite = values[queued] == 1;
        for (int i = 0; i < queued && allFinite; i++) allFinite = double.IsFinite(values[i]);
        if (allFinite)
        {
            var results = new StepResult[queued];
            for (int i = 0; i < queued; i++)
                results[i] = counted ? StepResult.Done(values[i]) with { Correct = (int)values[queued + 1 + i] } : StepResult.Done(values[i]);
            if (_journal.Count >= SnapshotEvery) TakeSnapshot();
            return results;
        }
        return Replay(queued);
    }

    /// <summary>
    /// Back to the snapshot, then the journal's steps one by one with the eager check: those settled before must pass
    /// again, and the last <paramref name="window"/> are this settle's results, up to the first refused one.
    /// </summary>
    private List<StepResult> Replay(int window)
    {
        RestoreSnapshot();
        var journal = _journal.ToArray();
        var results = new List<StepResult>();
        for (int j = 0; j < journal.Length; j++)
        {
            StepResult result;
            using (var scope = torch.NewDisposeScope())
                result = _model.Step(LossOn(journal[j].Order, journal[j].Start, journal[j].Count));
            bool settledBefore = j < journal.Length - window;
            if (settledBefore)
            {
                if (!result.Applied)
                    throw new InvalidOperationException("Replaying training steps from the last snapshot refused a step that had passed before: libtorch computed differently the second time.");
                continue;
            }
            results.Add(result);
            if (!result.Applied) break;
        }
        TakeSnapshot();
        return results;
    }

    /// <summary>The loss of the samples order[start .. start + count), gathered on the device.</summary>
    private Tensor LossOn(Tensor order, int start, int count)
    {
        var (inputs, targets, labels) = Gather(order, start, count);
        return _model.LossOf(inputs, targets, labels);
    }

    /// <summary>The same, with the samples its outputs classified right where the loss reads labels (else null).</summary>
    private Tensor LossOn(Tensor order, int start, int count, out Tensor? correct)
    {
        var (inputs, targets, labels) = Gather(order, start, count);
        return _model.LossOf(inputs, targets, labels, out correct);
    }

    private (Tensor Inputs, Tensor? Targets, Tensor? Labels) Gather(Tensor order, int start, int count)
    {
        var rows = order.narrow(0, start, count);
        var inputs = _inputs.index_select(0, rows);
        return (inputs, _targets is null ? null : ReferenceEquals(_targets, _inputs) ? inputs : _targets.index_select(0, rows),
            _labels?.index_select(0, rows));
    }

    /// <summary>The model was changed by another call (an eager step, new weights or optimizer state): start from here.</summary>
    internal void ModelChangedOutside()
    {
        if (!_disposed) TakeSnapshot();
    }

    private void TakeSnapshot()
    {
        DisposeSnapshot();
        using (torch.NewDisposeScope())
        using (torch.no_grad())
            _weights = _model.Parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        _optimizerState = _model.Optimizer.Snapshot();
        _journal.Clear();
        foreach (var order in _orders)
            if (!ReferenceEquals(order, _order)) order.Dispose();
        _orders.Clear();
        if (_order is not null) _orders.Add(_order);
    }

    private void RestoreSnapshot()
    {
        using (torch.no_grad())
            for (int p = 0; p < _weights!.Length; p++) _model.Parameters[p].copy_(_weights[p]);
        _model.Optimizer.Restore(_optimizerState);
    }

    private void DisposeSnapshot()
    {
        if (_weights is not null)
            foreach (var t in _weights) t.Dispose();
        _weights = null;
        if (_optimizerState.Slots is { } slots)
            foreach (var slot in slots)
                foreach (var t in slot) t.Dispose();
        _optimizerState = default;
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _model.ThrowIfDisposed();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var loss in _losses) loss.Dispose();
        _losses.Clear();
        foreach (var correct in _corrects) correct.Dispose();
        _corrects.Clear();
        DisposeSnapshot();
        foreach (var order in _orders) order.Dispose();
        _orders.Clear();
        _inputs.Dispose();
        if (_targets is not null && !ReferenceEquals(_targets, _inputs)) _targets.Dispose();
        _labels?.Dispose();
        _model.Released(this);
    }
}
