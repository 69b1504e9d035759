using Bridge.Comparison;

namespace Bridge.Student.Tests;

/// <summary>A student's C# class through the whole harness: right passes, each mistake gets its diagnosis, failures are reported.</summary>
public sealed class CSharpStudentTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_correct_class_passes_every_check(bool writesStep)
    {
        IStudentNetwork network = writesStep ? new StepWriter(Mistake.None) : new CSharpBackprop();
        var student = new CSharpStudentBackend(network);
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, student);
        Assert.True(report.Passed, StudentFixture.Failures(report));
        Assert.Contains(writesStep ? "step: yours" : "step: Bridge's", report.Backends.Single(b => b.Name == student.Name).Device);
    }

    [Theory]
    [InlineData(Mistake.FlippedSign, "wrong sign")]
    [InlineData(Mistake.SigmoidDerivativeForTanh, "tanh layers use the sigmoid's derivative")]
    [InlineData(Mistake.MissingBiasGradient, "bias gradients are missing (all zeros) in every layer")]
    [InlineData(Mistake.SumOverBatch, "N = 8 (the batch size)")]
    public void A_class_with_one_mistake_gets_that_diagnosis(Mistake mistake, string expected)
    {
        var student = new CSharpStudentBackend(new CSharpBackprop(mistake));
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, student);
        Assert.False(report.Passed);
        Assert.Contains(expected, Assert.Single(StudentFixture.DiagnosesOf(report, student)));
    }

    [Fact]
    public void An_ascending_step_is_named()
    {
        var student = new CSharpStudentBackend(new StepWriter(Mistake.AscentStep));
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, student);
        Assert.Contains("ascent instead of descent", Assert.Single(StudentFixture.DiagnosesOf(report, student)));
        Assert.All(report.Checks.Where(c => c.Backend == student.Name && c.Name == CheckNames.Gradient), c => Assert.True(c.Passed));
    }

    [Fact]
    public void An_exception_is_reported_with_the_students_stack()
    {
        var student = new CSharpStudentBackend(new CSharpBackprop(Mistake.Throws));
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, student);
        var error = Assert.Single(report.Checks, c => c.Backend == student.Name && c.Name == CheckNames.Error);
        Assert.Contains("CSharpBackprop.Gradients threw InvalidOperationException: a deliberate failure in Gradients", error.Detail);
        Assert.Contains("CSharpBackprop.Gradients(", error.Detail);
    }

    [Fact]
    public void A_call_that_never_returns_is_reported_at_the_time_limit()
    {
        var student = new CSharpStudentBackend(new CSharpBackprop(Mistake.NeverReturns), timeLimit: TimeSpan.FromSeconds(3));
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, student);
        var error = Assert.Single(report.Checks, c => c.Backend == student.Name && c.Name == CheckNames.Error);
        CSharpBackprop.Hang.Set();
        Assert.Contains("CSharpBackprop.Gradients did not return within 3 s", error.Detail);
    }
}
