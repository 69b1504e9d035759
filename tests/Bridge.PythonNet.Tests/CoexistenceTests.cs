using System.Diagnostics;

namespace Bridge.PythonNet.Tests;

/// <summary>pythonnet starts Python; Bridge joins it.</summary>
public sealed class PythonnetFirstTests
{
    [SkippableFact]
    public void Pythonnet_first_then_bridge_share_one_interpreter() => ScenarioRun.Expect("pythonnet-first");
}

/// <summary>Bridge starts Python; pythonnet, pointed at Bridge's library, joins it.</summary>
public sealed class BridgeFirstTests
{
    [SkippableFact]
    public void Bridge_first_then_pythonnet_share_one_interpreter() => ScenarioRun.Expect("bridge-first");
}

/// <summary>
/// Bridge beside pythonnet 3.2.1 in one application, either one starting Python: each order runs in a process of its
/// own (the interpreter is per process) and must end by itself, exit code 0. There are only two such processes, in
/// two test classes so that they run at the same time: pythonnet spends seconds at every process exit.
/// </summary>
internal static class ScenarioRun
{
    public static void Expect(string scenario)
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
