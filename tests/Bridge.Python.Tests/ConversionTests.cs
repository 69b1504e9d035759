using Bridge.Python;

namespace Bridge.Python.Tests;

[Collection(PythonCollection.Name)]
public sealed class ConversionTests
{
    public ConversionTests() => PythonFixture.Require();

    private static object? RoundTrip(object? value)
    {
        using var py = PyObject.From(value);
        return py.ToClr();
    }

    [SkippableFact]
    public void Scalars_round_trip()
    {
        Assert.Null(RoundTrip(null));
        Assert.Equal(true, RoundTrip(true));
        Assert.Equal(false, RoundTrip(false));
        Assert.Equal(42L, RoundTrip(42));
        Assert.Equal(long.MinValue, RoundTrip(long.MinValue));
        Assert.Equal(0.1, RoundTrip(0.1));
        Assert.Equal(double.PositiveInfinity, RoundTrip(double.PositiveInfinity));
        Assert.True(double.IsNaN((double)RoundTrip(double.NaN)!));
        Assert.Equal("grüße, 世界", RoundTrip("grüße, 世界"));
        Assert.Equal("", RoundTrip(""));
    }

    [SkippableFact]
    public void Containers_round_trip()
    {
        Assert.Equal(new object?[] { 1L, "two", 3.0, null }, (object?[])RoundTrip((1, "two", 3.0, (object?)null))!);
        Assert.Equal(new List<object?> { 1L, 2L, 3L }, (List<object?>)RoundTrip(new[] { 1, 2, 3 })!);
        Assert.Empty((List<object?>)RoundTrip(Array.Empty<int>())!);
        var dict = (Dictionary<object, object?>)RoundTrip(new Dictionary<string, object?> { ["a"] = 1, ["b"] = new[] { "x" } })!;
        Assert.Equal(1L, dict["a"]);
        Assert.Equal(new List<object?> { "x" }, dict["b"]);
    }

    [SkippableFact]
    public void Python_sees_the_values_it_was_given()
    {
        using var builtins = Bridge.Python.Python.Import("builtins");
        using var type = builtins.GetAttr("type");
        foreach (var (value, name) in new (object?, string)[] { (true, "bool"), (7, "int"), (7.5, "float"), ("s", "str"), (null, "NoneType"), ((1, 2), "tuple"), (new[] { 1 }, "list"), (new Dictionary<string, int>(), "dict") })
        {
            using var py = PyObject.From(value);
            using var t = type.Call(py);
            Assert.Equal(name, t.GetAttr("__name__").ToString());
        }
    }

    [SkippableFact]
    public void Calls_take_positional_and_keyword_arguments()
    {
        using var builtins = Bridge.Python.Python.Import("builtins");
        using var sorted = builtins.GetAttr("sorted");
        using var result = sorted.Call([new[] { 3, 1, 2 }], new Dictionary<string, object?> { ["reverse"] = true });
        Assert.Equal(new List<object?> { 3L, 2L, 1L }, result.ToClr());

        using var math = Bridge.Python.Python.Import("math");
        Assert.Equal(Math.Sqrt(2), math.CallMethod("sqrt", 2.0).ToDouble());
    }

    [SkippableFact]
    public void Attributes_and_items_can_be_read_and_written()
    {
        using var types = Bridge.Python.Python.Import("types");
        using var ns = types.CallMethod("SimpleNamespace");
        ns.SetAttr("answer", 42);
        Assert.True(ns.HasAttr("answer"));
        Assert.Equal(42, ns.GetAttr("answer").ToInt64());
        Assert.False(ns.HasAttr("question"));
        var error = Assert.Throws<PythonException>(() => ns.GetAttr("question"));
        Assert.Equal("AttributeError", error.TypeName);

        using var dict = PyObject.From(new Dictionary<string, object?>());
        dict.SetItem("k", new[] { 1.5 });
        Assert.Equal(1.5, dict["k"][0].ToDouble());
        Assert.Equal(1, dict.Length);
        Assert.Equal("KeyError", Assert.Throws<PythonException>(() => dict["missing"]).TypeName);
    }

    [SkippableFact]
    public void Wrong_conversions_are_refused_clearly()
    {
        using var text = PyObject.From("not a number");
        Assert.Equal("TypeError", Assert.Throws<PythonException>(() => text.ToDouble()).TypeName);
        Assert.Contains("no Python counterpart", Assert.Throws<ArgumentException>(() => PyObject.From(new object())).Message);
        using var big = PyObject.From(1e30).CallMethod("__int__");
        Assert.Equal("OverflowError", Assert.Throws<PythonException>(() => big.ToInt64()).TypeName);
    }
}
