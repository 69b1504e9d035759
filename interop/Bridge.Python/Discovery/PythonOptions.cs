namespace Bridge.Python;

/// <summary>
/// How to find and start Python. Everything is optional: by default Bridge looks, in order, at
/// <c>BRIDGE_PYTHON_LIB</c> (a libpython path) and pythonnet's <c>PYTHONNET_PYDLL</c>, <c>BRIDGE_PYTHON</c>
/// (an interpreter), the active conda environment (<c>CONDA_PREFIX</c>), the active virtualenv (<c>VIRTUAL_ENV</c>),
/// and <c>python3</c> on PATH.
/// </summary>
public sealed record PythonOptions
{
    /// <summary>The shared libpython to load (wins over everything else).</summary>
    public string? LibraryPath { get; init; }

    /// <summary>The interpreter whose environment to use (its libpython and its sys.path).</summary>
    public string? Executable { get; init; }

    /// <summary>Folders put in front of sys.path (the helper modules' folder is always added).</summary>
    public IReadOnlyList<string> ExtraPaths { get; init; } = [];

    /// <summary>
    /// Whether Python installs its own signal handlers (SIGINT → KeyboardInterrupt). Default false: Ctrl+C stays with
    /// .NET; interrupt Python code with <see cref="Python.Interrupt"/> or a cancellation token instead.
    /// </summary>
    public bool InstallSignalHandlers { get; init; }
}
