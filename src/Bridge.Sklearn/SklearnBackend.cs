using Bridge.Backends;
using Bridge.Python;
using Bridge.PythonBackends;

namespace Bridge.Sklearn;

/// <summary>
/// scikit-learn's MLPClassifier and MLPRegressor, in process through the embedded Python: Bridge's weights go into
/// coefs_/intercepts_, and each of Bridge's batches is one step by scikit-learn's own code: its backpropagation
/// (_backprop) and its optimizer's update, the two calls its stochastic fit makes per minibatch. Only specs
/// scikit-learn can express are built (<see cref="CannotBuild"/> says why not).
/// </summary>
public sealed class SklearnBackend : IPortableBackend
{
    private static readonly Lazy<(PyObject? Module, string Detail)> Helper = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public SklearnBackend()
    {
    }

    /// <summary>How a worker process makes it; scikit-learn's backend has no settings, so the argument is ignored.</summary>
    public SklearnBackend(string unused) => _ = unused;

    public string Name => "sklearn";

    public BackendRecipe Recipe => BackendRecipe.For<SklearnBackend>("");

    public BackendAvailability Availability =>
        Helper.Value.Module is null ? BackendAvailability.Unavailable(Helper.Value.Detail) : BackendAvailability.Available(Helper.Value.Detail);

    public string? CannotBuild(ModelSpec spec) => SklearnCompatibility.CannotBuild(spec);

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        if (CannotBuild(spec) is string reason) throw new ArgumentException($"The sklearn backend cannot build {spec.Describe()}: {reason}");
        var module = Helper.Value.Module ?? throw new BackendUnavailableException(Name, Helper.Value.Detail);
        return new SklearnModel(spec, initialWeights, module, Helper.Value.Detail);
    }

    private static (PyObject?, string) Load()
    {
        var (module, v, problem) = PythonBackendRuntime.Import("bridge_sklearn", "scikit-learn");
        return module is null
            ? (null, problem!)
            : (module, $"scikit-learn {v["sklearn"]}, numpy {v["numpy"]}, Python {PythonBackendRuntime.PythonVersion}");
    }
}
