using System.Runtime.InteropServices;

namespace Bridge.Python.Native;

/// <summary>
/// Starts the interpreter as the named Python would start itself. CPython computes sys.prefix, sys.base_prefix,
/// sys.executable and sys.path (and so which standard library it imports) at initialisation, from its program name;
/// left to itself inside a .NET process it takes "python3" and searches PATH for it, which finds whatever Python
/// comes first there (pyenv's, say) rather than the one whose library was loaded. So the program name is set to the
/// chosen interpreter before Python starts, through the PyConfig API (CPython 3.8+). A virtualenv's interpreter
/// then finds its pyvenv.cfg (prefix = the venv, base_prefix = its base), a conda environment's its own prefix.
/// </summary>
internal static unsafe class InterpreterStart
{
    // PyConfig is a public struct whose size and field order change with every minor release (360 bytes in 3.8,
    // 448 in 3.13). Bridge never reads it by field: it is filled by PyConfig_InitPythonConfig and changed through
    // setters that take the whole struct, in a buffer far larger than any release's struct. The one field written
    // directly, install_signal_handlers, is at offset 16 in every release from 3.8 to 3.13 (the fifth int, after
    // _config_init, isolated, use_environment and dev_mode; checked with offsetof against each release's header).
    private const int ConfigBufferBytes = 4096;
    private const int InstallSignalHandlersOffset = 16;

    /// <summary>CPython's PyStatus, returned by value by the PyConfig functions.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PyStatus
    {
        public int Type; // 0 ok, 1 error, 2 exit
        public IntPtr Function;
        public IntPtr Message;
        public int ExitCode;

        public readonly bool Failed => Type != 0;

        public readonly string Describe(string step) =>
            $"{step} failed: {Marshal.PtrToStringUTF8(Message) ?? "no message"}" +
            (Function != IntPtr.Zero ? $" (in {Marshal.PtrToStringUTF8(Function)})" : "") +
            (Type == 2 ? $", exit code {ExitCode}" : "");
    }

    /// <summary>
    /// Initialises Python with <paramref name="programPath"/> as its program (null: CPython's own default, the
    /// library's build prefix). Throws <see cref="PythonNotFoundException"/> when CPython refuses the configuration,
    /// with its reason (a prefix without a standard library, for example).
    /// </summary>
    public static void Initialize(IntPtr library, CPython api, string? programPath, bool installSignalHandlers)
    {
        if (!TryExport(library, "PyConfig_InitPythonConfig", out var init)
            || !TryExport(library, "PyConfig_SetBytesArgv", out var setArgv)
            || !TryExport(library, "Py_InitializeFromConfig", out var initialize)
            || !TryExport(library, "PyConfig_Clear", out var clear))
        {
            // Before 3.8 there is no PyConfig; Bridge's other calls need 3.8 anyway, so this only keeps the old path.
            api.Py_InitializeEx(installSignalHandlers ? 1 : 0);
            return;
        }
        var initConfig = (delegate* unmanaged<byte*, void>)init;
        var setBytesArgv = (delegate* unmanaged<byte*, nint, byte**, PyStatus>)setArgv;
        var initializeFromConfig = (delegate* unmanaged<byte*, PyStatus>)initialize;
        var clearConfig = (delegate* unmanaged<byte*, void>)clear;

        byte* config = (byte*)NativeMemory.AllocZeroed(ConfigBufferBytes);
        try
        {
            // The "Python configuration": the environment (PYTHONPATH, PYTHONHOME, …) counts as it does for python3.
            initConfig(config);
            try
            {
                *(int*)(config + InstallSignalHandlersOffset) = installSignalHandlers ? 1 : 0;
                if (programPath is not null)
                {
                    // The program name is argv[0] when not set otherwise; setting it through argv needs no field
                    // offset. argv holds nothing else, so there are no options to parse.
                    byte[] program = Python.Utf8(programPath);
                    fixed (byte* p = program)
                    {
                        byte** argv = stackalloc byte*[1];
                        argv[0] = p;
                        var set = setBytesArgv(config, 1, argv);
                        if (set.Failed) throw new PythonNotFoundException($"Python could not be configured for {programPath}: {set.Describe("PyConfig_SetBytesArgv")}");
                    }
                }
                var started = initializeFromConfig(config);
                if (started.Failed)
                    throw new PythonNotFoundException(
                        $"Python did not start{(programPath is null ? "" : $" as {programPath}")}: {started.Describe("Py_InitializeFromConfig")}");
            }
            finally
            {
                clearConfig(config);
            }
        }
        finally
        {
            NativeMemory.Free(config);
        }
    }

    private static bool TryExport(IntPtr library, string name, out IntPtr address) =>
        NativeLibrary.TryGetExport(library, name, out address);
}
