namespace Bridge.Testing;

/// <summary>
/// A Python helper module's own unit tests (plain unittest, in the test project's python folder, copied to
/// python-tests beside the test assembly with reference.py), run in process through Bridge's binding with the Python
/// the backends use.
/// </summary>
internal static class HelperModuleSuite
{
    /// <summary>Runs every test_*.py of python-tests; fails on a failure or an error, or when fewer than <paramref name="atLeast"/> ran.</summary>
    public static void Passes(int atLeast, bool noneSkipped)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "python-tests");
        using var runner = Bridge.Python.Python.Import("bridge_test_runner");
        using var result = runner.CallMethod("run", folder);
        var summary = (Dictionary<object, object?>)result.ToClr()!;
        string output = (string)summary["output"]!;
        Assert.True((long)summary["failures"]! == 0 && (long)summary["errors"]! == 0, output);
        Assert.True((long)summary["run"]! >= atLeast, $"too few Python tests ran:\n{output}");
        if (noneSkipped) Assert.True((long)summary["skipped"]! == 0, $"Python tests skipped where none may:\n{output}");
    }
}
