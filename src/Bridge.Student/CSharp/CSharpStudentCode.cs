namespace Bridge.Student;

/// <summary>
/// A student's C# class behind <see cref="IStudentCode"/>. Each call runs on a thread-pool thread and is waited for
/// up to the time limit: .NET cannot stop a thread, so a call that does not return is reported and left running
/// (its thread spins on in the background until the process ends), and the model refuses further calls.
/// </summary>
internal sealed class CSharpStudentCode(IStudentNetwork network, TimeSpan limit) : IStudentCode
{
    private readonly string _type = network.GetType().Name;
    private string? _abandoned;

    public string Description => $".NET {Environment.Version}: {_type}";

    /// <summary>Whether the class implements <see cref="IStudentNetwork.Step"/> itself rather than keeping the interface's default.</summary>
    public bool HasStep { get; } = ImplementsStep(network.GetType());

    public IReadOnlyList<StudentArray> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations, int firstLayer)
    {
        var outputs = Run("Forward", () => network.Forward(weights, x, activations));
        return Checked(outputs, "Forward").Select((o, k) => o is null
            ? throw new StudentCodeException($"Forward returned null as the output of layer {WeightSet.LayerName(firstLayer + k)}.")
            : StudentArray.Of(o)).ToList();
    }

    public IReadOnlyList<StudentArray> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets, IReadOnlyList<Activation> activations, Loss loss) =>
        Flatten(Run("Gradients", () => network.Gradients(weights, x, targets, activations, loss)), "Gradients");

    public IReadOnlyList<StudentArray>? Step(IReadOnlyList<LayerWeights> weights, IReadOnlyList<LayerWeights> gradients, double learningRate) =>
        Run("Step", () => network.Step(weights, gradients, learningRate)) is { } stepped ? Flatten(stepped, "Step") : null;

    /// <summary>Nothing to release: the instance belongs to the backend, shared by every model it builds.</summary>
    public void Dispose() { }

    private T Run<T>(string function, Func<T> call)
    {
        if (_abandoned is not null)
            throw new StudentCodeException($"{_type}.{_abandoned} from an earlier call has still not returned; no further calls are made.");
        var task = Task.Run(call);
        bool finished;
        try
        {
            finished = task.Wait(limit);
        }
        catch (AggregateException e) when (e.InnerException is { } inner)
        {
            throw new StudentCodeException($"{_type}.{function} threw {inner.GetType().Name}: {inner.Message}\n{StudentFrames(inner.StackTrace)}", inner);
        }
        if (!finished)
        {
            _abandoned = function;
            throw new StudentCodeException(
                $"{_type}.{function} did not return within {TimeLimit.Describe(limit)} (look for a loop that never ends). " +
                ".NET cannot stop it: it runs on in the background until the program ends.");
        }
        return task.Result;
    }

    private IReadOnlyList<StudentArray> Flatten(IReadOnlyList<LayerWeights>? layers, string function)
    {
        var list = Checked(layers, function);
        var arrays = new List<StudentArray>(2 * list.Count);
        for (int l = 0; l < list.Count; l++)
        {
            var layer = list[l] ?? throw new StudentCodeException($"{function} returned null for layer {WeightSet.LayerName(l)}.");
            arrays.Add(StudentArray.Kernel(layer));
            arrays.Add(StudentArray.Bias(layer));
        }
        return arrays;
    }

    /// <summary>The stack down to the student's method: the frames of this class and the thread pool below it tell a student nothing.</summary>
    private static string StudentFrames(string? stack) =>
        string.Join('\n', (stack ?? "").Split('\n').TakeWhile(line => !line.TrimStart().StartsWith($"at {typeof(CSharpStudentCode).FullName}", StringComparison.Ordinal)));

    private static bool ImplementsStep(Type type)
    {
        var map = type.GetInterfaceMap(typeof(IStudentNetwork));
        int index = Array.FindIndex(map.InterfaceMethods, m => m.Name == nameof(IStudentNetwork.Step));
        return map.TargetMethods[index].DeclaringType != typeof(IStudentNetwork);
    }

    private static IReadOnlyList<T> Checked<T>(IReadOnlyList<T>? list, string function) =>
        list ?? throw new StudentCodeException($"{function} returned null: it must return one entry per layer.");
}
