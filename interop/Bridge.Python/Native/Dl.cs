using System.Runtime.InteropServices;

namespace Bridge.Python.Native;

/// <summary>
/// dlopen with RTLD_GLOBAL. .NET's own loader opens libraries RTLD_LOCAL, which hides libpython's symbols from the
/// extension modules Python later loads (numpy fails with "undefined symbol: PyExc_RecursionError"), so libpython is
/// opened here first, globally. Also finds a libpython that something else (pythonnet) already loaded.
/// </summary>
internal static unsafe partial class Dl
{
    private const int RtldNow = 0x002;
    private const int RtldGlobal = 0x100;
    private static readonly IntPtr RtldDefault = IntPtr.Zero;

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dlerror")]
    private static partial IntPtr DlError();

    [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlSym(IntPtr handle, string symbol);

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public IntPtr FileName;
        public IntPtr BaseAddress;
        public IntPtr SymbolName;
        public IntPtr SymbolAddress;
    }

    [LibraryImport("libc", EntryPoint = "dladdr")]
    private static partial int DlAddr(IntPtr address, DlInfo* info);

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

    /// <summary>
    /// The file of the libpython already loaded globally in this process (by pythonnet, which loads it RTLD_GLOBAL,
    /// or by an earlier start), or null when none is. A second, different libpython in one process would be a second
    /// interpreter sharing nothing with the first; whoever loaded one first decides which Python the process runs.
    /// </summary>
    public static string? LoadedPythonLibrary()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        IntPtr symbol = DlSym(RtldDefault, "Py_IsInitialized");
        if (symbol == IntPtr.Zero) return null;
        DlInfo info;
        if (DlAddr(symbol, &info) == 0 || info.FileName == IntPtr.Zero) return null;
        return Marshal.PtrToStringUTF8(info.FileName);
    }
}
