using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Backends;
using Bridge.Formats;

namespace Bridge.Isolation;

/// <summary>
/// How a worker process is started: as this application again, with the worker's arguments and this assembly as a
/// startup hook (<see cref="StartupHook"/>), which takes the process over before the application's Main. The worker
/// therefore loads exactly the assemblies and native libraries of the application that asked for it, whatever that
/// application is (the command line, a lab, a test host).
/// <list type="bullet">
/// <item>Framework-dependent (a shared runtime): the dotnet host runs this application's entry assembly with this
/// process's own .deps.json and .runtimeconfig.json (which a test host, say, does not keep beside its entry assembly).
/// Where that configuration turns startup hooks off (a file-based program, <c>dotnet run app.cs</c>, is configured for
/// native AOT and turns them off although it runs on the JIT), the worker gets a copy that differs in that switch alone.</item>
/// <item>Self-contained (the runtime lives in the application's folder, and there is no dotnet host): the
/// application's own executable, which knows its files.</item>
/// </list>
/// </summary>
internal static class WorkerLaunch
{
    /// <summary>The variable that names startup hooks; the runtime runs them in order before Main.</summary>
    private const string StartupHooks = "DOTNET_STARTUP_HOOKS";

    /// <summary>The runtime configuration switch that allows startup hooks.</summary>
    private const string HooksSwitch = "System.StartupHookProvider.IsSupported";

    public static ProcessStartInfo StartInfo(string pipeName, BackendRecipe recipe)
    {
        bool hooksOff = AppContext.TryGetSwitch(HooksSwitch, out bool supported) && !supported;
        ProcessStartInfo info;
        if (SelfContained())
        {
            if (hooksOff)
                throw new InvalidOperationException(
                    "A worker process starts through a startup hook, and this self-contained application was built without startup hook support (StartupHookSupport=false, as trimming and native AOT set it). Run the backend in process instead.");
            info = ApplicationExecutable();
        }
        else info = DotnetExec(hooksOff);
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
    private static ProcessStartInfo DotnetExec(bool hooksOff)
    {
        var (deps, runtimeConfig) = ApplicationFiles();
        if (hooksOff) runtimeConfig = WithStartupHooks(runtimeConfig);
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

    /// <summary>
    /// A copy of <paramref name="runtimeConfig"/> that allows startup hooks, in the temporary folder, named after its
    /// contents (so each configuration is written once and never changes under a worker that reads it). A file of that
    /// name is used only if it holds exactly those contents: the temporary folder is shared, and a stale, damaged or
    /// planted file must not configure a worker.
    /// </summary>
    internal static string WithStartupHooks(string runtimeConfig)
    {
        var json = JsonNode.Parse(File.ReadAllText(runtimeConfig))
            ?? throw new InvalidOperationException($"{runtimeConfig} is empty.");
        var options = json["runtimeOptions"] as JsonObject
            ?? throw new InvalidOperationException($"{runtimeConfig} has no runtimeOptions.");
        if (options["configProperties"] is not JsonObject properties) options["configProperties"] = properties = new JsonObject();
        properties[HooksSwitch] = true;
        string text = json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        string copy = Path.Combine(Path.GetTempPath(), $"bridge-worker-{hash}.runtimeconfig.json");
        if (File.Exists(copy) && File.ReadAllBytes(copy).AsSpan().SequenceEqual(bytes)) return copy;
        try
        {
            AtomicFile.Write(copy, stream => stream.Write(bytes));
            return copy;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's file of that name, which this one may not replace: a name of this process's own.
            string own = Path.Combine(Path.GetTempPath(), $"bridge-worker-{hash}-{Environment.ProcessId}.runtimeconfig.json");
            AtomicFile.Write(own, stream => stream.Write(bytes));
            return own;
        }
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
