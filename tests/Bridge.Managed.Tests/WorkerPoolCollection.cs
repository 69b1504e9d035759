namespace Bridge.Managed.Tests;

/// <summary>
/// Tests that switch how the shared worker pool runs pairs, or that count what its worker does, run alone: other tests'
/// steps would take the worker from them (their numbers would not change, but the worker's counts would).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerPoolCollection
{
    public const string Name = "Worker pool";
}
