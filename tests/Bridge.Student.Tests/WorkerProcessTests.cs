using Bridge.Comparison;
using Bridge.Isolation;

namespace Bridge.Student.Tests;

/// <summary>A student's module in a worker process (Bridge.Isolation), made again there from its recipe.</summary>
[Collection(PythonCollection.Name)]
public sealed class WorkerProcessTests
{
    [SkippableFact]
    public void A_correct_module_in_a_worker_passes_every_check()
    {
        using var isolated = StudentFixture.Python("correct.py").InWorkerProcess();
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, isolated);
        Assert.True(report.Passed, StudentFixture.Failures(report));
    }

    [SkippableFact]
    public void A_mistake_in_a_worker_gets_the_same_diagnosis()
    {
        using var isolated = StudentFixture.Python("sigmoid_derivative_for_tanh.py").InWorkerProcess();
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, isolated);
        Assert.Contains("tanh layers use the sigmoid's derivative", Assert.Single(StudentFixture.DiagnosesOf(report, isolated)));
    }

    [SkippableFact]
    public void A_call_blocked_in_c_is_ended_by_the_workers_time_limit()
    {
        // time.sleep cannot be interrupted in process (the watchdog's KeyboardInterrupt waits for the next bytecode);
        // the worker's call timeout kills the process instead, and the report says so.
        using var isolated = StudentFixture.Python("sleeps.py").InWorkerProcess(new WorkerOptions { CallTimeout = TimeSpan.FromSeconds(5) });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, isolated);
        var error = Assert.Single(report.Checks, c => c.Backend == isolated.Name && c.Name == CheckNames.Error);
        Assert.False(error.Passed);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
        Assert.Contains("worker process did not answer within 5 s and was killed", error.Detail);
        Assert.Contains("python:sleeps.py", error.Detail);
    }
}
