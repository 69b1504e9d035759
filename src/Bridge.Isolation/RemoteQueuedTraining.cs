using Bridge.Backends;
using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// Queued training on a model in a worker: the steps go in requests of up to <see cref="StepsPerRequest"/> steps,
/// which bounds how long one request runs (a worker's call timeout applies to each) and how late a cancellation is
/// seen. The worker queues them on its model and settles them there, so the results, and the weights after a refused
/// step, are those of the model in process.
/// </summary>
internal sealed class RemoteQueuedTraining(RemoteQueuedTrainingModel model, int rows) : StepRunsTraining(rows, StepsPerRequest)
{
    /// <summary>Steps sent in one request at most.</summary>
    public const int StepsPerRequest = 256;

    protected override void UseOrder(ReadOnlySpan<int> order)
    {
        var copy = order.ToArray();
        model.Call(Op.QueuedEpoch, w => w.WriteInt32s(copy), "BeginEpoch");
    }

    protected override IReadOnlyList<StepResult> Run(int[] starts, int[] counts)
    {
        var r = model.Call(Op.QueuedSteps, w =>
        {
            w.Write(starts.Length);
            for (int i = 0; i < starts.Length; i++)
            {
                w.Write(starts[i]);
                w.Write(counts[i]);
            }
        }, "TrainStep (queued)");
        var results = new StepResult[r.ReadInt32()];
        for (int i = 0; i < results.Length; i++) results[i] = r.ReadStepResult();
        return results;
    }

    protected override void Release()
    {
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
