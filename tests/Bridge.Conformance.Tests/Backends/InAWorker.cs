using Bridge.Backends;
using Bridge.Isolation;

namespace Bridge.Conformance.Tests;

/// <summary>
/// A backend of the suite in a worker process (<c>.InWorkerProcess()</c>), held to the same contract and the same
/// bounds as in process: everything crosses as raw bytes. One worker serves the whole test class. Its models queue
/// steps where the backend's do; a gathering model's steps cross as whole batches (no model in a worker reads rows).
/// </summary>
public sealed class InAWorker<TInProcess> : BackendUnderTest where TInProcess : BackendUnderTest, new()
{
    private readonly TInProcess _inProcess = new();
    private readonly Lazy<IsolatedBackend> _worker;

    public InAWorker() =>
        _worker = new(() => ((IPortableBackend)_inProcess.Backend).InWorkerProcess());

    protected internal override IBackend Backend => _worker.Value;

    /// <summary>Decided here, without the worker: the same reasons as in process.</summary>
    public override string? CannotBuild(ModelSpec spec) => _inProcess.CannotBuild(spec);

    public override IBackend Reference => _inProcess.Reference;

    public override double Repeatability(Precision precision) => _inProcess.Repeatability(precision);

    public override double Chaining(Precision precision) => _inProcess.Chaining(precision);

    public override FastPath FastPath => _inProcess.FastPath == FastPath.Queued ? FastPath.Queued : FastPath.None;

    public override void Dispose()
    {
        if (_worker.IsValueCreated) _worker.Value.Dispose();
        _inProcess.Dispose();
        base.Dispose();
    }

    public override string ToString() => $"{_inProcess} (in a worker process)";
}
