using System.Runtime.InteropServices;

namespace Bridge.Python.Native;

/// <summary>
/// dlopen with RTLD_GLOBAL. .NET's own loader opens libraries RTLD_LOCAL, which hides libpython's symbols from the
/// extension modules Python later loads (numpy fails with "undefined symbol: PyExc_RecursionError"), so libpython is
/// opened here first, globally.
/// </summary>
internal static partial class Dl
{
    private const int RtldNow = 0x002;
    private const int RtldGlobal = 0x100;

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dlerror")]
    private static partial IntPtr DlError();

    /// <summary>Opens <paramref name="path"/> globally, or throws with the loader's reason.</summary>
    public static IntPtr OpenGlobal(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return NativeLibrary.Load(path);
        IntPtr handle = DlOpen(path, RtldNow | RtldGlobal);
        if (handle == IntPtr.Zero)
        {
            string reason = Marshal.PtrToStringUTF8(DlError()) ?? "unknown reason";
            throw new DllNotFoundException($"Could not load {path}: {reason}");
        }
        return handle;
    }
}
