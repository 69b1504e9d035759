using Bridge.Comparison;

namespace Bridge.Student.Tests;

/// <summary>The lab's Python template and the Python side's own unit tests.</summary>
[Collection(PythonCollection.Name)]
public sealed class LabTemplateTests
{
    [SkippableFact]
    public void The_unfilled_template_is_reported_with_its_first_todo()
    {
        var template = new PythonStudentBackend(StudentFixture.LabFile("my_net.py"));
        StudentFixture.RequirePython(template);
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, template);
        var error = Assert.Single(report.Checks, c => c.Backend == template.Name && c.Name == CheckNames.Error);
        Assert.Contains("forward in my_net.py raised NotImplementedError: forward: the forward pass", error.Detail);
        Assert.Contains("my_net.py\", line", error.Detail);
    }

    [SkippableFact]
    public void The_adapter_module_passes_its_own_tests()
    {
        StudentFixture.RequirePython(new PythonStudentBackend(StudentFixture.Module("correct.py")));
        string folder = Path.Combine(AppContext.BaseDirectory, "python-tests");
        using var runner = Bridge.Python.Python.Import("bridge_test_runner");
        using var result = runner.CallMethod("run", folder);
        var summary = (Dictionary<object, object?>)result.ToClr()!;
        string output = (string)summary["output"]!;
        Assert.True((long)summary["failures"]! == 0 && (long)summary["errors"]! == 0, output);
        Assert.True((long)summary["run"]! >= 9, $"too few Python tests ran:\n{output}");
    }
}
