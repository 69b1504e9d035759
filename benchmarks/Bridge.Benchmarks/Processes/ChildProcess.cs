using System.Diagnostics;

namespace Bridge.Benchmarks;

/// <summary>What a process run to its end gave: its exit code, its output and how long it took from start to exit.</summary>
public sealed record ChildRun(int ExitCode, string Output, string Errors, double Seconds, bool TimedOut)
{
    /// <summary>The last lines of its error output, for a message.</summary>
    public string ErrorTail => string.Join(" | ", Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}

/// <summary>Runs a whole command the way a user waits for it: timed from starting the process to its exit.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Starts <paramref name="start"/> (output and errors captured), waits for it to exit or kills it after
    /// <paramref name="limit"/>, and returns what it gave. The clock starts just before the process does.
    /// </summary>
    public static ChildRun Run(ProcessStartInfo start, TimeSpan limit)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(limit);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else process.WaitForExit(); // the streams to their end
        double seconds = clock.Elapsed.TotalSeconds;
        return new ChildRun(exited ? process.ExitCode : -1, output.Result, errors.Result, seconds, !exited);
    }
}

/// <summary>
/// How to run this program (bridge-nn) again with other arguments, so that the bench's whole-command rows start it the
/// way a user does: its own executable, or <c>dotnet</c> with its assembly when it was started that way.
/// </summary>
public sealed record SelfCommand(string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The command that started this process.</summary>
    public static SelfCommand OfThisProcess()
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        string entry = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? "";
        return Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && entry.Length > 0
            ? new SelfCommand(path, [entry])
            : new SelfCommand(path, []);
    }

    public ProcessStartInfo With(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(FileName);
        foreach (var argument in LeadingArguments.Concat(arguments)) start.ArgumentList.Add(argument);
        return start;
    }
}
