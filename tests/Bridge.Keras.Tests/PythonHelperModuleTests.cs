using Bridge.Python;

namespace Bridge.Keras.Tests;

/// <summary>
/// The Python helper modules' own unit tests (interop/python/tests, plain unittest), run in process through the
/// bridge with the Python the backends use.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class PythonHelperModuleTests
{
    [SkippableFact]
    public void The_helper_modules_pass_their_own_tests()
    {
        PythonBackends.RequireSklearn();
        string folder = Path.Combine(AppContext.BaseDirectory, "python-tests");
        using var runner = Bridge.Python.Python.Import("bridge_test_runner");
        using var result = runner.CallMethod("run", folder);
        var summary = (Dictionary<object, object?>)result.ToClr()!;
        string output = (string)summary["output"]!;
        Assert.True((long)summary["failures"]! == 0 && (long)summary["errors"]! == 0, output);
        Assert.True((long)summary["run"]! >= 5, $"too few Python tests ran:\n{output}");
        if (PythonBackends.KerasRequired)
            Assert.True((long)summary["skipped"]! == 0, $"BRIDGE_REQUIRE_KERAS=1 (as in CI), and Python tests skipped:\n{output}");
    }
}
