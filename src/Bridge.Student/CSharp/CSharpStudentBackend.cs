namespace Bridge.Student;

/// <summary>
/// A student's C# class (<see cref="IStudentNetwork"/>) as a backend, for the lab's C# version and for tests:
/// <c>new ComparisonRunner([ManagedBackend.Batched, new CSharpStudentBackend(new MyNetwork())])</c>.
/// Every model built shares the one instance the backend was given (the contract keeps no state in it: weights come in
/// with every call).
/// </summary>
public sealed class CSharpStudentBackend : IBackend
{
    private readonly IStudentNetwork _network;

    /// <param name="name">The name reports show; default csharp:ClassName.</param>
    /// <param name="timeLimit">How long one call may take (default <see cref="TimeLimit.Default"/>).</param>
    public CSharpStudentBackend(IStudentNetwork network, string? name = null, TimeSpan? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        Name = name ?? $"csharp:{network.GetType().Name}";
        CallTimeLimit = timeLimit ?? TimeLimit.Default;
        if (CallTimeLimit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeLimit), "The time limit must be positive.");
    }

    public string Name { get; }

    public TimeSpan CallTimeLimit { get; }

    public BackendAvailability Availability => BackendAvailability.Available($".NET {Environment.Version}");

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        return new StudentModel(Name, spec, initialWeights, new CSharpStudentCode(_network, CallTimeLimit));
    }
}
