using System.Diagnostics;
using System.Text;

namespace Bridge.Examples.Tests;

/// <summary>One lab run the way a user runs it: <c>dotnet run examples/NAME.cs -- ARGS</c>, its exit code and output.</summary>
internal sealed record LabRun(int ExitCode, string Output)
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ExamplesFolder => Path.Combine(RepositoryRoot, "examples");

    public static LabRun Start(string lab, params string[] args) => StartWith(new Dictionary<string, string>(), lab, args);

    /// <summary>A run with some environment variables set (or, set to "", cleared) for this run alone.</summary>
    public static LabRun StartWith(IReadOnlyDictionary<string, string> environment, string lab, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in (string[])["run", $"examples/{lab}.cs", "--", .. args]) start.ArgumentList.Add(arg);
        start.Environment["BRIDGE_QUICK"] = "1";
        // A build server or a reused MSBuild node would inherit the output pipes and keep them open after the lab ends.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
            if (value.Length == 0) start.Environment.Remove(name);
            else start.Environment[name] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            return new LabRun(-1, $"{lab} did not finish in 10 minutes.\n{output}");
        }
        process.WaitForExit();
        lock (output) return new LabRun(process.ExitCode, output.ToString());
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Bridge.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException($"No Bridge.sln above {AppContext.BaseDirectory}.");
    }
}
