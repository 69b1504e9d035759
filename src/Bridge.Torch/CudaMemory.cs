using System.Runtime.InteropServices;

namespace Bridge.Torch;

/// <summary>
/// How much of a CUDA card's memory is taken, as its driver counts it (total − free): what libtorch's caching allocator
/// holds for this process, plus the contexts, plus any other process on the card. A training loop that leaks tensors
/// makes it grow, in the allocator's blocks of 2 MB and more; one that does not keeps it flat once warm.
/// </summary>
public static class CudaMemory
{
    /// <summary>
    /// Bytes in use and in all on the card of the calling thread's current CUDA context, which libtorch makes current
    /// on a thread that computed on the card; null, with the reason, where there is none (no driver, or no CUDA work on
    /// this thread yet).
    /// </summary>
    public static (long Used, long Total)? Query(out string reason)
    {
        reason = "";
        if (!OperatingSystem.IsLinux())
        {
            reason = "the card's memory is read through libcuda.so.1, on Linux only";
            return null;
        }
        try
        {
            int result = Driver.MemGetInfo(out nuint free, out nuint total);
            if (result == 0) return ((long)(total - free), (long)total);
            reason = result == 201
                ? "this thread has no current CUDA context (nothing ran on the card from it yet)"
                : $"cuMemGetInfo failed with CUDA error {result}";
        }
        catch (DllNotFoundException)
        {
            reason = "no CUDA driver (libcuda.so.1) on this machine";
        }
        catch (EntryPointNotFoundException)
        {
            reason = "the CUDA driver (libcuda.so.1) lacks cuMemGetInfo_v2";
        }
        return null;
    }

    private static class Driver
    {
        [DllImport("libcuda.so.1", EntryPoint = "cuMemGetInfo_v2")]
        public static extern int MemGetInfo(out nuint free, out nuint total);
    }
}
