using System.Text.Json;
using Bridge.Python;
using Bridge.PythonBackends;

namespace Bridge.Keras;

/// <summary>
/// Keras's own workflow from C#, for the "explore Keras" lab: a keras.Sequential built from a Bridge spec (and,
/// optionally, Bridge's initial weights), then Keras's compile, fit, evaluate and predict with Keras's argument
/// names. Keras trains it its own way (its batches, its shuffling, its losses); for a like-for-like comparison with the
/// other backends use <see cref="KerasBackend"/> and Bridge's Trainer instead. Each epoch's end is reported to the
/// <c>onEpochEnd</c> callback as Keras's logs.
/// </summary>
public sealed class KerasSequential : IDisposable
{
    private readonly PyObject _model;

    private KerasSequential(PyObject model, ModelSpec spec)
    {
        _model = model;
        Spec = spec;
    }

    public ModelSpec Spec { get; }

    /// <summary>The Python keras.Sequential, for anything this class does not pass through.</summary>
    public PyObject Model => _model;

    /// <summary>Builds keras.Sequential([Input, Dense, …]) for <paramref name="spec"/>, with <paramref name="weights"/> if given.</summary>
    /// <exception cref="BackendUnavailableException">Keras cannot be imported here; the message says why and how to fix it.</exception>
    public static KerasSequential Create(ModelSpec spec, WeightSet? weights = null, KerasBackend? backend = null)
    {
        spec.Validate();
        weights?.EnsureMatches(spec); // before Python builds anything that a refusal would leave behind
        var (module, detail) = (backend ?? new KerasBackend()).Helper();
        if (module is null) throw new BackendUnavailableException("keras", detail);
        using var gil = Bridge.Python.Python.Gil();
        var layers = spec.Layers.Select(l => (object?)(l.Units, l.Activation.Name())).ToArray();
        var model = module.CallMethod("sequential", spec.Inputs, layers, spec.Precision.Name());
        var sequential = new KerasSequential(model, spec);
        if (weights is not null) sequential.SetWeights(weights);
        return sequential;
    }

    /// <summary>model.compile(optimizer=…, loss=…, metrics=[…]) with Keras's names ("sgd", "adam", "mse", "sparse_categorical_crossentropy", "accuracy").</summary>
    public void Compile(object optimizer, string loss, IReadOnlyList<string>? metrics = null)
    {
        using var gil = Bridge.Python.Python.Gil();
        _model.CallMethod("compile", [], new Dictionary<string, object?>
        {
            ["optimizer"] = optimizer,
            ["loss"] = loss,
            ["metrics"] = metrics?.ToArray() ?? [],
        }).Dispose();
    }

    /// <summary>A Keras optimizer object, e.g. <c>Optimizer("SGD", ("learning_rate", 0.1), ("momentum", 0.9))</c>.</summary>
    public static PyObject Optimizer(string name, params (string Name, object? Value)[] arguments)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var keras = Bridge.Python.Python.Import("keras");
        using var optimizers = keras.GetAttr("optimizers");
        return optimizers.CallMethod(name, [], arguments.ToDictionary(a => a.Name, a => a.Value));
    }

    /// <summary>model.fit(x, y, batch_size, epochs, verbose, validation_split, shuffle); returns history.history.</summary>
    public IReadOnlyDictionary<string, double[]> Fit(Matrix x, object y, int epochs = 1, int batch_size = 32, int verbose = 0,
        double validation_split = 0, bool shuffle = true, Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var xs = PythonArrays.ToNumpy(x);
        using var ys = Targets(y);
        using var helper = Bridge.Python.Python.Import("bridge_keras");
        using var relay = onEpochEnd is null ? null : new PythonCallback(json =>
        {
            using var document = JsonDocument.Parse(json);
            int epoch = document.RootElement.GetProperty("epoch").GetInt32();
            var logs = document.RootElement.GetProperty("logs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            onEpochEnd(epoch, logs);
        });
        using var progress = relay is null ? null : helper.CallMethod("progress_callback", relay.Function);
        using var callbacks = PyObject.From(progress is null ? Array.Empty<object?>() : new object?[] { progress });
        using var history = _model.CallMethod("fit", [xs, ys], new Dictionary<string, object?>
        {
            ["batch_size"] = batch_size,
            ["epochs"] = epochs,
            ["verbose"] = verbose,
            ["validation_split"] = validation_split,
            ["shuffle"] = shuffle,
            ["callbacks"] = callbacks,
        });
        if (relay?.Error is { } error) throw new InvalidOperationException($"The epoch callback failed: {error.Message}", error);
        using var record = history.GetAttr("history");
        var values = (Dictionary<object, object?>)record.ToClr()!;
        return values.ToDictionary(kv => (string)kv.Key, kv => ((List<object?>)kv.Value!).Select(Convert.ToDouble).ToArray());
    }

    /// <summary>model.evaluate(x, y, batch_size, verbose, return_dict=True).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Matrix x, object y, int batch_size = 32, int verbose = 0)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var xs = PythonArrays.ToNumpy(x);
        using var ys = Targets(y);
        using var result = _model.CallMethod("evaluate", [xs, ys], new Dictionary<string, object?>
        {
            ["batch_size"] = batch_size,
            ["verbose"] = verbose,
            ["return_dict"] = true,
        });
        var values = (Dictionary<object, object?>)result.ToClr()!;
        return values.ToDictionary(kv => (string)kv.Key, kv => Convert.ToDouble(kv.Value));
    }

    /// <summary>model.predict(x, batch_size, verbose).</summary>
    public Matrix Predict(Matrix x, int batch_size = 32, int verbose = 0)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var xs = PythonArrays.ToNumpy(x);
        using var result = _model.CallMethod("predict", [xs], new Dictionary<string, object?> { ["batch_size"] = batch_size, ["verbose"] = verbose });
        return PythonArrays.ToMatrix(result);
    }

    /// <summary>The weights in Bridge's canonical form (Keras's Dense kernel is already [in, out]; Keras lists a Sequential's weights in trainable-variable order).</summary>
    public WeightSet GetWeights()
    {
        using var gil = Bridge.Python.Python.Gil();
        using var variables = _model.CallMethod("get_weights");
        return PythonArrays.FromVariables(variables, Spec);
    }

    public void SetWeights(WeightSet weights)
    {
        weights.EnsureMatches(Spec);
        using var gil = Bridge.Python.Python.Gil();
        using var variables = PythonArrays.ToVariables(weights);
        _model.CallMethod("set_weights", variables).Dispose();
    }

    /// <summary>model.summary() as text.</summary>
    public string Summary()
    {
        using var gil = Bridge.Python.Python.Gil();
        var lines = new List<string>();
        using var relay = new PythonCallback(lines.Add);
        _model.CallMethod("summary", [], new Dictionary<string, object?> { ["print_fn"] = relay.Function }).Dispose();
        return string.Join("\n", lines);
    }

    public void Dispose() => _model.Dispose();

    private static PyObject LabelArray(int[] labels)
    {
        using var numpy = Bridge.Python.Python.Import("numpy");
        return numpy.CallMethod("asarray", [labels], new Dictionary<string, object?> { ["dtype"] = "int64" });
    }

    private static PyObject Targets(object y) => y switch
    {
        Matrix m => PythonArrays.ToNumpy(m),
        int[] labels => LabelArray(labels),
        _ => throw new ArgumentException($"Targets must be a Matrix or class labels (int[]), not a {y.GetType().Name}."),
    };
}
