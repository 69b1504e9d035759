using Bridge.Backends;
using Bridge.Python;
using Bridge.PythonBackends;
using Py = Bridge.Python.Python;

namespace Bridge.Student;

/// <summary>
/// A student's Python module (plain numpy, the contract in bridge_student.py beside this file and
/// examples/your-own-backprop) as a backend: <c>bridge-nn compare --backends managed,python:my_net.py</c>.
/// It runs in the embedded Python; being an <see cref="IPortableBackend"/> (its recipe is the module's full path),
/// it can run in a worker process too. The module is imported anew for every model built, so each model starts from
/// the module's own initial state.
/// <para>Available wherever Python with numpy starts. A module that is missing, does not import or lacks the
/// contract's functions is not "unavailable" but wrong: <see cref="Build"/> throws a <see cref="StudentCodeException"/>
/// with the reason and the traceback, which the harness reports as a failed check.</para>
/// </summary>
public sealed class PythonStudentBackend : IPortableBackend
{
    private static readonly Lazy<(PyObject? Helper, string Detail)> Helper = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _modules;

    /// <param name="modulePath">The student's .py file.</param>
    public PythonStudentBackend(string modulePath) : this(modulePath, TimeLimit.Default) { }

    /// <param name="modulePath">The student's .py file.</param>
    /// <param name="timeLimit">How long one call into the module may take.</param>
    public PythonStudentBackend(string modulePath, TimeSpan timeLimit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modulePath);
        if (timeLimit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeLimit), "The time limit must be positive.");
        ModulePath = Path.GetFullPath(modulePath);
        CallTimeLimit = timeLimit;
    }

    /// <summary>The student's file, as a full path.</summary>
    public string ModulePath { get; }

    public TimeSpan CallTimeLimit { get; }

    /// <summary>python:FILE.py, as the command line spells it.</summary>
    public string Name => $"python:{Path.GetFileName(ModulePath)}";

    public BackendRecipe Recipe => BackendRecipe.For<PythonStudentBackend>(ModulePath);

    public BackendAvailability Availability =>
        Helper.Value.Helper is null ? BackendAvailability.Unavailable(Helper.Value.Detail) : BackendAvailability.Available(Helper.Value.Detail);

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        var helper = Helper.Value.Helper ?? throw new BackendUnavailableException(Name, Helper.Value.Detail);
        if (!File.Exists(ModulePath))
            throw new StudentCodeException($"There is no file {ModulePath}: give the path of your .py file (python:path/to/my_net.py).");
        using var gil = Py.Gil();
        PyObject net;
        try
        {
            // A module name of its own per build: Python caches modules by name, and a student's file must be read afresh.
            net = helper.CallMethod("StudentNet", ModulePath, $"bridge_student_code_{Interlocked.Increment(ref _modules)}");
        }
        catch (PythonException e)
        {
            throw new StudentCodeException(e.TypeName == "StudentContractError"
                ? e.PythonMessage
                : $"{Path.GetFileName(ModulePath)} does not import: {e.TypeName}: {e.PythonMessage}\n{PythonStudentCode.StudentFrames(e.PythonTraceback)}", e);
        }
        return new StudentModel(Name, spec, initialWeights,
            new PythonStudentCode(helper, net, Path.GetFileName(ModulePath), Helper.Value.Detail, CallTimeLimit, spec.Precision));
    }

    private static (PyObject?, string) Load()
    {
        var (helper, v, problem) = PythonBackendRuntime.Import("bridge_student", "numpy");
        return helper is null ? (null, problem!) : (helper, $"Python {v["python"]}, numpy {v["numpy"]}");
    }
}
