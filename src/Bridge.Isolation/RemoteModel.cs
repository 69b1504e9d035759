using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// A model that lives in a worker process: every <see cref="IModel"/> call crosses the pipe with its arguments as raw
/// bytes and comes back the same way, so the numbers are those of the model in process. Input is checked here as
/// well as there, so a bad batch never reaches the worker.
/// </summary>
internal class RemoteModel(WorkerProcess worker, int id, string backend, ModelSpec spec, string device) : IModel
{
    private bool _disposed;

    /// <summary>The model in a worker, as the caller's kind: one that queues steps where the worker's model does.</summary>
    public static RemoteModel Of(WorkerProcess worker, int id, string backend, ModelSpec spec, string device, bool queues) =>
        queues ? new RemoteQueuedTrainingModel(worker, id, backend, spec, device) : new RemoteModel(worker, id, backend, spec, device);

    public string Backend { get; } = backend;
    public string Device { get; } = device;
    public ModelSpec Spec { get; } = spec;

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Call(Op.ForwardRange, w => { w.WriteMatrix(inputs); w.Write(firstLayer); w.Write(endLayer); }, "ForwardRange").ReadMatrix();
    }

    public double Loss(Batch batch) => Call(Op.Loss, WithBatch(batch), "Loss").ReadDouble();

    public WeightSet Gradients(Batch batch) => Call(Op.Gradients, WithBatch(batch), "Gradients").ReadWeights();

    public StepResult TrainStep(Batch batch) => Call(Op.TrainStep, WithBatch(batch), "TrainStep").ReadStepResult();

    public WeightSet GetWeights() => Call(Op.GetWeights, _ => { }, "GetWeights").ReadWeights();

    public void SetWeights(WeightSet weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        Call(Op.SetWeights, w => w.WriteWeights(weights), "SetWeights");
    }

    public OptimizerState GetOptimizerState() => Call(Op.GetOptimizerState, _ => { }, "GetOptimizerState").ReadOptimizerState();

    public void SetOptimizerState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Call(Op.SetOptimizerState, w => w.WriteOptimizerState(state), "SetOptimizerState");
    }

    private Action<BinaryWriter> WithBatch(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.EnsureFits(Spec);
        return w => w.WriteBatch(batch);
    }

    internal BinaryReader Call(Op op, Action<BinaryWriter> write, string operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (op is not (Op.QueuedSteps or Op.QueuedEpoch or Op.EndQueuedTraining) && UnsettledSteps > 0)
            throw new InvalidOperationException($"{UnsettledSteps} queued training steps are not settled yet: call Settle() on the queued training first.");
        return worker.Call(op, w => { w.Write(id); write(w); }, operation);
    }

    /// <summary>Steps queued here and not yet sent to the worker: until they are, the worker's model does not show them.</summary>
    protected virtual int UnsettledSteps => 0;

    /// <summary>Whether a call can still reach the worker (the model is not disposed and the worker has not ended).</summary>
    internal bool Reachable => !_disposed && !worker.HasEnded;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (worker.HasEnded) return;
        try
        {
            worker.Call(Op.DisposeModel, w => w.Write(id), "Dispose");
        }
        catch (Exception e) when (e is WorkerCrashedException or ObjectDisposedException or InvalidOperationException)
        {
            // The worker is gone, and the model with it.
        }
    }
}
