using System.Runtime.InteropServices;

namespace Bridge.Torch;

/// <summary>
/// How much of a CUDA card's memory this process holds: what libtorch's caching allocator has taken from the card plus
/// the process's context, as the driver's management library (NVML) counts it per process. A training loop that leaks
/// tensors makes it grow, in the allocator's blocks of 2 MB and more; one that does not keeps it flat once warm. Other
/// processes on the card do not move it. Where NVML cannot say (no such library, or a process list that does not show
/// this process), the card's memory in use by everyone (the driver's total − free, through libcuda) stands in.
/// </summary>
public static class CudaMemory
{
    /// <summary>A reading: bytes, and whether they are this process's own or the whole card's.</summary>
    public readonly record struct Reading(long Bytes, bool ThisProcessOnly)
    {
        public override string ToString() => $"{Bytes >> 20} MB {(ThisProcessOnly ? "held by this process" : "in use on the card")}";
    }

    /// <summary>
    /// This process's memory on CUDA card <paramref name="device"/> (NVML's numbering, which is CUDA's on a machine with
    /// one card and no CUDA_VISIBLE_DEVICES), or null with the reason.
    /// </summary>
    public static Reading? Query(int device, out string reason)
    {
        reason = "";
        if (!OperatingSystem.IsLinux())
        {
            reason = "the card's memory is read through the NVIDIA driver's libraries on Linux only";
            return null;
        }
        if (ThisProcess(device, out string nvml) is long own) return new Reading(own, true);
        if (WholeCard(out string driver) is long used) return new Reading(used, false);
        reason = $"{nvml}; {driver}";
        return null;
    }

    private static long? ThisProcess(int device, out string reason)
    {
        try
        {
            int status = Nvml.Initialized.Value;
            if (status != 0)
            {
                reason = $"nvmlInit failed ({status})";
                return null;
            }
            status = Nvml.DeviceByIndex((uint)device, out IntPtr handle);
            if (status != 0)
            {
                reason = $"NVML has no device {device} ({status})";
                return null;
            }
            var processes = new Nvml.ProcessInfo[64];
            uint count = (uint)processes.Length;
            status = Nvml.ComputeProcesses(handle, ref count, processes);
            if (status != 0)
            {
                reason = $"NVML could not list the card's processes ({status})";
                return null;
            }
            int self = Environment.ProcessId;
            for (int i = 0; i < count; i++)
                if (processes[i].Pid == self && processes[i].UsedGpuMemory != ulong.MaxValue)
                {
                    reason = "";
                    return (long)processes[i].UsedGpuMemory;
                }
            reason = $"NVML lists {count} process{(count == 1 ? "" : "es")} on the card, not this one ({self})";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"no NVML ({e.Message.Split('\n')[0]})";
        }
        return null;
    }

    /// <summary>The card's total − free, on the calling thread's current CUDA context (libtorch makes one current on a thread that computed on the card).</summary>
    private static long? WholeCard(out string reason)
    {
        try
        {
            int result = Driver.MemGetInfo(out nuint free, out nuint total);
            if (result == 0)
            {
                reason = "";
                return (long)(total - free);
            }
            reason = result == 201
                ? "this thread has no current CUDA context (nothing ran on the card from it yet)"
                : $"cuMemGetInfo failed with CUDA error {result}";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"no CUDA driver library ({e.Message.Split('\n')[0]})";
        }
        return null;
    }

    private static class Nvml
    {
        /// <summary>nvmlProcessInfo_t as nvmlDeviceGetComputeRunningProcesses_v3 fills it.</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct ProcessInfo
        {
            public uint Pid;
            public ulong UsedGpuMemory;
            public uint GpuInstanceId;
            public uint ComputeInstanceId;
        }

        /// <summary>
        /// nvmlInit's status, from its one call in the process: each call adds to NVML's reference count, which only
        /// nvmlShutdown takes back, and a reading is taken again and again (every soak report). Kept for the process's life.
        /// </summary>
        public static readonly Lazy<int> Initialized = new(Init);

        [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlInit_v2")]
        private static extern int Init();

        [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
        public static extern int DeviceByIndex(uint index, out IntPtr device);

        [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetComputeRunningProcesses_v3")]
        public static extern int ComputeProcesses(IntPtr device, ref uint count, [Out] ProcessInfo[] infos);
    }

    private static class Driver
    {
        [DllImport("libcuda.so.1", EntryPoint = "cuMemGetInfo_v2")]
        public static extern int MemGetInfo(out nuint free, out nuint total);
    }
}
