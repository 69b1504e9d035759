using Bridge.Python;

namespace Bridge.Python.Tests;

[Collection(PythonCollection.Name)]
public sealed class NumpyArrayTests
{
    public NumpyArrayTests() => PythonFixture.Require();

    [SkippableFact]
    public void Doubles_round_trip_with_their_shape()
    {
        double[] values = [1, 2.5, -3, double.Epsilon, double.MaxValue, -0.0];
        using var array = NumpyArrays.FromDoubles(values, 2, 3);
        Assert.Equal("(2, 3)", array.GetAttr("shape").ToString());
        Assert.Equal(-3.0, array[(0, 2)].ToDouble());
        var back = NumpyArrays.ToDoubles(array, out var shape);
        Assert.Equal([2, 3], shape);
        Assert.Equal(values, back);
    }

    [SkippableFact]
    public void Floats_round_trip_and_widen()
    {
        float[] values = [0.1f, 1e-38f, 3e38f];
        using var array = NumpyArrays.FromFloats(values, 3);
        Assert.Equal("float32", array.GetAttr("dtype").ToString());
        Assert.Equal(values, NumpyArrays.ToFloats(array, out _));
        Assert.Equal(values.Select(v => (double)v), NumpyArrays.ToDoublesWidening(array, out _));
    }

    [SkippableFact]
    public void Arrays_copy_into_an_existing_buffer()
    {
        double[] values = [3, 1, 4, 1, 5, 9];
        using var array = NumpyArrays.FromDoubles(values, 3, 2);
        var into = new double[6];
        NumpyArrays.CopyTo(array, into);
        Assert.Equal(values, into);
        using var transposed = array.GetAttr("T");
        NumpyArrays.CopyTo(transposed, into);
        Assert.Equal([3.0, 4, 5, 1, 1, 9], into);
        Assert.Contains("room for 5", Assert.Throws<ArgumentException>(() => NumpyArrays.CopyTo(array, new double[5])).Message);
        using var floats = NumpyArrays.FromFloats([1f], 1);
        Assert.Contains("float32", Assert.Throws<ArgumentException>(() => NumpyArrays.CopyTo(floats, new double[1])).Message);
    }

    [SkippableFact]
    public void Empty_arrays_round_trip()
    {
        using var array = NumpyArrays.FromDoubles([], 0, 4);
        Assert.Equal("(0, 4)", array.GetAttr("shape").ToString());
        Assert.Empty(NumpyArrays.ToDoubles(array, out var shape));
        Assert.Equal([0, 4], shape);
    }

    [SkippableFact]
    public void Ten_million_elements_round_trip()
    {
        var values = new double[10_000_000];
        for (int i = 0; i < values.Length; i++) values[i] = i * 0.5;
        using var array = NumpyArrays.FromDoubles(values, 10_000, 1_000);
        Assert.Equal(values.Sum(), array.CallMethod("sum").ToDouble());
        Assert.Equal(values, NumpyArrays.ToDoubles(array, out _));
    }

    [SkippableFact]
    public void Non_contiguous_arrays_are_read_in_logical_order()
    {
        using var array = NumpyArrays.FromDoubles([1, 2, 3, 4, 5, 6], 2, 3);
        using var transposed = array.GetAttr("T");
        Assert.Equal([1.0, 4, 2, 5, 3, 6], NumpyArrays.ToDoubles(transposed, out var shape));
        Assert.Equal([3, 2], shape);
        using var strided = array[(Slice(null, null, null), Slice(null, null, 2))];
        Assert.Equal([1.0, 3, 4, 6], NumpyArrays.ToDoubles(strided, out _));
    }

    [SkippableFact]
    public void Wrong_dtypes_and_shapes_are_refused_by_name()
    {
        using var numpy = Bridge.Python.Python.Import("numpy");
        using var ints = numpy.CallMethod("arange", 6);
        var error = Assert.Throws<ArgumentException>(() => NumpyArrays.ToDoubles(ints, out _));
        Assert.Contains("int64", error.Message);
        using var floats = NumpyArrays.FromFloats([1f], 1);
        Assert.Contains("float32", Assert.Throws<ArgumentException>(() => NumpyArrays.ToDoubles(floats, out _)).Message);
        using var notArray = PyObject.From(new[] { 1.0 });
        Assert.Contains("numpy array", Assert.Throws<ArgumentException>(() => NumpyArrays.ToDoubles(notArray, out _)).Message);
        Assert.Contains("holds 6 values", Assert.Throws<ArgumentException>(() => NumpyArrays.FromDoubles(new double[5], 2, 3)).Message);
    }

    private static PyObject Slice(object? start, object? stop, object? step)
    {
        using var slice = Bridge.Python.Python.Builtin("slice");
        return slice.Call(start, stop, step ?? (object?)null);
    }
}
