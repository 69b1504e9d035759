using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Comparison;

namespace Bridge.Isolation.Tests;

/// <summary>
/// Keras on torch and TorchSharp in one run: the catalog puts Keras in a worker, so both run, and every check passes.
/// TorchSharp is loaded in this test process first, on purpose: Keras in process beside it would abort the process.
/// Skips (with the reason) where Keras cannot run; fails instead where BRIDGE_REQUIRE_KERAS=1, as in CI.
/// </summary>
public sealed class KerasBesideTorchTests
{
    /// <summary>The catalog's Keras (in its worker), or the test skips with the reason (fails where CI requires Keras).</summary>
    internal static IBackend RequireKeras()
    {
        var keras = BackendCatalog.Get("keras");
        var availability = keras.Availability;
        if (Environment.GetEnvironmentVariable("BRIDGE_REQUIRE_KERAS") == "1" && !availability.IsAvailable)
            Assert.Fail($"BRIDGE_REQUIRE_KERAS=1 (as in CI), and the Keras backend is unavailable: {availability.Detail}");
        Skip.IfNot(availability.IsAvailable, $"Keras backend unavailable: {availability.Detail}");
        return keras;
    }

    [SkippableFact]
    public void The_default_comparison_on_all_five_backends_passes_every_check()
    {
        RequireKeras();
        var backends = BackendCatalog.Parse("all");
        var plan = PlanBuilder.Build(new CompareSettings { Epochs = 20 }, (name, seed) => Datasets.Load(name, seed));

        var report = new ComparisonRunner(backends).Run(plan);

        Assert.Equal(BackendCatalog.Names, report.Backends.Where(b => b.Available).Select(b => b.Name));
        Assert.True(report.Passed, string.Join("\n", report.Failures.Select(f => $"{f.Backend} {f.Name} {f.Layer}: {f.Value} > {f.Tolerance} {f.Detail}")));
        Assert.Equal(5, report.Results.Count);
    }

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (string data in new[] { "spirals", "xor", "digits" })
            foreach (string precision in new[] { "float64", "float32" })
                foreach (string optimizer in new[] { "sgd", "momentum", "nesterov", "adam" })
                    cases.Add(data, precision, optimizer);
        return cases;
    }

    /// <summary>float64 is exact: gradients within 1e-10 and weights after k steps within torch's tolerances, every optimizer.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Keras_passes_every_check_against_the_managed_engine(string data, string precision, string optimizer)
    {
        var keras = RequireKeras();
        var settings = new CompareSettings
        {
            Data = data,
            Layers = data == "digits" ? "64,32,10" : null,
            Precision = precision,
            Epochs = 2,
            Optimizer = optimizer == "adam" ? "adam" : "sgd",
            LearningRate = optimizer == "adam" ? 0.01 : null,
            Momentum = optimizer == "sgd" ? 0 : 0.9,
            Nesterov = optimizer == "nesterov",
        };
        var plan = PlanBuilder.Build(settings, (name, seed) => Datasets.Load(name, seed));

        var report = new ComparisonRunner([BackendCatalog.Get("managed"), keras]).Run(plan);

        var kerasChecks = report.Checks.Where(c => c.Backend == "keras").ToList();
        Assert.Contains(kerasChecks, c => c.Name == CheckNames.KSteps);
        Assert.True(report.Passed, string.Join("\n", report.Failures.Select(f => $"{f.Name} {f.Layer}: {f.Value:G3} > {f.Tolerance:G3} {f.Detail}")));
        if (precision == "float64")
            Assert.All(kerasChecks.Where(c => c.Name == CheckNames.Gradient), c => Assert.True(c.Value <= 1e-10, $"{c.Layer}: {c.Value}"));
    }
}
