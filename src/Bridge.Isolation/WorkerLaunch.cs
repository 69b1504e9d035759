using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Bridge.Isolation;

/// <summary>
/// How a worker process is started: as this application again, with the worker's arguments and this assembly as a
/// startup hook (<see cref="StartupHook"/>), which takes the process over before the application's Main. The worker
/// therefore loads exactly the assemblies and native libraries of the application that asked for it, whatever that
/// application is (the command line, a lab, a test host).
/// <list type="bullet">
/// <item>Framework-dependent (a shared runtime): the dotnet host runs this application's entry assembly with this
/// process's own .deps.json and .runtimeconfig.json (which a test host, say, does not keep beside its entry assembly).</item>
/// <item>Self-contained (the runtime lives in the application's folder, and there is no dotnet host): the
/// application's own executable, which knows its files.</item>
/// </list>
/// </summary>
internal static class WorkerLaunch
{
    /// <summary>The variable that names startup hooks; the runtime runs them in order before Main.</summary>
    private const string StartupHooks = "DOTNET_STARTUP_HOOKS";

    public static ProcessStartInfo StartInfo(string pipeName, BackendRecipe recipe)
    {
        if (AppContext.TryGetSwitch("System.StartupHookProvider.IsSupported", out bool supported) && !supported)
            throw new InvalidOperationException(
                "A worker process starts through a startup hook, and this application was built without startup hook support (a trimmed or native AOT build). Run the backend in process instead.");
        var info = SelfContained() ? ApplicationExecutable() : DotnetExec();
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        foreach (string a in new[] { WorkerProtocol.WorkerFlag, pipeName, recipe.TypeName, recipe.Argument })
            info.ArgumentList.Add(a);
        // After any hooks the application already has, so they run in the worker as they do here. By simple name:
        // the runtime resolves it among the application's own assemblies (a path could hold the list's separator).
        string hook = typeof(WorkerLaunch).Assembly.GetName().Name!;
        string? existing = Environment.GetEnvironmentVariable(StartupHooks);
        info.Environment[StartupHooks] = string.IsNullOrEmpty(existing) ? hook : existing + Path.PathSeparator + hook;
        return info;
    }

    /// <summary>Whether this runtime was published with the application: its core library sits in the application's folder.</summary>
    internal static bool SelfContained()
    {
        string runtime = Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);
        string application = Path.GetFullPath(AppContext.BaseDirectory).TrimEnd(Path.DirectorySeparatorChar);
        return string.Equals(runtime, application, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <summary>A self-contained application's own executable (its apphost), which this process was started as.</summary>
    private static ProcessStartInfo ApplicationExecutable()
    {
        string? self = Environment.ProcessPath;
        string? entry = Assembly.GetEntryAssembly()?.GetName().Name;
        if (self is null || entry is null || !Path.GetFileNameWithoutExtension(self).Equals(entry, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"A worker process of a self-contained application is started as the application's own executable, and this process ({self ?? "unknown"}) is not the executable of its entry assembly ({entry ?? "none"}). Run the backend in process instead.");
        return new ProcessStartInfo(self);
    }

    /// <summary><c>dotnet exec --depsfile … --runtimeconfig … ENTRY.dll</c>, with this process's dotnet host and files.</summary>
    private static ProcessStartInfo DotnetExec()
    {
        var (deps, runtimeConfig) = ApplicationFiles();
        string entry = Assembly.GetEntryAssembly()?.Location is { Length: > 0 } location
            ? location
            : throw new InvalidOperationException("A worker process is started as this application again, and this process has no entry assembly on disk (a native host?). Run the backend in process instead.");
        var info = new ProcessStartInfo(DotnetHost());
        foreach (string a in new[] { "exec", "--depsfile", deps, "--runtimeconfig", runtimeConfig, entry })
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
                "A worker process is started with the application's .deps.json, and this application has none (a single-file build?). Run the backend in process instead.");
        string runtimeConfig = deps[..^".deps.json".Length] + ".runtimeconfig.json";
        if (!File.Exists(runtimeConfig))
            throw new InvalidOperationException($"A worker process is started with the application's runtime configuration, and {runtimeConfig} does not exist.");
        return (deps, runtimeConfig);
    }
}
