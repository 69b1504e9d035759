using Bridge.Backends;
using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// A backend that computes in a worker process of its own, behind the same <see cref="IBackend"/> and
/// <see cref="IModel"/> contracts: for a backend whose native runtime cannot share a process with another's
/// (TorchSharp's libtorch and the torch that Keras loads abort a process they share), or whose code may crash or
/// hang (a student's). Weights and batches cross as raw bytes, so results are bit for bit those of the backend in
/// process. A worker that dies takes only its own models with it: their calls throw
/// <see cref="WorkerCrashedException"/>, and the next <see cref="Build"/> starts a fresh worker.
/// </summary>
public sealed class IsolatedBackend : IBackend, IDisposable
{
    private readonly object _gate = new();
    private readonly IPortableBackend _inner;
    private WorkerProcess? _worker;
    private BackendAvailability? _availability;

    public IsolatedBackend(IPortableBackend backend, WorkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _inner = backend;
        Options = options ?? new WorkerOptions();
    }

    public string Name => _inner.Name;

    /// <summary>The backend as it would run in process (nothing of it has run here).</summary>
    public IPortableBackend Inner => _inner;

    public WorkerOptions Options { get; }

    /// <summary>The process id of the running worker, or null when none is running.</summary>
    public int? WorkerProcessId
    {
        get { lock (_gate) return _worker is { HasEnded: false } w ? w.ProcessId : null; }
    }

    /// <summary>Asked of the backend in the worker (asking here would load its runtime here); a worker that cannot start makes the backend unavailable, with the reason.</summary>
    public BackendAvailability Availability
    {
        get
        {
            lock (_gate)
            {
                if (_availability is { } known) return known;
                try
                {
                    var r = Worker().Call(Op.Availability, _ => { }, "the availability check");
                    return (_availability = new BackendAvailability(r.ReadBoolean(), r.ReadString()))!;
                }
                catch (Exception e) when (e is BackendUnavailableException or WorkerCrashedException or InvalidOperationException
                                               or IOException or System.ComponentModel.Win32Exception)
                {
                    string reason = e is BackendUnavailableException u ? u.Reason : $"its worker process could not start: {e.Message}";
                    return (_availability = BackendAvailability.Unavailable(reason))!;
                }
            }
        }
    }

    public string? CannotBuild(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (_gate) return Worker().Call(Op.CannotBuild, w => w.WriteSpec(spec), "CannotBuild").ReadNullableString();
    }

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        lock (_gate)
        {
            var worker = Worker();
            var r = worker.Call(Op.Build, w => { w.WriteSpec(spec); w.WriteWeights(initialWeights); }, "Build");
            int id = r.ReadInt32();
            string device = r.ReadString();
            bool queues = r.ReadBoolean();
            return RemoteModel.Of(worker, id, _inner.Name, spec, $"{device} (worker process {worker.ProcessId})", queues);
        }
    }

    /// <summary>The running worker, or a fresh one when there is none or the last one ended.</summary>
    private WorkerProcess Worker()
    {
        if (_worker is { HasEnded: false } running) return running;
        _worker?.Dispose();
        _worker = null;
        _worker = WorkerProcess.Start(_inner.Name, _inner.Recipe, Options.StartTimeout, Options.CallTimeout);
        return _worker;
    }

    /// <summary>Stops the worker; models built by it stop working.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _worker?.Dispose();
            _worker = null;
        }
    }

    public override string ToString() => $"{Name} (in a worker process)";
}

/// <summary>How long a worker may take.</summary>
public sealed record WorkerOptions
{
    /// <summary>From start to greeting: the runtime, the backend's constructor. Default 2 minutes.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Any one call (a step, a forward pass; the first availability check imports the backend's runtime, Keras and torch
    /// say). A worker that overruns it is killed and reported. Default: no limit.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = Timeout.InfiniteTimeSpan;
}

public static class Isolation
{
    /// <summary>
    /// This backend in a worker process of its own: <c>new KerasBackend().InWorkerProcess()</c>. The one call a library
    /// user needs to use, for example, Keras on torch and TorchSharp in the same application.
    /// </summary>
    public static IsolatedBackend InWorkerProcess(this IPortableBackend backend, WorkerOptions? options = null) => new(backend, options);
}
