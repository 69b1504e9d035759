using Bridge.Backends;
using Bridge.Managed.Batched;
using Bridge.Managed.Teaching;

namespace Bridge.Managed;

/// <summary>
/// The from-scratch engine, written here in C#: two ways of computing the same network.
/// <see cref="Batched"/> ("managed") is the fast path: the whole batch in matrix form with SIMD kernels and no
/// allocation per step. <see cref="Teaching"/> ("managed-teaching") loops over samples and neurons exactly as the
/// lecture writes backpropagation, and can trace a step for a student to read.
/// </summary>
public sealed class ManagedBackend : IPortableBackend
{
    private readonly bool _teaching;

    private ManagedBackend(bool teaching) => _teaching = teaching;

    /// <summary>"managed" (the batched path) or "managed-teaching"; how a worker process makes the same backend.</summary>
    public ManagedBackend(string name) : this(name switch
    {
        "managed" => false,
        "managed-teaching" => true,
        _ => throw new ArgumentException($"Unknown managed backend '{name}': expected managed or managed-teaching."),
    })
    {
    }

    /// <summary>The fast path: matrix kernels over the whole batch.</summary>
    public static ManagedBackend Batched { get; } = new(teaching: false);

    /// <summary>The lecture's path: per sample, per neuron, with a readable trace of a step.</summary>
    public static ManagedBackend Teaching { get; } = new(teaching: true);

    public string Name => _teaching ? "managed-teaching" : "managed";

    public BackendRecipe Recipe => BackendRecipe.For<ManagedBackend>(Name);

    public BackendAvailability Availability { get; } =
        BackendAvailability.Available($"from-scratch C# engine on {Environment.ProcessorCount} cores");

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        if (_teaching) return new TeachingModel(spec, initialWeights);
        return spec.Precision == Precision.Float32
            ? new BatchedModel<float>(spec, initialWeights)
            : new BatchedModel<double>(spec, initialWeights);
    }

    /// <summary>Builds the teaching model, typed, for <see cref="TeachingModel.TraceStep"/>.</summary>
    public static TeachingModel BuildTeaching(ModelSpec spec, WeightSet initialWeights) =>
        (TeachingModel)Teaching.Build(spec, initialWeights);
}
