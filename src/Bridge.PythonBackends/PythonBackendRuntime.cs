using Bridge.Python;
using Py = Bridge.Python.Python;

namespace Bridge.PythonBackends;

/// <summary>
/// Starts the embedded Python for a Python-backed backend and imports its helper module (shipped beside the backend's
/// assembly, in the python folder every Bridge application carries), turning every way this can fail (no Python, a
/// Python without the package the backend needs) into a reason a user can act on.
/// </summary>
internal static class PythonBackendRuntime
{
    /// <summary>Starts Python (once per process) or returns why it cannot start.</summary>
    public static string? StartProblem()
    {
        try
        {
            Py.Initialize();
            return null;
        }
        catch (PythonNotFoundException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Imports a helper module and reads its <c>versions()</c>, or returns why it does not import, with the fix for
    /// this machine. <paramref name="needs"/> names the package the backend needs (keras, scikit-learn, numpy).
    /// </summary>
    public static (PyObject? Module, IReadOnlyDictionary<object, object?> Versions, string? Problem) Import(string module, string needs)
    {
        if (StartProblem() is string problem) return (null, Empty, problem);
        PyObject imported;
        try
        {
            imported = Py.Import(module);
        }
        catch (PythonException e)
        {
            // The helper itself missing is a broken application folder, not a package to install.
            if (MissingModuleFix.MissingModule(e) == module)
                return (null, Empty, $"Bridge's helper module {module}.py is not in {Py.HelperFolder}, which Python searches: " +
                                     "the application was built or copied without its python folder (build it again, or copy that folder beside it).");
            return (null, Empty, ImportProblem(e, needs));
        }
        try
        {
            using var gil = Py.Gil();
            using var versions = imported.CallMethod("versions");
            return (imported, (Dictionary<object, object?>)versions.ToClr()!, null);
        }
        catch (PythonException e)
        {
            imported.Dispose();
            return (null, Empty, ImportProblem(e, needs));
        }
    }

    /// <summary>
    /// Why <paramref name="needs"/> does not import, and the fix for this machine: for a missing module, that module
    /// (numpy, say, where scikit-learn needs it) as well as the package the backend needs.
    /// </summary>
    public static string ImportProblem(PythonException e, string needs)
    {
        var packages = new List<MissingModuleFix.Package>();
        if (MissingModuleFix.MissingModule(e) is { } missing) packages.Add(MissingModuleFix.For(missing));
        packages.Add(MissingModuleFix.For(needs));
        return $"{needs} cannot be imported by {Py.Installation}: {e.TypeName}: {e.PythonMessage}. " +
               MissingModuleFix.Describe(packages, Py.Installation, MissingModuleFix.Surroundings.Real);
    }

    /// <summary>The Python version the backends report beside their packages' versions.</summary>
    public static string PythonVersion => Py.Installation.Version ?? "?";

    private static readonly IReadOnlyDictionary<object, object?> Empty = new Dictionary<object, object?>();
}
