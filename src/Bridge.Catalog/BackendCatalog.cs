using System.Collections.Concurrent;
using Bridge.Isolation;
using Bridge.Keras;
using Bridge.Managed;
using Bridge.Sklearn;
using Bridge.Student;
using Bridge.Torch;

namespace Bridge.Catalog;

/// <summary>
/// Every backend Bridge has, by the name the command line and the labs use. Creating a backend never fails:
/// one that cannot run here reports why through <see cref="IBackend.Availability"/>.
/// Backends whose native runtimes would collide run in worker processes of their own (Bridge.Isolation): Keras
/// always (on torch it loads Python's libtorch, which TorchSharp's cannot share a process with), and torch whenever
/// Python's torch is already loaded in this process (a lab that ran Keras's own fit here first, say). A student's
/// Python module (python:FILE.py) runs in a worker too.
/// </summary>
public static class BackendCatalog
{
    /// <summary>The names, in the order reports list them; the first is the reference.</summary>
    public static IReadOnlyList<string> Names { get; } = ["managed", "managed-teaching", "torch", "keras", "sklearn"];

    /// <summary>The prefix of a student's Python module: python:path/to/my_net.py (examples/your-own-backprop).</summary>
    public const string StudentPrefix = "python:";

    private static readonly SklearnBackend Sklearn = new();

    // Keras's own backend (torch, jax, tensorflow) comes from KERAS_BACKEND, as Keras itself reads it. One worker
    // serves every Keras model of this process.
    private static readonly Lazy<IsolatedBackend> Keras =
        new(() => new KerasBackend(Environment.GetEnvironmentVariable("KERAS_BACKEND")).InWorkerProcess());

    private static readonly ConcurrentDictionary<string, IsolatedBackend> IsolatedTorch = new();

    /// <summary>The backend called <paramref name="name"/>.</summary>
    /// <param name="device">For torch: cpu, cuda, cuda:N or auto.</param>
    /// <exception cref="ArgumentException">No backend has that name; the message lists the names.</exception>
    /// <param name="name">A name of <see cref="Names"/>, or python:FILE.py for a student's own network in a Python module.</param>
    public static IBackend Get(string name, string? device = null)
    {
        string trimmed = name.Trim();
        if (trimmed.StartsWith(StudentPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string path = trimmed[StudentPrefix.Length..];
            if (path.Length == 0) throw new ArgumentException($"'{name}' names no file: write {StudentPrefix}path/to/my_net.py.");
            // In a worker of its own: a student's module may import anything (torch too), crash the interpreter, or
            // block inside C where the in-process time limit cannot reach; the worker's own limit then kills it.
            var student = new PythonStudentBackend(path);
            return student.InWorkerProcess(new WorkerOptions { CallTimeout = 2 * student.CallTimeLimit + TimeSpan.FromSeconds(30) });
        }
        return trimmed.ToLowerInvariant() switch
        {
            "managed" => ManagedBackend.Batched,
            "managed-teaching" or "teaching" => ManagedBackend.Teaching,
            "torch" => Torch(device ?? "cpu"),
            "keras" => Keras.Value,
            "sklearn" or "scikit-learn" => Sklearn,
            _ => throw new ArgumentException(
                $"Unknown backend '{name}': expected one of {string.Join(", ", Names)}, or {StudentPrefix}FILE.py (your own network)."),
        };
    }

    private static IBackend Torch(string device) =>
        TorchBackend.PythonTorchInProcess is null
            ? new TorchBackend(device)
            : IsolatedTorch.GetOrAdd(device, d => new TorchBackend(d).InWorkerProcess());

    /// <summary>Every backend of the catalog that can build <paramref name="spec"/> here, and why each other one cannot.</summary>
    public static (IReadOnlyList<IBackend> Usable, IReadOnlyList<(string Name, string Reason)> Unusable) ThatCanRun(ModelSpec spec)
    {
        var usable = new List<IBackend>();
        var unusable = new List<(string, string)>();
        foreach (string name in Names)
        {
            var backend = Get(name);
            if (backend.CannotRun(spec) is { } reason) unusable.Add((name, reason));
            else usable.Add(backend);
        }
        return (usable, unusable);
    }

    /// <summary>The backends named in a comma-separated list ("all" or empty: every one).</summary>
    public static IReadOnlyList<IBackend> Parse(string? list, string? device = null)
    {
        if (string.IsNullOrWhiteSpace(list) || list.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            return Names.Select(n => Get(n, device)).ToList();
        var backends = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => Get(n, device)).ToList();
        var duplicate = backends.GroupBy(b => b.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Backend '{duplicate.Key}' is named twice.");
        return backends;
    }
}
