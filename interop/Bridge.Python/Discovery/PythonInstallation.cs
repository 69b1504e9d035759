namespace Bridge.Python;

/// <summary>The Python Bridge found: which library, for which interpreter, and how it was found.</summary>
/// <param name="FoundBy">The rule that found it, e.g. "BRIDGE_PYTHON=/usr/bin/python3".</param>
/// <param name="SysPath">The interpreter's sys.path (empty when only a library was given: Python's defaults apply).</param>
public sealed record PythonInstallation(
    string LibraryPath,
    string? Executable,
    string? Version,
    string? Prefix,
    IReadOnlyList<string> SysPath,
    string FoundBy)
{
    public override string ToString() =>
        $"Python {Version ?? "?"} ({LibraryPath}{(Executable is null ? "" : $", {Executable}")}; found by {FoundBy})";
}

/// <summary>No usable shared libpython was found; the message lists every place tried and how to fix it.</summary>
public sealed class PythonNotFoundException(string message) : Exception(message);
