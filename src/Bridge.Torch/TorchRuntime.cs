using TorchSharp;

namespace Bridge.Torch;

/// <summary>
/// Loads libtorch once per process and remembers whether it worked, and if not, why (in words a user can act on).
/// </summary>
internal static class TorchRuntime
{
    private static readonly Lazy<(bool Loaded, string Detail)> State = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private static ExternalLibTorch? _external;

    public static bool Loaded => State.Value.Loaded;

    /// <summary>The libtorch version when loaded; otherwise the reason it is not.</summary>
    public static string Detail => State.Value.Detail;

    /// <summary>Whether this build references a CUDA-enabled libtorch (the TorchCuda build property).</summary>
    public static bool CudaBuild =>
#if BRIDGE_TORCH_CUDA
        true;
#else
        false;
#endif

    /// <summary>Whether this build carries no libtorch at all (BridgeLibTorch=external): it runs only on one that the environment names.</summary>
    public static bool ExternalBuild =>
#if BRIDGE_LIBTORCH_EXTERNAL
        true;
#else
        false;
#endif

    /// <summary>The libtorch named by BRIDGE_LIBTORCH / BRIDGE_LIBTORCHSHARP, when one is loaded (see <see cref="ExternalLibTorch"/>).</summary>
    public static ExternalLibTorch? External => Loaded ? _external : null;

    /// <summary>Whether the libtorch in use can have CUDA: a CUDA build, or an external libtorch with CUDA.</summary>
    public static bool CudaCapable => CudaBuild || External?.HasCuda == true;

    public static void EnsureLoaded()
    {
        if (!Loaded) throw new BackendUnavailableException("torch", Detail);
    }

    private static (bool, string) Load()
    {
        if (TorchBackend.PythonTorchInProcess is { } pythonTorch)
            return (false,
                $"Python's torch is already loaded in this process ({pythonTorch}), and TorchSharp's libtorch beside it would abort " +
                "the process. Run torch in a worker process of its own: new TorchBackend().InWorkerProcess() (Bridge.Isolation); " +
                "the command line and the labs do that by themselves.");
        try
        {
            _external = ExternalLibTorch.FromEnvironment();
        }
        catch (LibTorchLoadException e)
        {
            return (false, e.Message);
        }
        // Before TorchSharp looks for a libtorch of its own: failing to find one beside it, TorchSharp copies the
        // NuGet cache's CPU libtorch (half a gigabyte) into the application's folder and loads that.
        if (_external is null && ExternalBuild)
            return (false,
                $"This build carries no libtorch (it was built with BridgeLibTorch=external): set {ExternalLibTorch.LibTorchVariable} to a libtorch's " +
                $"lib folder and {ExternalLibTorch.ShimVariable} to a LibTorchSharp built for it (see src/Bridge.Torch/README.md).");
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            string library = _external?.Describe() ?? $"libtorch {torch.__version__} ({(CudaBuild ? "CUDA build" : "CPU build")})";
            return (true, $"{library}, {torch.get_num_threads()} threads");
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or InvalidOperationException or TypeInitializationException)
        {
            string first = e.Message.Split('\n', 2)[0].Trim();
            string hint = _external is not null
                ? $" The libtorch and LibTorchSharp named by {ExternalLibTorch.LibTorchVariable} and {ExternalLibTorch.ShimVariable} loaded, but TorchSharp could not use them ({_external.Describe()})."
                : File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"))
                ? " If the trace mentions GLIBCXX_3.4.32, this system's libstdc++ predates GCC 13: rebuild with the Bridge build, which adapts libLibTorchSharp.so (see src/Bridge.Torch/README.md)."
                : " The native libtorch files are missing from the output folder: reference the TorchSharp-cpu package (or TorchSharp-cuda-linux) and rebuild.";
            return (false, $"libtorch could not be loaded: {first}.{hint}");
        }
    }
}
