using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Comparison;

namespace Bridge.Isolation.Tests;

/// <summary>
/// A worker that dies, hangs or throws is that backend's failure, reported with what happened; the caller, and every
/// other backend's results, carry on.
/// </summary>
public sealed class WorkerFaultTests
{
    private static readonly Mlp Spec = new(2, new Dense(6, Activation.Tanh), new Dense(2, Activation.Softmax));
    private static readonly Dataset Data = Datasets.Spirals(samples: 64, classes: 2, seed: 5);

    [Theory]
    [InlineData("abort", "SIGABRT", 134)]
    [InlineData("kill", "SIGKILL", 137)]
    public void A_worker_that_dies_mid_step_is_reported_with_its_signal_and_last_words(string fault, string signal, int exitCode)
    {
        using var backend = new FaultyBackend($"{fault}:2").InWorkerProcess();
        using var model = backend.Build(Spec, seed: 1);
        var batch = Data.ToBatch(Spec);
        model.TrainStep(batch);

        var crash = Assert.Throws<WorkerCrashedException>(() => model.TrainStep(batch));

        Assert.Contains($"killed by {signal} (exit code {exitCode})", crash.Message);
        Assert.Contains("during TrainStep", crash.Message);
        Assert.Contains($"faulty: step 2, about to {fault}", crash.Message);
        Assert.Same(crash, Assert.Throws<WorkerCrashedException>(() => model.GetWeights()));

        // The backend itself recovers: the next model gets a fresh worker.
        using var next = backend.Build(Spec, seed: 1);
        Assert.True(next.TrainStep(batch).Applied);
    }

    [Fact]
    public void A_worker_that_does_not_answer_in_time_is_killed_and_reported()
    {
        using var backend = new FaultyBackend("hang:1").InWorkerProcess(new WorkerOptions { CallTimeout = TimeSpan.FromSeconds(2) });
        using var model = backend.Build(Spec, seed: 1);
        int pid = backend.WorkerProcessId!.Value;

        var crash = Assert.Throws<WorkerCrashedException>(() => model.TrainStep(Data.ToBatch(Spec)));

        Assert.Contains("did not answer within 2 s and was killed", crash.Message);
        Assert.Contains("about to hang", crash.Message);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }

    [Fact]
    public void An_exception_in_the_worker_arrives_as_the_same_kind_with_the_same_words()
    {
        using var backend = new FaultyBackend("throw:1").InWorkerProcess();
        using var model = backend.Build(Spec, seed: 1);
        var batch = Data.ToBatch(Spec);

        var refused = Assert.Throws<InvalidOperationException>(() => model.TrainStep(batch));
        Assert.Equal("the faulty model refuses step 1", refused.Message);
        Assert.True(model.TrainStep(batch).Applied); // the worker lives on

        var wide = new Batch(new Matrix(3, 5), new Matrix(3, 2), [0, 1, 0]);
        var shape = Assert.Throws<ArgumentException>(() => model.Loss(wide));
        Assert.Contains("dense_0", shape.Message);
        Assert.Contains("[3, 5]", shape.Message);
    }

    [Fact]
    public void A_backend_the_worker_cannot_make_is_unavailable_with_the_reason()
    {
        var missing = new IsolatedBackend(new UnknownTypeBackend());
        Assert.False(missing.Availability.IsAvailable);
        Assert.Contains("cannot find the backend type 'No.Such.Backend, NoSuchAssembly'", missing.Availability.Detail);
        Assert.Throws<BackendUnavailableException>(() => missing.Build(Spec, seed: 1));
        missing.Dispose();
    }

    [Fact]
    public void A_worker_crash_in_a_comparison_fails_that_backend_alone_and_the_run()
    {
        var plan = new ComparisonPlan(Spec, Data, new TrainingOptions { Epochs = 3, BatchSize = 16 });
        using var faulty = new FaultyBackend("abort:5").InWorkerProcess();
        var report = new ComparisonRunner([BackendCatalog.Get("managed"), BackendCatalog.Get("torch"), faulty]).Run(plan);

        Assert.False(report.Passed);
        var error = Assert.Single(report.Checks, c => c.Backend == "faulty");
        Assert.Equal(CheckNames.Error, error.Name);
        Assert.Contains("SIGABRT", error.Detail);
        Assert.Contains("about to abort", error.Detail);
        Assert.All(report.Checks.Where(c => c.Backend != "faulty"), c => Assert.True(c.Passed, $"{c.Backend} {c.Name} {c.Layer}: {c.Value}"));
        Assert.Contains(report.Results, r => r.Backend == "torch");
    }

    private sealed class UnknownTypeBackend : IPortableBackend
    {
        public string Name => "unknown";
        public BackendRecipe Recipe => new("No.Such.Backend, NoSuchAssembly", "");
        public BackendAvailability Availability => throw new InvalidOperationException("asked here, not in the worker");
        public IModel Build(ModelSpec spec, WeightSet initialWeights) => throw new InvalidOperationException("built here, not in the worker");
    }
}
