using System.Runtime.InteropServices;
using Bridge.Python.Native;

namespace Bridge.Python;

/// <summary>
/// numpy arrays to and from .NET arrays with one copy: .NET → numpy fills the memory of a fresh numpy array
/// directly; numpy → .NET reads the array's memory through the buffer protocol. Arrays that are not C-contiguous are
/// made contiguous by numpy first (a second copy, on numpy's side).
/// </summary>
public static unsafe class NumpyArrays
{
    /// <summary>numpy.empty, looked up once.</summary>
    private static readonly Lazy<PyObject> Empty = new(() =>
    {
        using var numpy = Python.Import("numpy");
        return numpy.GetAttr("empty");
    });

    /// <summary>
    /// Reads a float64 array into <paramref name="destination"/> (which must hold exactly its values): the copy out of
    /// numpy without allocating a new .NET array.
    /// </summary>
    public static void CopyTo(PyObject array, Span<double> destination)
    {
        using var gil = Python.Gil();
        var api = Python.Api;
        PyBuffer view;
        if (api.PyObject_GetBuffer(array.Handle, &view, PyBuffer.CContiguous | PyBuffer.WithFormat) != 0)
        {
            api.PyErr_Clear();
            var values = ToDoubles(array, out _);
            if (values.Length != destination.Length)
                throw new ArgumentException($"The array holds {values.Length} values; the destination has room for {destination.Length}.");
            values.CopyTo(destination);
            return;
        }
        try
        {
            if (!IsFormat(view, 'd', 8)) throw new ArgumentException($"Expected a float64 numpy array, got dtype {DtypeName(array)}.");
            if (view.Len != destination.Length * 8L)
                throw new ArgumentException($"The array holds {view.Len / 8} values; the destination has room for {destination.Length}.");
            new ReadOnlySpan<byte>((void*)view.Buf, checked((int)view.Len)).CopyTo(MemoryMarshal.AsBytes(destination));
        }
        finally
        {
            api.PyBuffer_Release(&view);
        }
    }
    /// <summary>A float64 numpy array of <paramref name="shape"/> holding <paramref name="values"/> (row-major).</summary>
    public static PyObject FromDoubles(ReadOnlySpan<double> values, params int[] shape) => Create(MemoryMarshal.AsBytes(values), values.Length, shape, "float64");

    /// <summary>A float32 numpy array of <paramref name="shape"/> holding <paramref name="values"/> (row-major).</summary>
    public static PyObject FromFloats(ReadOnlySpan<float> values, params int[] shape) => Create(MemoryMarshal.AsBytes(values), values.Length, shape, "float32");

    /// <summary>A one-dimensional int32 numpy array holding <paramref name="values"/>: indices, an epoch's order.</summary>
    public static PyObject FromInt32s(ReadOnlySpan<int> values) => Create(MemoryMarshal.AsBytes(values), values.Length, [values.Length], "int32");

    /// <summary>The values of a float64 array, row-major, and its shape.</summary>
    /// <exception cref="ArgumentException">The array's dtype is not float64 (its dtype is named).</exception>
    public static double[] ToDoubles(PyObject array, out int[] shape) => Read<double>(array, 'd', "float64", out shape);

    /// <summary>The values of a float32 array, row-major, and its shape.</summary>
    public static float[] ToFloats(PyObject array, out int[] shape) => Read<float>(array, 'f', "float32", out shape);

    /// <summary>The values of a float32 or float64 array widened to double, whatever its dtype of the two.</summary>
    public static double[] ToDoublesWidening(PyObject array, out int[] shape)
    {
        using var gil = Python.Gil();
        string dtype = DtypeName(array);
        if (dtype == "float32") return ToFloats(array, out shape).Select(f => (double)f).ToArray();
        return ToDoubles(array, out shape);
    }

    private static PyObject Create(ReadOnlySpan<byte> bytes, int count, int[] shape, string dtype)
    {
        long expected = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative dimension.");
            expected *= d;
        }
        if (expected != count)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {expected} values, but {count} were given.");
        using var gil = Python.Gil();
        var array = Empty.Value.Call(shape.Select(d => (object?)d).ToArray().AsTuple(), dtype);
        try
        {
            var api = Python.Api;
            PyBuffer view;
            if (api.PyObject_GetBuffer(array.Handle, &view, PyBuffer.Writable | PyBuffer.CContiguous) != 0)
                throw PythonException.Fetch(api, "writing into a new numpy array");
            try
            {
                bytes.CopyTo(new Span<byte>((void*)view.Buf, checked((int)view.Len)));
            }
            finally
            {
                api.PyBuffer_Release(&view);
            }
            return array;
        }
        catch
        {
            array.Dispose();
            throw;
        }
    }

    private static T[] Read<T>(PyObject array, char format, string dtype, out int[] shape) where T : unmanaged
    {
        using var gil = Python.Gil();
        var api = Python.Api;
        PyBuffer view = default;
        if (api.PyObject_GetBuffer(array.Handle, &view, PyBuffer.CContiguous | PyBuffer.WithFormat) != 0)
        {
            // No C-contiguous buffer: not an array at all, or a strided one (a transpose, a slice with a step).
            api.PyErr_Clear();
            if (DtypeName(array) != dtype) throw WrongDtype(array, dtype);
            using var numpy = Python.Import("numpy");
            using var contiguous = numpy.CallMethod("ascontiguousarray", array);
            return Read<T>(contiguous, format, dtype, out shape);
        }
        try
        {
            if (!IsFormat(view, format, sizeof(T))) throw WrongDtype(array, dtype);
            shape = new int[view.NDim];
            for (int d = 0; d < view.NDim; d++) shape[d] = checked((int)((nint*)view.Shape)[d]);
            var result = new T[view.Len / sizeof(T)];
            new ReadOnlySpan<byte>((void*)view.Buf, checked((int)view.Len)).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
            return result;
        }
        finally
        {
            api.PyBuffer_Release(&view);
        }
    }

    /// <summary>Whether a buffer's items are the C type <paramref name="code"/> ('d', 'f') in native byte order.</summary>
    private static bool IsFormat(PyBuffer view, char code, int size)
    {
        if (view.ItemSize != size || view.Format == IntPtr.Zero) return false;
        var text = Marshal.PtrToStringAnsi(view.Format) ?? "";
        return text == code.ToString() || text == "<" + code || text == "=" + code || text == "@" + code;
    }

    private static ArgumentException WrongDtype(PyObject array, string dtype) => new(
        $"Expected a {dtype} numpy array, got dtype {DtypeName(array)}. Convert it in Python (array.astype('{dtype}')) or read it with the matching method.");

    private static string DtypeName(PyObject array)
    {
        if (!array.HasAttr("dtype"))
            throw new ArgumentException($"Expected a numpy array, got a Python {array.TypeName}.");
        using var dtype = array.GetAttr("dtype");
        using var name = dtype.GetAttr("name");
        return name.ToString();
    }

    private static System.Runtime.CompilerServices.ITuple AsTuple(this object?[] items) => new TupleItems(items);

    /// <summary>An array that converts to a Python tuple (shapes are tuples in numpy).</summary>
    private sealed class TupleItems(object?[] items) : System.Runtime.CompilerServices.ITuple
    {
        public object? this[int index] => items[index];
        public int Length => items.Length;
    }
}
