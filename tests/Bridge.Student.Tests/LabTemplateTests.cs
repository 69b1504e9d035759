using Bridge.Comparison;
using Bridge.Testing;

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
        HelperModuleSuite.Passes(atLeast: 9, noneSkipped: true);
    }
}
