using System.Diagnostics;

namespace Bridge.Python.Tests;

/// <summary>
/// One virtualenv of Debian's python3 for the tests that need one, made on first use (python3 -m venv, without pip:
/// nothing is installed into it) and deleted when the test process ends. Debian needs python3-venv for it.
/// </summary>
internal static class Virtualenv
{
    private static readonly Lazy<(string? Path, string? Problem)> Made = new(Make);

    public static string Path
    {
        get
        {
            Skip.If(Made.Value.Problem is not null, Made.Value.Problem);
            return Made.Value.Path!;
        }
    }

    private static (string?, string?) Make()
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bridge-venv-{Environment.ProcessId}");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["-m", "venv", "--without-pip", "--clear", folder]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(folder, recursive: true); }
                catch (IOException) { } // Left in the temporary folder: nothing depends on it any more.
            };
            return (folder, null);
        }
        return (null, $"no virtualenv could be made (Debian: apt-get install python3-venv): {error.Trim()}");
    }
}
