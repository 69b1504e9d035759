using Bridge.Managed;
using Bridge.Python;
using Bridge.Sklearn;
using Python.Runtime;
using BridgePython = Bridge.Python.Python;
using BridgeObject = Bridge.Python.PyObject;
using NetObject = Python.Runtime.PyObject;

namespace Bridge.PythonNet.Tests;

/// <summary>
/// The programs the tests run, one process each: an application that uses pythonnet and Bridge's Python-backed
/// backends together, starting Python with one or the other. Exit code 0 and "OK" when everything held, 3 with
/// "SKIP reason" when this machine lacks what the scenario needs, anything else is a failure.
/// </summary>
public static class Scenarios
{
    public const int Skipped = 3;

    public static int Main(string[] args)
    {
        try
        {
            switch (args)
            {
                case ["pythonnet-first"]: PythonnetFirst(); break;
                case ["bridge-first"]: BridgeFirst(); break;
                default:
                    Console.Error.WriteLine("usage: Bridge.PythonNet.Tests pythonnet-first|bridge-first");
                    return 2;
            }
            Console.WriteLine("OK");
            return 0;
        }
        catch (SkipScenario skip)
        {
            Console.WriteLine($"SKIP {skip.Message}");
            return Skipped;
        }
    }

    /// <summary>pythonnet starts Python as its documentation says; Bridge joins that interpreter.</summary>
    private static void PythonnetFirst()
    {
        // pythonnet does not look for Python; Bridge's locator finds the library and the interpreter it belongs to.
        PythonInstallation found;
        try
        {
            found = PythonLocator.Locate(new PythonOptions());
        }
        catch (PythonNotFoundException e)
        {
            throw new SkipScenario(e.Message);
        }
        Runtime.PythonDLL = found.LibraryPath;
        if (found.Executable is not null) PythonEngine.ProgramName = found.Executable;
        PythonEngine.Initialize();
        PythonEngine.BeginAllowThreads();

        // From here on Bridge's own discovery fails (a library that does not exist wins over everything), so only
        // joining the interpreter already running can succeed; a second libpython would not be loaded either way.
        Environment.SetEnvironmentVariable("BRIDGE_PYTHON_LIB", "/nonexistent/libpython3.so");
        var joined = BridgePython.Initialize();
        Check(!BridgePython.StartedByBridge, "Bridge started Python although pythonnet had");
        Check(joined.LibraryPath == found.LibraryPath, $"Bridge uses {joined.LibraryPath}, pythonnet {found.LibraryPath}");
        UseBoth();
    }

    /// <summary>Bridge starts Python (a backend is used first); pythonnet, pointed at the same library, joins it.</summary>
    private static void BridgeFirst()
    {
        var sklearn = RequireSklearn();
        Check(BridgePython.StartedByBridge, "Bridge did not start Python although nothing else had");
        using (var model = sklearn.Build(Spec, Spec.Init.Draw(Spec, 1))) model.Forward(Inputs()).ToString();

        Runtime.PythonDLL = BridgePython.Installation.LibraryPath;
        PythonEngine.Initialize();
        PythonEngine.BeginAllowThreads();
        UseBoth();
    }

    private static readonly Mlp Spec = new(3, new Dense(5, Activation.Tanh), new Dense(3, Activation.Softmax));

    private static Matrix Inputs()
    {
        var rng = new Rng(5);
        var inputs = new Matrix(7, Spec.Inputs);
        for (int i = 0; i < inputs.Data.Length; i++) inputs.Data[i] = rng.Uniform(-1, 1);
        return inputs;
    }

    private static SklearnBackend RequireSklearn()
    {
        var sklearn = new SklearnBackend();
        var availability = sklearn.Availability;
        if (!availability.IsAvailable) throw new SkipScenario($"scikit-learn backend unavailable: {availability.Detail}");
        return sklearn;
    }

    /// <summary>Both bindings on one interpreter: one sys module, objects passed both ways, a backend, several threads.</summary>
    private static void UseBoth()
    {
        var sklearn = RequireSklearn();

        // One interpreter: the very same sys module object on both sides. (pythonnet 3 marks PyObject.Handle obsolete;
        // CPython's id() of an object is its PyObject* address, and needs no pythonnet internals.)
        using var bridgeSys = BridgePython.Import("sys");
        IntPtr netSys;
        using (Py.GIL())
        using (var sys = Py.Import("sys"))
            netSys = Address(sys);
        Check(bridgeSys.Handle == netSys, "Bridge and pythonnet see different sys modules: two interpreters");

        // pythonnet's object to Bridge: a numpy array made by pythonnet, read by Bridge.
        BridgeObject fromNet;
        double netSum;
        using (Py.GIL())
        {
            using var numpy = Py.Import("numpy");
            using NetObject array = numpy.InvokeMethod("linspace", new PyFloat(-1.0), new PyFloat(2.0), new PyInt(7));
            fromNet = BridgeObject.FromHandle(Address(array));
            netSum = array.InvokeMethod("sum").As<double>();
        }
        // pythonnet's reference is gone; Bridge's own keeps the array alive.
        var values = NumpyArrays.ToDoublesWidening(fromNet, out var shape);
        Check(shape is [7] && values.Sum() == netSum && values[0] == -1.0 && values[6] == 2.0,
            $"Bridge read [{string.Join(", ", values)}] from pythonnet's array (sum there {netSum})");
        fromNet.Dispose();

        // Bridge's object to pythonnet: a list built by Bridge, read through pythonnet, which has no public way to wrap
        // a PyObject*: ctypes turns the address into the object (with a reference of pythonnet's own).
        using (var list = BridgeObject.From(new[] { 1.5, 2.5, 4.0 }))
        using (Py.GIL())
        using (var seen = FromAddress(list.Handle))
        {
            Check(seen.Length() == 3 && seen[2].As<double>() == 4.0, $"pythonnet read {seen.Repr()} from Bridge's list");
        }

        // A Python-backed backend computes what the managed engine computes, with pythonnet in the same process.
        var weights = Spec.Init.Draw(Spec, 2);
        using (var model = sklearn.Build(Spec, weights))
        using (var managed = ManagedBackend.Batched.Build(Spec, weights))
        {
            double error = Agreement.RelativeError(model.Forward(Inputs()), managed.Forward(Inputs()));
            Check(error < 1e-12, $"sklearn and the managed engine differ by {error:E2} with pythonnet loaded");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        CallFromThreads();
        Console.WriteLine($"threads: {clock.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>Threads calling through both bindings at once; a GIL handed out wrongly deadlocks or corrupts.</summary>
    private static void CallFromThreads()
    {
        using var bridgeOperator = BridgePython.Import("operator");
        using var bridgeAdd = bridgeOperator.GetAttr("add");
        var failures = new int[6];
        var threads = Enumerable.Range(0, failures.Length).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                if (t % 2 == 0 || i % 3 == 0)
                {
                    using var sum = bridgeAdd.Call(t * 100_000, i);
                    if (sum.ToInt64() != t * 100_000 + i) failures[t]++;
                }
                if (t % 2 == 1 || i % 3 == 0)
                {
                    using (Py.GIL())
                    {
                        using var netOperator = Py.Import("operator");
                        using var sum = netOperator.InvokeMethod("add", new PyInt(t * 100_000), new PyInt(i));
                        if (sum.As<long>() != t * 100_000 + i) failures[t]++;
                    }
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        foreach (var thread in threads)
            Check(thread.Join(TimeSpan.FromMinutes(2)), "a thread did not finish within 2 minutes: a GIL deadlock");
        Check(failures.All(f => f == 0), $"wrong sums per thread: {string.Join(", ", failures)}");
    }

    /// <summary>The PyObject* of a pythonnet object: id(), which CPython defines as the object's address.</summary>
    private static IntPtr Address(NetObject value)
    {
        using var builtins = Py.Import("builtins");
        using var id = builtins.InvokeMethod("id", value);
        return new IntPtr(id.As<long>());
    }

    /// <summary>A pythonnet object for a PyObject* that Bridge holds: ctypes.cast(address, py_object).value.</summary>
    private static NetObject FromAddress(IntPtr handle)
    {
        using var ctypes = Py.Import("ctypes");
        using var pyObjectType = ctypes.GetAttr("py_object");
        using var address = new PyInt(handle.ToInt64());
        using var cast = ctypes.InvokeMethod("cast", address, pyObjectType);
        return cast.GetAttr("value");
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition) throw new InvalidOperationException(failure);
    }

    private sealed class SkipScenario(string reason) : Exception(reason);
}
