using Bridge.Python.Native;

namespace Bridge.Python;

/// <summary>
/// A Python exception, arrived in .NET: its Python type, its message and the formatted traceback (the text Python
/// would print), raised before Bridge changes any .NET state.
/// </summary>
public sealed class PythonException : Exception
{
    public PythonException(string typeName, string pythonMessage, string traceback, string context)
        : base($"{context}: {typeName}: {pythonMessage}" + (traceback.Length > 0 ? $"\n{traceback}" : ""))
    {
        TypeName = typeName;
        PythonMessage = pythonMessage;
        PythonTraceback = traceback;
    }

    /// <summary>The exception's Python type name (ValueError, ModuleNotFoundError, KeyboardInterrupt, …).</summary>
    public string TypeName { get; }

    /// <summary>str(exception) in Python.</summary>
    public string PythonMessage { get; }

    /// <summary>"Traceback (most recent call last): …" as Python formats it.</summary>
    public string PythonTraceback { get; }

    /// <summary>Whether Python was interrupted (KeyboardInterrupt), e.g. through a cancellation token.</summary>
    public bool IsInterrupt => TypeName == "KeyboardInterrupt";

    /// <summary>Takes the pending Python error (the GIL is held) and turns it into an exception.</summary>
    internal static unsafe PythonException Fetch(CPython api, string context)
    {
        IntPtr type, value, traceback;
        api.PyErr_Fetch(&type, &value, &traceback);
        if (type == IntPtr.Zero)
            return new PythonException("SystemError", "a call failed without setting a Python error", "", context);
        api.PyErr_NormalizeException(&type, &value, &traceback);
        using var typeObject = PyObject.StealOrNone(type);
        using var valueObject = PyObject.StealOrNone(value);
        using var tracebackObject = PyObject.StealOrNone(traceback);
        string typeName = Safely(() => typeObject.GetAttr("__name__").ToString(), "exception");
        string message = Safely(() => valueObject.ToString(), "");
        string formatted = Safely(() =>
        {
            using var module = Python.Import("traceback");
            using var lines = module.CallMethod("format_exception", typeObject, valueObject, tracebackObject);
            return string.Concat(lines.ToList().Select(line => { using (line) return line.ToString(); })).TrimEnd();
        }, "");
        return new PythonException(typeName, message, formatted, context);
    }

    private static string Safely(Func<string> read, string fallback)
    {
        try
        {
            return read();
        }
        catch (PythonException)
        {
            return fallback;
        }
    }
}
