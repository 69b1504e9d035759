using TorchSharp;

namespace Bridge.Torch;

/// <summary>
/// Where torch computes: "cpu", "cuda" (device 0), "cuda:N", or "auto" (CUDA when available, else CPU).
/// Asking for CUDA where there is none gives an error that names the reason.
/// </summary>
public static class TorchDevice
{
    /// <summary>Resolves a device name to a torch device, or throws naming why it cannot be had.</summary>
    /// <exception cref="ArgumentException">The name is not a device name.</exception>
    /// <exception cref="BackendUnavailableException">CUDA was asked for and cannot be used here.</exception>
    public static torch.Device Resolve(string? name)
    {
        string text = (name ?? "cpu").Trim().ToLowerInvariant();
        if (text == "cpu") return torch.CPU;
        if (text == "auto") return CudaAvailable(out _) ? torch.CUDA : torch.CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (text.Length > 4 && (!int.TryParse(text.AsSpan(5), out index) || index < 0))
                throw new ArgumentException($"'{name}' is not a CUDA device: use cuda or cuda:N with N = 0, 1, ….");
            if (!CudaAvailable(out string reason))
                throw new BackendUnavailableException("torch", $"CUDA was asked for ({text}) but {reason}");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new BackendUnavailableException("torch", $"{text} was asked for but this machine has {count} CUDA device{(count == 1 ? "" : "s")} (cuda:0{(count > 1 ? $"..cuda:{count - 1}" : "")}).");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Unknown device '{name}': expected cpu, cuda, cuda:N or auto.");
    }

    /// <summary>
    /// Whether libtorch lets cuBLAS multiply float32 matrices in TF32 (a 10-bit mantissa; the errors it makes are in
    /// src/Bridge.Torch/README.md, "TF32"): a process-wide switch of libtorch, off by default since PyTorch 1.12, on with
    /// TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1. Bridge leaves it as it finds it and reports it with a CUDA device.
    /// </summary>
    public static bool Tf32ForFloat32Products => torch.backends.cuda.matmul.allow_tf32;

    /// <summary>Whether CUDA can be used, and if not, why.</summary>
    public static bool CudaAvailable(out string reason)
    {
        TorchRuntime.EnsureLoaded();
        if (!TorchRuntime.CudaCapable)
        {
            reason = TorchRuntime.External is { Folder: { } folder }
                ? $"the libtorch that {ExternalLibTorch.LibTorchVariable} names ({folder}) has no CUDA (no libtorch_cuda.so)."
                : "this build references the CPU-only libtorch (libtorch-cpu). Build with -p:TorchCuda=true " +
                  "(it references TorchSharp-cuda-linux instead; your NuGet source must have it) on a machine with an NVIDIA driver, " +
                  $"or point {ExternalLibTorch.LibTorchVariable} at a CUDA libtorch (such as Python's torch) and {ExternalLibTorch.ShimVariable} " +
                  "at a LibTorchSharp built for it (see src/Bridge.Torch/README.md).";
            return false;
        }
        if (!torch.cuda.is_available())
        {
            reason = "libtorch found no usable CUDA device: no NVIDIA driver is loaded or no GPU is visible to this process (check nvidia-smi and CUDA_VISIBLE_DEVICES).";
            return false;
        }
        reason = "";
        return true;
    }
}
