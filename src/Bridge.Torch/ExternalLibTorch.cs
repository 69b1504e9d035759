using System.Runtime.InteropServices;

namespace Bridge.Torch;

/// <summary>
/// A libtorch and a LibTorchSharp (TorchSharp's native shim) from outside the build output, named by two environment
/// variables and loaded before TorchSharp looks for its own (Linux):
/// <list type="bullet">
/// <item><c>BRIDGE_LIBTORCH</c>: the folder of libtorch's shared libraries (libtorch.so, libtorch_cpu.so, libc10.so,
/// and libtorch_cuda.so in a CUDA libtorch), such as the lib folder of Python's torch.</item>
/// <item><c>BRIDGE_LIBTORCHSHARP</c>: libLibTorchSharp.so built against that libtorch.</item>
/// </list>
/// TorchSharp finds both by name (it asks the loader for "torch_cpu", "torch_cuda" and "LibTorchSharp", first in the
/// application's folders, then as the system would): a library already loaded under that name (its SONAME) is the one
/// it gets. So they are loaded here first, globally, and the application's folders must not hold libraries of the same
/// names, which TorchSharp would load instead (build with <c>-p:BridgeLibTorch=external</c>, which leaves them out).
/// The shim is loaded with every symbol bound at once, so one that this libtorch lacks is named now, instead of
/// killing the process at its first call.
/// </summary>
internal sealed class ExternalLibTorch
{
    public const string LibTorchVariable = "BRIDGE_LIBTORCH";
    public const string ShimVariable = "BRIDGE_LIBTORCHSHARP";
    public const string ShimFile = "libLibTorchSharp.so";

    private ExternalLibTorch(string? folder, string shim, string version, bool hasCuda)
    {
        Folder = folder;
        Shim = shim;
        Version = version;
        HasCuda = hasCuda;
    }

    /// <summary>The libtorch folder, or null when only the shim was named (its libtorch is then found as the system finds it).</summary>
    public string? Folder { get; }

    /// <summary>The LibTorchSharp file loaded.</summary>
    public string Shim { get; }

    /// <summary>libtorch's version when its folder says it (Python's torch/version.py, a C++ distribution's build-version); else "of unknown version".</summary>
    public string Version { get; }

    /// <summary>Whether this libtorch was built with CUDA (it has libtorch_cuda.so).</summary>
    public bool HasCuda { get; }

    public string Describe() =>
        $"libtorch {Version}{(Folder is null ? "" : $" from {Folder}")} ({(HasCuda ? "CUDA" : "CPU")} build), LibTorchSharp {Shim}";

    /// <summary>
    /// Loads what the variables name, or returns null when neither is set (the build output's own libtorch is used).
    /// </summary>
    /// <exception cref="LibTorchLoadException">A named file is missing, does not load, or would be shadowed; the message says which and why.</exception>
    /// <param name="variables">Where the variables are read (the process's environment when null).</param>
    /// <param name="applicationFolders">Where TorchSharp would find libraries of its own (this application's when null).</param>
    public static ExternalLibTorch? FromEnvironment(Func<string, string?>? variables = null, IReadOnlyList<string>? applicationFolders = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        try
        {
            return Load(variables, applicationFolders);
        }
        // Every failure a LibTorchLoadException: the runtime reports it as the backend unavailable, where anything else
        // would escape its loading once and for all (the result is cached) and make every later question about torch throw.
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or ArgumentException or NotSupportedException)
        {
            throw new LibTorchLoadException(
                $"{LibTorchVariable}={variables(LibTorchVariable)}, {ShimVariable}={variables(ShimVariable)}: a path could not be used: {e.Message}");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new LibTorchLoadException(
                $"{LibTorchVariable} and {ShimVariable} are loaded through the system's dynamic loader (libdl.so.2, glibc's), which could not be used here: {e.Message}");
        }
    }

    private static ExternalLibTorch? Load(Func<string, string?> variables, IReadOnlyList<string>? applicationFolders)
    {
        string? Variable(string name) => variables(name) is { Length: > 0 } value ? value : null;
        string? folder = Variable(LibTorchVariable), shim = Variable(ShimVariable);
        if (folder is null && shim is null) return null;
        if (!OperatingSystem.IsLinux())
            throw new LibTorchLoadException($"{LibTorchVariable} and {ShimVariable} are read on Linux only; unset them here.");

        bool hasCuda = false;
        string version = "of unknown version";
        var searchFolders = applicationFolders ?? ApplicationNativeFolders();
        if (folder is not null)
        {
            // Without a trailing separator, which GetFullPath keeps: the folder is compared with the application's own below.
            folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
            string libtorch = Path.Combine(folder, "libtorch.so");
            if (!File.Exists(libtorch))
                throw new LibTorchLoadException(
                    $"{LibTorchVariable}={folder} holds no libtorch.so. Name the folder of libtorch's shared libraries, such as the lib folder of Python's torch: " +
                    "python3 -c \"import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))\".");
            foreach (string name in new[] { "libtorch_cpu.so", "libtorch_cuda.so", "libc10.so", "libtorch.so" })
                if (searchFolders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists) is { } shadow && Path.GetDirectoryName(shadow) != folder)
                    throw new LibTorchLoadException(
                        $"{LibTorchVariable} names the libtorch in {folder}, but this application carries its own ({shadow}), which TorchSharp would load beside it. " +
                        "Build or publish with -p:BridgeLibTorch=external, which leaves the packaged libtorch out.");
            // As Python's torch does on import: the libraries libtorch's kernels open by name later (cuDNN's, NVRTC)
            // loaded first, globally, through libtorch_global_deps.so where the folder has it. Where it does not load,
            // libtorch.so's own error below says what is missing.
            string globalDeps = Path.Combine(folder, "libtorch_global_deps.so");
            if (File.Exists(globalDeps)) Dl.Open(globalDeps, Dl.Lazy | Dl.Global);
            // libtorch.so brings libtorch_cpu, libc10 and, in a CUDA build, libtorch_cuda with it (found beside it).
            Open(libtorch, Dl.Lazy, LibTorchVariable);
            string cuda = Path.Combine(folder, "libtorch_cuda.so");
            if (File.Exists(cuda))
            {
                Open(cuda, Dl.Lazy, LibTorchVariable);
                hasCuda = true;
            }
            version = VersionIn(folder) ?? version;
        }

        if (shim is null)
        {
            shim = searchFolders.Select(f => Path.Combine(f, ShimFile)).FirstOrDefault(File.Exists)
                ?? throw new LibTorchLoadException(
                    $"{LibTorchVariable} is set and this application carries no {ShimFile}: set {ShimVariable} to a {ShimFile} built against the libtorch in {folder} (see src/Bridge.Torch/README.md).");
        }
        else
        {
            shim = Path.GetFullPath(shim);
            if (!File.Exists(shim)) throw new LibTorchLoadException($"{ShimVariable}={shim}: no such file.");
            if (searchFolders.Select(f => Path.Combine(f, ShimFile)).FirstOrDefault(File.Exists) is { } shadow && Path.GetFullPath(shadow) != shim)
                throw new LibTorchLoadException(
                    $"{ShimVariable} names {shim}, but this application carries its own {ShimFile} ({shadow}), which TorchSharp would load instead. " +
                    "Build or publish with -p:BridgeLibTorch=external, which leaves it out.");
        }
        var handle = Open(shim, Dl.Now, ShimVariable, folder);
        // TorchSharp asks for the shim by name; the loader answers with a loaded library of that SONAME.
        if (Dl.OpenLoaded(ShimFile) != handle)
            throw new LibTorchLoadException(
                $"{shim} loaded, but not under the name {ShimFile} (its SONAME differs), so TorchSharp would not find it: link it with -Wl,-soname,{ShimFile}.");
        return new ExternalLibTorch(folder, shim, version, hasCuda || Dl.OpenLoaded("libtorch_cuda.so") != IntPtr.Zero);
    }

    private static IntPtr Open(string path, int binding, string variable, string? libtorchFolder = null)
    {
        var handle = Dl.Open(path, binding | Dl.Global);
        if (handle != IntPtr.Zero) return handle;
        string error = Dl.LastError() ?? "unknown error";
        string hint = error.Contains("undefined symbol", StringComparison.Ordinal)
            ? $" The file was built against another libtorch than the one loaded{(libtorchFolder is null ? "" : $" from {libtorchFolder}")}: build it against that libtorch (src/Bridge.Torch/README.md, \"A libtorch of your own\")."
            : error.Contains("GLIBCXX", StringComparison.Ordinal)
                ? " This system's libstdc++ is older than the one it was built with."
                : "";
        throw new LibTorchLoadException($"{variable}: {path} could not be loaded: {error}.{hint}");
    }

    /// <summary>The folders where the runtime and TorchSharp look for native libraries first: the host's list and TorchSharp's own folder.</summary>
    private static IReadOnlyList<string> ApplicationNativeFolders()
    {
        var folders = ((AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        folders.Add(Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory);
        return folders.Select(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar)).Distinct().ToList();
    }

    /// <summary>The version a libtorch folder's surroundings state: Python's torch/version.py or a C++ distribution's build-version.</summary>
    private static string? VersionIn(string folder)
    {
        string parent = Path.GetDirectoryName(folder) ?? folder;
        try
        {
            string python = Path.Combine(parent, "version.py");
            if (File.Exists(python))
                foreach (string line in File.ReadLines(python))
                    if (line.StartsWith("__version__", StringComparison.Ordinal) && line.Split('\'', '"') is { Length: >= 2 } parts)
                        return parts[1];
            string cpp = Path.Combine(parent, "build-version");
            if (File.Exists(cpp)) return File.ReadAllText(cpp).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The version only describes the libtorch: one that cannot be read is unknown, not a reason to refuse it.
        }
        return null;
    }

    /// <summary>The system's dynamic loader. libdl.so.2 exports these on every glibc (from 2.34 on it forwards to libc).</summary>
    private static class Dl
    {
        public const int Lazy = 0x1, Now = 0x2, NoLoad = 0x4, Global = 0x100;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr DlOpen(string? file, int mode);

        [DllImport("libdl.so.2", EntryPoint = "dlerror")]
        private static extern IntPtr DlError();

        public static IntPtr Open(string path, int mode)
        {
            DlError(); // clear an earlier error
            return DlOpen(path, mode);
        }

        /// <summary>The handle of a library already loaded under <paramref name="name"/> (file name or SONAME), or zero.</summary>
        public static IntPtr OpenLoaded(string name) => DlOpen(name, Lazy | NoLoad);

        public static string? LastError() => Marshal.PtrToStringUTF8(DlError());
    }
}

/// <summary>An external libtorch or LibTorchSharp could not be loaded; the message names the file and the reason.</summary>
internal sealed class LibTorchLoadException(string message) : Exception(message);
