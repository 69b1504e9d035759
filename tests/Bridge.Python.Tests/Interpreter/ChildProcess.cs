using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Python.Tests;

/// <summary>
/// Python starts once per process, so a test of how it starts runs this test assembly again as a program of its own
/// (<c>dotnet Bridge.Python.Tests.dll report-interpreter</c>) in the environment under test, and reads what it prints.
/// </summary>
public static class ChildProcess
{
    private const string Marker = "REPORT ";

    public static string TestPythonFolder => Path.Combine(AppContext.BaseDirectory, "python");

    /// <summary>The child's entry point.</summary>
    public static int Main(string[] args)
    {
        if (args is not ["report-interpreter"])
        {
            Console.Error.WriteLine("usage: Bridge.Python.Tests report-interpreter");
            return 2;
        }
        var installation = Bridge.Python.Python.Initialize(new PythonOptions { ExtraPaths = [TestPythonFolder] });
        using var module = Bridge.Python.Python.Import("interpreter_report");
        using var report = module.CallMethod("report");
        Console.WriteLine(Marker + report);
        Console.WriteLine("FOUND-BY " + installation.FoundBy);
        return 0;
    }

    /// <summary>Runs the child with <paramref name="environment"/> changes (null removes a variable).</summary>
    public static (InterpreterReport Report, string Output) Run(IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        start.ArgumentList.Add("report-interpreter");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var (code, output) = Execute(start);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Marker));
        Assert.True(code == 0 && line is not null, $"the child process failed (exit code {code}):\n{output}");
        return (InterpreterReport.Parse(line![Marker.Length..]), output);
    }

    /// <summary>The same report from <paramref name="executable"/> run on its own, in the same environment: the truth.</summary>
    public static InterpreterReport Direct(string executable, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(File.ReadAllText(Path.Combine(TestPythonFolder, "interpreter_report.py")));
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var (code, output) = Execute(start);
        Assert.True(code == 0, $"{executable} failed (exit code {code}):\n{output}");
        return InterpreterReport.Parse(output.Trim().Split('\n')[^1]);
    }

    private static (int Code, string Output) Execute(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "did not finish in 2 minutes");
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}

/// <summary>What interpreter_report.py says.</summary>
public sealed record InterpreterReport(
    string Prefix, string BasePrefix, string Executable, IReadOnlyList<string> Path, string OsModule, string Version, bool PythonHandlesSigint)
{
    public static InterpreterReport Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new InterpreterReport(
            root.GetProperty("prefix").GetString()!,
            root.GetProperty("base_prefix").GetString()!,
            root.GetProperty("executable").GetString()!,
            root.GetProperty("path").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("os_module").GetString()!,
            root.GetProperty("version").GetString()!,
            root.GetProperty("python_handles_sigint").GetBoolean());
    }
}
