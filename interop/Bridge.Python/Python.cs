using System.Collections.Concurrent;
using System.Text;
using Bridge.Python.Native;

namespace Bridge.Python;

/// <summary>
/// The embedded CPython interpreter: one per process, started on first use (or by <see cref="Initialize"/>) and
/// never finalized — Py_Finalize with extension modules and foreign threads loaded is a known source of crashes at
/// exit, and the operating system reclaims everything anyway.
/// <para>Threads: the GIL is released as soon as Python has started, so .NET code never holds it while it runs.
/// Every operation on a <see cref="PyObject"/> takes the GIL itself (re-entrantly), so any .NET thread may call
/// into Python; wrap a sequence of calls in <c>using (Python.Gil())</c> to take it once for all of them.</para>
/// </summary>
public static unsafe class Python
{
    private static readonly object StartLock = new();
    private static readonly ConcurrentQueue<IntPtr> Orphans = new();
    private static volatile CPython? _api;
    private static PythonInstallation? _installation;
    private static string? _helperFolder;

    /// <summary>Whether the interpreter is running in this process.</summary>
    public static bool IsInitialized => _api is not null;

    /// <summary>The installation in use (after initialization).</summary>
    public static PythonInstallation Installation =>
        _installation ?? throw new InvalidOperationException("Python has not been initialized yet.");

    /// <summary>The folder of the Python helper modules shipped with Bridge (on sys.path).</summary>
    public static string HelperFolder => _helperFolder ??= Path.Combine(AppContext.BaseDirectory, "python");

    /// <summary>
    /// Whether Bridge started the interpreter (false when it found one already running in the process, started by
    /// another embedder such as pythonnet, and joined it).
    /// </summary>
    public static bool StartedByBridge { get; private set; }

    /// <summary>
    /// Finds and starts Python (once; later calls return the same installation, whatever their options). When this
    /// process already runs an interpreter (pythonnet started it, say), Bridge joins that one instead: it does not
    /// initialise it again, takes the GIL per call with PyGILState_Ensure like any other thread, and never finalises it.
    /// </summary>
    /// <exception cref="PythonNotFoundException">No usable shared libpython: the message lists what was tried.</exception>
    public static PythonInstallation Initialize(PythonOptions? options = null)
    {
        if (_api is not null) return _installation!;
        lock (StartLock)
        {
            if (_api is not null) return _installation!;
            options ??= new PythonOptions();
            // A libpython already in the process decides which Python this is: a second one would be a second,
            // separate interpreter (and two copies of every extension module's globals).
            string? loaded = Dl.LoadedPythonLibrary();
            var installation = loaded is null ? PythonLocator.Locate(options) : null;
            string libraryPath = loaded ?? installation!.LibraryPath;
            IntPtr handle;
            try
            {
                handle = Dl.OpenGlobal(libraryPath);
            }
            catch (DllNotFoundException e)
            {
                throw new PythonNotFoundException($"Python was found ({installation}) but its library would not load: {e.Message}");
            }
            var api = new CPython(handle);
            bool running = api.Py_IsInitialized() != 0;
            if (running)
            {
                installation = RunningInterpreter.Describe(api, libraryPath);
            }
            else
            {
                installation ??= JoinLoadedLibrary(libraryPath, options);
                InterpreterStart.Initialize(handle, api, installation.Executable, options.InstallSignalHandlers);
                // The starting thread holds the GIL now; let go of it for good (its thread state is kept, unused).
                api.PyEval_SaveThread();
            }
            StartedByBridge = !running;
            _installation = installation;
            _api = api;
            ConfigureSysPath(installation, options);
            return installation;
        }
    }

    /// <summary>
    /// A libpython is loaded but not started (pythonnet set up, not yet initialised): start it as the interpreter
    /// Bridge would have chosen if that is the same library, else with the library's own defaults.
    /// </summary>
    private static PythonInstallation JoinLoadedLibrary(string libraryPath, PythonOptions options)
    {
        try
        {
            var located = PythonLocator.Locate(options);
            if (SameFile(located.LibraryPath, libraryPath)) return located;
        }
        catch (PythonNotFoundException)
        {
            // The loaded library is enough.
        }
        return new PythonInstallation(libraryPath, null, null, null, [], "the libpython already loaded in this process");
    }

    private static bool SameFile(string a, string b)
    {
        static string Real(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        return Real(a) == Real(b);
    }

    [ThreadStatic]
    private static bool _threadStateKept;

    /// <summary>Takes the GIL for this thread until disposed. Re-entrant; usable from any .NET thread.</summary>
    public static GilScope Gil()
    {
        var api = Api;
        if (!_threadStateKept) KeepThreadState(api);
        var scope = new GilScope(api, api.PyGILState_Ensure());
        ReleaseOrphans(api);
        return scope;
    }

    /// <summary>
    /// Gives the calling thread a Python thread state that lives as long as the thread. Without one, every outermost
    /// GIL scope would create a thread state and delete it again (microseconds each); with one, taking the GIL is a
    /// lock acquisition. A thread's state is left behind when the thread ends (a few hundred bytes).
    /// </summary>
    private static void KeepThreadState(CPython api)
    {
        _threadStateKept = true;
        if (api.PyGILState_Check() == 1) return; // Inside a scope already (or the thread that started Python).
        api.PyGILState_Ensure();
        api.PyEval_SaveThread();
    }

    /// <summary>Imports a module: <c>Python.Import("numpy")</c>.</summary>
    public static PyObject Import(string module)
    {
        using var gil = Gil();
        var bytes = Utf8(module);
        fixed (byte* name = bytes)
            return PyObject.Steal(Api.PyImport_ImportModule(name), $"import {module}");
    }

    /// <summary>The builtins module's attribute <paramref name="name"/> (len, int, ValueError, …).</summary>
    public static PyObject Builtin(string name)
    {
        using var gil = Gil();
        using var builtins = Import("builtins");
        return builtins.GetAttr(name);
    }

    public static PyObject None
    {
        get
        {
            using var gil = Gil();
            return PyObject.Borrow(Api.None);
        }
    }

    /// <summary>
    /// Raises KeyboardInterrupt in the Python code running on the thread identified by <paramref name="pythonThread"/>
    /// (from <see cref="CurrentThreadIdent"/>), at its next bytecode boundary. Returns false if that thread runs no Python.
    /// </summary>
    public static bool Interrupt(ulong pythonThread)
    {
        using var gil = Gil();
        return Api.PyThreadState_SetAsyncExc(pythonThread, Api.KeyboardInterrupt) > 0;
    }

    /// <summary>The Python thread identifier of the calling thread.</summary>
    public static ulong CurrentThreadIdent => Api.PyThread_get_thread_ident();

    /// <summary>
    /// Interrupts Python code run by this thread when <paramref name="cancellation"/> fires: the running call ends with a
    /// <see cref="PythonException"/> of type KeyboardInterrupt. Dispose the registration when the Python work is done.
    /// </summary>
    public static IDisposable InterruptOn(CancellationToken cancellation)
    {
        Initialize();
        ulong thread = CurrentThreadIdent;
        return cancellation.Register(() => Interrupt(thread));
    }

    internal static CPython Api => _api ?? (Initialize() is not null ? _api! : throw new InvalidOperationException());

    /// <summary>Called from finalizers: the reference is dropped later, under the GIL, by whichever thread takes it next.</summary>
    internal static void ReleaseLater(IntPtr obj) => Orphans.Enqueue(obj);

    internal static int PendingReleases => Orphans.Count;

    private static void ReleaseOrphans(CPython api)
    {
        while (Orphans.TryDequeue(out var obj)) api.Py_DecRef(obj);
    }

    internal static byte[] Utf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static void ConfigureSysPath(PythonInstallation installation, PythonOptions options)
    {
        using var gil = Gil();
        using var sys = Import("sys");
        using var path = sys.GetAttr("path");
        var current = path.ToList().Select(p => p.ToString()).ToList();
        // What the interpreter reported when run on its own is there already when it was started as that interpreter;
        // this adds it where only a library was named (CPython's build defaults). Then ours in front of everything.
        foreach (var entry in installation.SysPath)
            if (!current.Contains(entry))
            {
                path.CallMethod("append", entry).Dispose();
                current.Add(entry);
            }
        foreach (var entry in options.ExtraPaths.Append(HelperFolder).Reverse())
            path.CallMethod("insert", 0, entry).Dispose();
    }
}

/// <summary>Holds the GIL for the current thread until disposed (PyGILState_Ensure / PyGILState_Release).</summary>
public readonly struct GilScope : IDisposable
{
    private readonly CPython? _api;
    private readonly int _state;

    internal GilScope(CPython api, int state)
    {
        _api = api;
        _state = state;
    }

    public void Dispose() => _api?.ReleaseGil(_state);
}

internal static unsafe class CPythonGil
{
    public static void ReleaseGil(this CPython api, int state) => api.PyGILState_Release(state);
}
