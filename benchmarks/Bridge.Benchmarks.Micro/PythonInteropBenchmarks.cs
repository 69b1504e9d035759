using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Bridge.Python;

namespace Bridge.Benchmarks.Micro;

/// <summary>
/// The cost of crossing into Python: a trivial call (taking the GIL each time, and inside one held scope), and moving
/// a double array to numpy and back, next to a plain copy of the same bytes.
/// </summary>
[MemoryDiagnoser]
public class PythonInteropBenchmarks
{
    private PyObject _abs = null!, _value = null!, _array = null!;
    private double[] _data = null!, _copy = null!;

    [Params(1_000, 1_000_000)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Python.Python.Initialize();
        using var builtins = Python.Python.Import("builtins");
        _abs = builtins.GetAttr("abs");
        _value = PyObject.From(-3);
        _data = Enumerable.Range(0, Elements).Select(i => i * 0.5).ToArray();
        _copy = new double[Elements];
        _array = NumpyArrays.FromDoubles(_data, Elements);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _abs.Dispose();
        _value.Dispose();
        _array.Dispose();
    }

    /// <summary>abs(-3), the GIL taken and released around the call.</summary>
    [Benchmark]
    public void TrivialCall()
    {
        using var result = _abs.Call(_value);
    }

    /// <summary>abs(-3) with the GIL already held by an enclosing scope (100 calls per scope).</summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public void TrivialCallInScope()
    {
        using var gil = Python.Python.Gil();
        for (int i = 0; i < 100; i++)
        {
            using var result = _abs.Call(_value);
        }
    }

    [Benchmark]
    public void ArrayToNumpy()
    {
        using var array = NumpyArrays.FromDoubles(_data, Elements);
    }

    /// <summary>numpy → a new .NET array (allocating it is part of the cost).</summary>
    [Benchmark]
    public double[] ArrayFromNumpy() => NumpyArrays.ToDoubles(_array, out _);

    /// <summary>numpy → an existing .NET array: the one copy alone.</summary>
    [Benchmark]
    public void ArrayFromNumpyInto() => NumpyArrays.CopyTo(_array, _copy);

    /// <summary>The floor: copying the same bytes within .NET.</summary>
    [Benchmark(Baseline = true)]
    public void Memcpy() => _data.AsSpan().CopyTo(_copy);
}
