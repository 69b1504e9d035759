namespace Bridge.Backends;

/// <summary>
/// Which native libraries this process has loaded. Some backends' native runtimes abort a process they share (two
/// libtorch builds register their operators into one dispatcher as they load), before any error can be caught, so a
/// backend asks here first and refuses with a message instead; the fix is a worker process (Bridge.Isolation).
/// Read from /proc/self/maps on Linux; elsewhere nothing is known and null is answered.
/// </summary>
public static class NativeLibraries
{
    /// <summary>The path of a loaded library whose file name contains <paramref name="fileNameFragment"/>, or null.</summary>
    public static string? Loaded(string fileNameFragment)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileNameFragment);
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string path = line[slash..];
                if (Path.GetFileName(path).Contains(fileNameFragment, StringComparison.Ordinal)) return path;
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
