using Bridge.Backends;
using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// A worker's model that queues training steps (<see cref="IQueuedTrainingModel"/>, as the torch and keras backends'
/// do): through the trainer, the data set crosses the pipe once per fit, and the steps of an epoch cross in a few
/// requests instead of one round trip each (see <see cref="RemoteQueuedTraining"/>).
/// </summary>
internal sealed class RemoteQueuedTrainingModel(WorkerProcess worker, int id, string backend, ModelSpec spec, string device)
    : RemoteModel(worker, id, backend, spec, device), IQueuedTrainingModel
{
    private RemoteQueuedTraining? _open;

    public IQueuedTraining BeginQueuedTraining(Matrix inputs, Matrix targets, int[]? labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (_open is not null) throw new InvalidOperationException("This model is already training on a resident data set; dispose that first.");
        // Shapes, labels and inputs are checked here, so most bad data never crosses; the worker's model checks it all
        // again (the targets too, where its loss reads them) before it changes anything.
        InputChecks.ResidentData(Spec, inputs, targets, labels, readsTargets: false);
        Call(Op.BeginQueuedTraining, w => w.WriteResidentData(inputs, targets, labels), "BeginQueuedTraining");
        return _open = new RemoteQueuedTraining(this, inputs.Rows);
    }

    protected override int UnsettledSteps => _open?.Unsettled ?? 0;

    internal void Released(RemoteQueuedTraining training)
    {
        if (ReferenceEquals(_open, training)) _open = null;
    }
}
