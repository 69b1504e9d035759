namespace Bridge.Backends;

/// <summary>
/// A backend that another process can build again from its <see cref="Recipe"/>: what lets a backend run in a worker
/// process of its own (see <c>Bridge.Isolation</c>), where its native runtime cannot collide with another's.
/// </summary>
public interface IPortableBackend : IBackend
{
    /// <summary>How a worker process makes the same backend.</summary>
    BackendRecipe Recipe { get; }
}

/// <summary>
/// How to make a backend in another process: the type, by its assembly-qualified name, made by its public constructor
/// that takes one string, given <paramref name="Argument"/> (the device for torch, the Keras backend for keras, a
/// module path for a student's Python code). The assembly must be one the process that asks can load.
/// </summary>
public sealed record BackendRecipe(string TypeName, string Argument)
{
    public static BackendRecipe For<TBackend>(string argument) where TBackend : IBackend =>
        new(typeof(TBackend).AssemblyQualifiedName!, argument);
}
