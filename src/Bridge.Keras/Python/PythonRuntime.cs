using Bridge.Python;

namespace Bridge.Keras;

/// <summary>
/// Starts the embedded Python for the Python-backed backends and imports their helper modules, turning every way
/// this can fail (no Python, a Python without the package) into a reason a user can act on.
/// </summary>
internal static class PythonRuntime
{
    /// <summary>Starts Python (once per process) or returns why it cannot start.</summary>
    public static string? StartProblem()
    {
        try
        {
            Bridge.Python.Python.Initialize();
            return null;
        }
        catch (PythonNotFoundException e)
        {
            return e.Message;
        }
    }

    /// <summary>Imports a helper module, or returns why it does not import (with the Python error's type and message).</summary>
    public static (PyObject? Module, string? Problem) TryImport(string module, string needs)
    {
        if (StartProblem() is string problem) return (null, problem);
        try
        {
            return (Bridge.Python.Python.Import(module), null);
        }
        catch (PythonException e)
        {
            return (null, ImportProblem(e, needs));
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
        return $"{needs} cannot be imported by {Bridge.Python.Python.Installation}: {e.TypeName}: {e.PythonMessage}. " +
               MissingModuleFix.Describe(packages, Bridge.Python.Python.Installation, MissingModuleFix.Surroundings.Real);
    }

    public static PyObject ToNumpy(Matrix m) => NumpyArrays.FromDoubles(m.Data, m.Rows, m.Cols);

    public static PyObject ToNumpy(double[] values, params int[] shape) => NumpyArrays.FromDoubles(values, shape);

    public static Matrix ToMatrix(PyObject array)
    {
        var values = NumpyArrays.ToDoublesWidening(array, out var shape);
        return shape.Length switch
        {
            2 => new Matrix(shape[0], shape[1], values),
            1 => new Matrix(shape[0], 1, values),
            _ => throw new InvalidOperationException($"Expected a 1-D or 2-D array from Python, got shape [{string.Join(", ", shape)}]."),
        };
    }

    public static double[] ToValues(PyObject array) => NumpyArrays.ToDoublesWidening(array, out _);
}
