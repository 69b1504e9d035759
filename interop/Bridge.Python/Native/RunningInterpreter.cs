using System.Runtime.InteropServices;

namespace Bridge.Python.Native;

/// <summary>What an interpreter that is already running in this process (started by pythonnet, say) says about itself.</summary>
internal static unsafe class RunningInterpreter
{
    public static PythonInstallation Describe(CPython api, string libraryPath)
    {
        // Raw calls: Bridge's own GIL scopes need Python.Api, which is not published until this returns. If the
        // thread that started Python still holds the GIL, this blocks here — the embedder must release it
        // (pythonnet: PythonEngine.BeginAllowThreads()) before other threads can use Python, Bridge's or its own.
        int state = api.PyGILState_Ensure();
        try
        {
            string? executable = SysString(api, "executable");
            string? prefix = SysString(api, "prefix");
            var path = new List<string>();
            fixed (byte* name = "path\0"u8)
            {
                IntPtr list = api.PySys_GetObject(name); // borrowed
                if (list != IntPtr.Zero)
                {
                    nint count = api.PyObject_Length(list);
                    for (nint i = 0; i < count; i++)
                    {
                        IntPtr index = api.PyLong_FromLongLong(i);
                        IntPtr item = api.PyObject_GetItem(list, index);
                        api.Py_DecRef(index);
                        if (item == IntPtr.Zero) break;
                        if (Utf8(api, item) is { Length: > 0 } entry) path.Add(entry);
                        api.Py_DecRef(item);
                    }
                }
                if (api.PyErr_Occurred() != IntPtr.Zero) api.PyErr_Clear();
            }
            string version = (Marshal.PtrToStringUTF8(api.Py_GetVersion()) ?? "?").Split(' ')[0];
            return new PythonInstallation(libraryPath, executable, version, prefix, path,
                "the interpreter already running in this process (started by another embedder, such as pythonnet)");
        }
        finally
        {
            api.PyGILState_Release(state);
        }
    }

    private static string? SysString(CPython api, string attribute)
    {
        fixed (byte* name = Python.Utf8(attribute))
        {
            IntPtr value = api.PySys_GetObject(name); // borrowed
            return value == IntPtr.Zero ? null : Utf8(api, value);
        }
    }

    private static string? Utf8(CPython api, IntPtr str)
    {
        if (CPython.TypeOf(str) != api.UnicodeType) return null;
        nint length;
        byte* utf8 = api.PyUnicode_AsUTF8AndSize(str, &length);
        if (utf8 == null)
        {
            api.PyErr_Clear();
            return null;
        }
        return System.Text.Encoding.UTF8.GetString(utf8, (int)length);
    }
}
