using Bridge.Backends;
using Bridge.Python;
using Bridge.PythonBackends;

namespace Bridge.Keras;

/// <summary>
/// Keras 3, in process through the embedded Python, on whichever Keras backend the environment has (torch, jax or
/// tensorflow; chosen by <c>KERAS_BACKEND</c> or the <see cref="KerasBackend(string?)"/> argument, which must be set
/// before Keras is first imported in the process). Networks are built from Bridge's specs and weights, trained on
/// Bridge's batches with Keras's optimizers, and differentiated by the active backend's autodiff.
/// </summary>
public sealed class KerasBackend : IPortableBackend
{
    private static readonly object LoadLock = new();
    private static (PyObject? Module, string Detail, string? LoadedOn)? _imported;
    private readonly string? _kerasBackend;

    /// <param name="kerasBackend">torch, jax or tensorflow; null or empty keeps KERAS_BACKEND (Keras's default: tensorflow).</param>
    public KerasBackend(string? kerasBackend = null) => _kerasBackend = string.IsNullOrWhiteSpace(kerasBackend) ? null : kerasBackend.Trim();

    public string Name => "keras";

    public BackendRecipe Recipe => BackendRecipe.For<KerasBackend>(_kerasBackend ?? "");

    public BackendAvailability Availability
    {
        get
        {
            var (module, detail) = Helper();
            return module is null ? BackendAvailability.Unavailable(detail) : BackendAvailability.Available(detail);
        }
    }

    public string? CannotBuild(ModelSpec spec) => null;

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        var (module, detail) = Helper();
        if (module is null) throw new BackendUnavailableException(Name, detail);
        return new KerasModel(spec, initialWeights, module, detail);
    }

    /// <summary>The imported helper module, or why Keras cannot be used here with this instance's Keras backend.</summary>
    internal (PyObject? Module, string Detail) Helper()
    {
        lock (LoadLock)
        {
            string kerasOn = _kerasBackend ?? (_imported is { LoadedOn: { } on } ? on : Environment.GetEnvironmentVariable("KERAS_BACKEND") ?? "tensorflow");
            // Asked each time, not kept: whether TorchSharp is in the process depends on what ran before.
            if (kerasOn.Equals("torch", StringComparison.OrdinalIgnoreCase) && NativeLibraries.Loaded("libLibTorchSharp") is { } torchSharp)
                return (null,
                    $"Keras on torch would load Python's libtorch into a process that already holds TorchSharp's ({torchSharp}), " +
                    "and two libtorch builds abort a process they share. Run Keras in a worker process of its own: " +
                    "new KerasBackend().InWorkerProcess() (Bridge.Isolation); the command line and the labs do that by themselves.");
            var imported = _imported ??= Import(_kerasBackend);
            if (imported.Module is not null && _kerasBackend is not null && !string.Equals(imported.LoadedOn, _kerasBackend, StringComparison.OrdinalIgnoreCase))
                return (null, $"Keras was already started on the {imported.LoadedOn} backend in this process; {_kerasBackend} cannot be chosen any more " +
                              "(set KERAS_BACKEND before the first use, or run this backend in a worker process: InWorkerProcess()).");
            return (imported.Module, imported.Detail);
        }
    }

    /// <summary>
    /// Imports the helper once per process (Keras cannot be imported again on another backend): the module and the Keras
    /// backend it runs on, or why it does not import.
    /// </summary>
    private static (PyObject? Module, string Detail, string? LoadedOn) Import(string? kerasBackend)
    {
        if (PythonBackendRuntime.StartProblem() is string problem) return (null, problem, null);
        if (kerasBackend is not null)
        {
            // Keras reads KERAS_BACKEND once, at its first import; set it in Python's own environment.
            using var os = Bridge.Python.Python.Import("os");
            using var environ = os.GetAttr("environ");
            environ.SetItem("KERAS_BACKEND", kerasBackend);
        }
        var (module, v, importProblem) = PythonBackendRuntime.Import("bridge_keras", "keras");
        if (module is null) return (null, importProblem!, null);
        string loadedOn = (string?)v["backend"] ?? "?";
        return (module, $"Keras {v["keras"]} on {loadedOn}, Python {PythonBackendRuntime.PythonVersion}", loadedOn);
    }
}
