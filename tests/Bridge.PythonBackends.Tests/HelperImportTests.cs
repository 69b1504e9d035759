namespace Bridge.PythonBackends.Tests;

/// <summary>A backend's helper module missing from the application is a broken application, and is said to be one.</summary>
public sealed class HelperImportTests
{
    [SkippableFact]
    public void A_helper_missing_from_the_python_folder_is_named_with_the_folder_not_offered_as_a_package()
    {
        string? problem = PythonBackendRuntime.StartProblem();
        Skip.If(problem is not null, problem);
        var (module, _, reason) = PythonBackendRuntime.Import("bridge_no_such_helper", "keras");
        Assert.Null(module);
        Assert.Contains("bridge_no_such_helper.py is not in", reason);
        Assert.Contains(Bridge.Python.Python.HelperFolder, reason);
        Assert.DoesNotContain("pip install", reason);
    }
}
