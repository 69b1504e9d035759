using Bridge.Python;

namespace Bridge.Python.Tests;

[Collection(PythonCollection.Name)]
public sealed class ExceptionTests
{
    public ExceptionTests() => PythonFixture.Require();

    [SkippableFact]
    public void An_exception_three_calls_deep_arrives_with_its_traceback()
    {
        using var module = Bridge.Python.Python.Import("nested_failure");
        var error = Assert.Throws<PythonException>(() => module.CallMethod("outer", 7));
        Assert.Equal("ValueError", error.TypeName);
        Assert.Equal("inner refused 7", error.PythonMessage);
        Assert.StartsWith("Traceback (most recent call last):", error.PythonTraceback);
        Assert.Contains("nested_failure.py", error.PythonTraceback);
        var order = new[] { "in outer", "in middle", "in inner" }.Select(f => error.PythonTraceback.IndexOf(f, StringComparison.Ordinal)).ToArray();
        Assert.All(order, i => Assert.True(i > 0));
        Assert.True(order[0] < order[1] && order[1] < order[2], error.PythonTraceback);
        Assert.Contains("ValueError: inner refused 7", error.Message);
    }

    [SkippableFact]
    public void A_module_that_raises_on_import_reports_why()
    {
        var error = Assert.Throws<PythonException>(() => Bridge.Python.Python.Import("broken_on_import"));
        Assert.Equal("RuntimeError", error.TypeName);
        Assert.Contains("refuses to be imported", error.PythonMessage);
        Assert.Contains("broken_on_import.py", error.PythonTraceback);
        Assert.Contains("import broken_on_import", error.Message);
    }

    [SkippableFact]
    public void A_missing_module_names_itself()
    {
        var error = Assert.Throws<PythonException>(() => Bridge.Python.Python.Import("no_such_module_here"));
        Assert.Equal("ModuleNotFoundError", error.TypeName);
        Assert.Contains("no_such_module_here", error.PythonMessage);
    }

    [SkippableFact]
    public void The_interpreter_keeps_working_after_an_error()
    {
        using var module = Bridge.Python.Python.Import("nested_failure");
        for (int i = 0; i < 100; i++) Assert.Throws<PythonException>(() => module.CallMethod("outer", i));
        using var math = Bridge.Python.Python.Import("math");
        Assert.Equal(3.0, math.CallMethod("sqrt", 9.0).ToDouble());
    }

    [SkippableFact]
    public void Python_code_is_interrupted_by_a_cancellation_token()
    {
        using var module = Bridge.Python.Python.Import("nested_failure");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var task = Task.Run(() =>
        {
            using var interrupt = Bridge.Python.Python.InterruptOn(cancellation.Token);
            return Assert.Throws<PythonException>(() => module.CallMethod("spin_forever"));
        });
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "the interrupt did not stop the Python loop");
        Assert.True(task.Result.IsInterrupt, task.Result.Message);
        using var math = Bridge.Python.Python.Import("math");
        Assert.Equal(2.0, math.CallMethod("sqrt", 4.0).ToDouble());
    }
}
