using System.Diagnostics;
using System.Runtime.InteropServices;
using Bridge.Backends;

namespace Bridge.Isolation;

/// <summary>
/// How a worker process is started: the .NET host that runs this process, this assembly as the program, and this
/// process's own dependency and runtime files, so the worker loads the same assemblies (and native libraries) as
/// the application that asked for it, whatever that application is (the command line, a lab, a test host).
/// </summary>
internal static class WorkerLaunch
{
    public static ProcessStartInfo StartInfo(string pipeName, BackendRecipe recipe)
    {
        var (deps, runtimeConfig) = ApplicationFiles();
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in new[] { "exec", "--depsfile", deps, "--runtimeconfig", runtimeConfig,
                     typeof(WorkerHost).Assembly.Location, WorkerProtocol.WorkerFlag, pipeName, recipe.TypeName, recipe.Argument })
            info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>The dotnet executable of the runtime this process runs on.</summary>
    private static string DotnetHost()
    {
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name) return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
        string? root = runtime.Parent?.Parent?.Parent?.FullName;
        if (root is not null && File.Exists(Path.Combine(root, name))) return Path.Combine(root, name);
        throw new InvalidOperationException(
            $"A worker process needs the dotnet host, and it was not found next to this runtime ({runtime.FullName}) nor in DOTNET_HOST_PATH.");
    }

    /// <summary>This application's .deps.json and .runtimeconfig.json, which the worker is started with.</summary>
    private static (string Deps, string RuntimeConfig) ApplicationFiles()
    {
        string? deps = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?
            .Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(); // the host separates them with ';' on every system
        if (deps is null || !File.Exists(deps))
            throw new InvalidOperationException(
                "A worker process is started with the application's .deps.json, and this application has none (a single-file or self-contained build?). Run the backend in process instead.");
        string runtimeConfig = deps[..^".deps.json".Length] + ".runtimeconfig.json";
        if (!File.Exists(runtimeConfig))
            throw new InvalidOperationException($"A worker process is started with the application's runtime configuration, and {runtimeConfig} does not exist.");
        return (deps, runtimeConfig);
    }
}
