using Bridge.Backends;

namespace Bridge.Conformance.Tests;

/// <summary>
/// The <see cref="IModel"/> contract, once, for every backend: shapes, precision, weights and optimizer state round
/// trips, bad input refused before anything changes, the trainer's fast paths agreeing with one step at a time,
/// non-finite steps refused, disposal; the fast paths' own contracts are in <see cref="GatheringConformanceSuite{TBackend}"/>
/// and <see cref="QueuedConformanceSuite{TBackend}"/>. Numbers are held to independent truth: the reference engine
/// (<see cref="BackendUnderTest.Reference"/>) and finite differences, within <see cref="Tolerance"/>. A test skips, saying
/// why, only where the backend cannot run here or cannot express the spec.
/// Each part of the contract is in a file of its own (ConformanceSuite.*.cs).
/// </summary>
public abstract partial class ConformanceSuite<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : BackendUnderTest
{
    /// <summary>The backend under test.</summary>
    protected TBackend Subject { get; } = backend;

    public static TheoryData<Precision> Precisions => [Precision.Float32, Precision.Float64];

    public static TheoryData<string, Precision> NetsAndPrecisions()
    {
        var data = new TheoryData<string, Precision>();
        foreach (var net in new[] { Nets.Regression, Nets.Classifier, Nets.Autoencoder })
            foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
                data.Add(net, precision);
        return data;
    }

    /// <summary>Builds <paramref name="spec"/> with <paramref name="weights"/>, or skips: the backend is unavailable, or cannot express the spec.</summary>
    protected IModel Build(ModelSpec spec, WeightSet weights)
    {
        var backend = Subject.Require();
        string? reason = Subject.CannotBuild(spec);
        Skip.If(reason is not null, $"{backend.Name} cannot build {spec.Describe()}: {reason}");
        var model = backend.Build(spec, weights);
        AssertFastPath(model);
        return model;
    }

    protected IModel Build(ModelSpec spec, ulong seed) => Build(spec, spec.Init.Draw(spec, seed));

    /// <summary>The reference engine's model of <paramref name="spec"/> (which it can always build).</summary>
    protected IModel Reference(ModelSpec spec, WeightSet weights) => Subject.Reference.Build(spec, weights);

    /// <summary>
    /// The backend is available (or the test skips) and declares <paramref name="path"/>: a suite of a fast path is for the
    /// backends that have it, and a backend class that derives from the wrong one is a mistake in the tests.
    /// </summary>
    protected void AssertDeclares(FastPath path)
    {
        Subject.Require();
        Assert.True(Subject.FastPath == path, $"{Subject} trains {Describe(Subject.FastPath)}, and its test class derives from the suite of {Describe(path)}.");
    }

    /// <summary>The model offers exactly the fast path the backend declares: a path it offers undeclared would go untested.</summary>
    private void AssertFastPath(IModel model)
    {
        Assert.True(model is IGatheringModel == (Subject.FastPath == FastPath.Gathering),
            $"{Subject} declares {Subject.FastPath}; its model {(model is IGatheringModel ? "is" : "is not")} an IGatheringModel");
        Assert.True(model is IQueuedTrainingModel == (Subject.FastPath == FastPath.Queued),
            $"{Subject} declares {Subject.FastPath}; its model {(model is IQueuedTrainingModel ? "is" : "is not")} an IQueuedTrainingModel");
    }

    private static string Describe(FastPath path) => path switch
    {
        FastPath.Gathering => "on rows it reads itself (IGatheringModel)",
        FastPath.Queued => "through queued steps on a resident data set (IQueuedTrainingModel)",
        _ => "one TrainStep per assembled batch",
    };

    protected double Same(Precision precision) => Subject.Repeatability(precision);
}
