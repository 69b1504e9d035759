namespace Bridge;

/// <summary>
/// Which libtorch builds this process has loaded. TorchSharp's libtorch and the one Python's torch brings (which Keras
/// on torch loads) must never meet in one process: the second registers its operators into the first one's dispatcher
/// as it loads and the process aborts or segfaults, before any error can be caught. Backends ask here first, and refuse
/// with a message instead (the fix is a worker process: Bridge.Isolation).
/// Read from /proc/self/maps on Linux; elsewhere nothing is known and null is answered.
/// </summary>
public static class LibTorchInProcess
{
    /// <summary>The file of Python torch's libtorch binding, when Python's torch is loaded here.</summary>
    public static string? PythonTorch => MappedFile("libtorch_python");

    /// <summary>TorchSharp's native library, when TorchSharp's libtorch is loaded here.</summary>
    public static string? TorchSharp => MappedFile("libLibTorchSharp");

    private static string? MappedFile(string nameFragment)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string path = line[slash..];
                if (Path.GetFileName(path).Contains(nameFragment, StringComparison.Ordinal)) return path;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
