using System.Diagnostics;

namespace Bridge.PythonNet.Tests;

/// <summary>
/// Bridge beside pythonnet 3.2.1 in one application, either one starting Python: each order runs in a process of its
/// own (the interpreter is per process) and must end by itself, exit code 0. There are only two such processes:
/// pythonnet spends seconds at every process exit.
/// </summary>
public sealed class CoexistenceTests
{
    [SkippableFact]
    public void Pythonnet_first_then_bridge_share_one_interpreter() => Run("pythonnet-first");

    [SkippableFact]
    public void Bridge_first_then_pythonnet_share_one_interpreter() => Run("bridge-first");

    private static void Run(string scenario)
    {
        var start = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Scenarios).Assembly.Location);
        start.ArgumentList.Add(scenario);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{scenario} did not end within 3 minutes (a deadlock, or a hang at exit):\n{output.Result}{error.Result}");
        }
        string text = output.Result + error.Result;
        Skip.If(process.ExitCode == Scenarios.Skipped, text.Trim());
        Assert.True(process.ExitCode == 0 && text.Contains("OK"), $"{scenario} exited with code {process.ExitCode}:\n{text}");
    }

    private static string Dotnet =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
