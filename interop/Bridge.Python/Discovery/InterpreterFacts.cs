using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Python;

/// <summary>What an interpreter says about itself: where its shared library is, its version and its sys.path.</summary>
public sealed record InterpreterFacts(
    string Executable,
    string Version,
    string Prefix,
    bool SharedLibrary,
    IReadOnlyList<string> LibraryCandidates,
    IReadOnlyList<string> SysPath)
{
    // Printed as JSON by the interpreter itself; only the standard library is used.
    private const string Script =
        "import json, sys, sysconfig, os\n" +
        "v = sysconfig.get_config_var\n" +
        "libdir = v('LIBDIR') or ''\n" +
        "names = [n for n in (v('INSTSONAME'), v('LDLIBRARY')) if n]\n" +
        "dirs = [libdir, os.path.join(libdir, v('MULTIARCH') or ''), os.path.join(sys.base_prefix, 'lib')]\n" +
        "cands = [os.path.join(d, n) for d in dirs for n in names if n.endswith(('.so', '.dylib')) or '.so.' in n]\n" +
        "print(json.dumps({'executable': sys.executable, 'version': sys.version.split()[0], 'prefix': sys.prefix,\n" +
        "  'shared': bool(v('Py_ENABLE_SHARED') or v('PY_ENABLE_SHARED')), 'libraries': cands,\n" +
        "  'path': [p for p in sys.path if p]}))\n";

    /// <summary>Runs <paramref name="executable"/> to ask it; null when it cannot be run or answers nonsense.</summary>
    public static InterpreterFacts? Probe(string executable, out string? problem)
    {
        problem = null;
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Script);
            using var process = Process.Start(start);
            if (process is null)
            {
                problem = "it could not be started";
                return null;
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                problem = "it did not answer within 30 s";
                return null;
            }
            if (process.ExitCode != 0)
            {
                problem = $"it exited with code {process.ExitCode}: {error.Result.Trim()}";
                return null;
            }
            using var json = JsonDocument.Parse(output.Result);
            var root = json.RootElement;
            return new InterpreterFacts(
                root.GetProperty("executable").GetString() ?? executable,
                root.GetProperty("version").GetString() ?? "?",
                root.GetProperty("prefix").GetString() ?? "",
                root.GetProperty("shared").GetBoolean(),
                root.GetProperty("libraries").EnumerateArray().Select(e => e.GetString()!).ToList(),
                root.GetProperty("path").EnumerateArray().Select(e => e.GetString()!).ToList());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            problem = e is System.ComponentModel.Win32Exception ? "it could not be run (not found or not executable)" : $"its answer could not be read ({e.Message})";
            return null;
        }
    }
}
