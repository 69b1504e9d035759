using Bridge.Backends;
using Bridge.Python;


namespace Bridge.Keras;

/// <summary>
/// A Bridge network held by Keras (see bridge_keras.py for how it is built and trained). Training through the
/// <see cref="Trainer"/> goes through <see cref="BeginQueuedTraining"/>: the data set crosses into Python once per fit
/// and runs of steps are one Python call each (see <see cref="ResidentKerasTraining"/>).
/// </summary>
internal sealed class KerasModel : IQueuedTrainingModel
{
    private readonly PyObject _net;
    private ResidentKerasTraining? _resident;
    private bool _disposed;

    public KerasModel(ModelSpec spec, WeightSet weights, PyObject module, string device)
    {
        Spec = spec;
        Device = device;
        var layers = spec.Layers.Select(l => (object?)(l.Units, l.Activation.Name())).ToArray();
        var optimizer = spec.Optimizer switch
        {
            Sgd s => new Dictionary<string, object?> { ["name"] = "sgd", ["learning_rate"] = s.LearningRate, ["momentum"] = s.Momentum, ["nesterov"] = s.Nesterov },
            Adam a => new Dictionary<string, object?> { ["name"] = "adam", ["learning_rate"] = a.LearningRate, ["beta1"] = a.Beta1, ["beta2"] = a.Beta2, ["epsilon"] = a.Epsilon },
            _ => throw new NotSupportedException($"The keras backend has no mapping for {spec.Optimizer.GetType().Name}."),
        };
        using var gil = Bridge.Python.Python.Gil();
        using var pythonWeights = ToPython(weights);
        _net = module.CallMethod("KerasNet", spec.Inputs, layers, spec.Loss.Name(), optimizer, spec.Precision.Name(), pythonWeights);
    }

    /// <summary>The bridge_keras.KerasNet behind this model (for tests that inject faults).</summary>
    internal PyObject Net => _net;

    public string Backend => "keras";
    public string Device { get; }
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        ThrowIfUnsettled();
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        return Forward(inputs, firstLayer, endLayer)[^1];
    }

    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        ThrowIfUnsettled();
        InputChecks.LayerRange(Spec, inputs, 0, Spec.Layers.Count);
        return Forward(inputs, 0, Spec.Layers.Count);
    }

    public double Loss(Batch batch)
    {
        ThrowIfUnsettled();
        InputChecks.Batch(Spec, batch);
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(batch.Inputs);
        using var t = PythonRuntime.ToNumpy(batch.Targets);
        return _net.CallMethod("loss", x, t).ToDouble();
    }

    public WeightSet Gradients(Batch batch)
    {
        ThrowIfUnsettled();
        InputChecks.Batch(Spec, batch);
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(batch.Inputs);
        using var t = PythonRuntime.ToNumpy(batch.Targets);
        using var grads = _net.CallMethod("gradients", x, t);
        return FromFlat(grads);
    }

    public StepResult TrainStep(Batch batch)
    {
        ThrowIfUnsettled();
        InputChecks.Batch(Spec, batch);
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(batch.Inputs);
        using var t = PythonRuntime.ToNumpy(batch.Targets);
        // A Python error half-way through an update must not leave half-updated weights: keep what there was.
        var weights = GetWeights();
        var state = GetOptimizerState();
        PyObject result;
        try
        {
            result = _net.CallMethod("train_step", x, t);
        }
        catch (PythonException)
        {
            SetWeights(weights);
            SetOptimizerState(state);
            throw;
        }
        using var owned = result;
        return ReadStepResult(result);
    }

    public IQueuedTraining BeginQueuedTraining(Matrix inputs, Matrix targets, int[]? labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ThrowIfUnsettled();
        if (_resident is not null) throw new InvalidOperationException("This model is already training on a resident data set; dispose that first.");
        return _resident = new ResidentKerasTraining(this, _net, inputs, targets, labels);
    }

    /// <summary>A step's result as bridge_keras returns it: (loss, applied, index of the first non-finite layer or -1).</summary>
    internal static StepResult ReadStepResult(PyObject result)
    {
        var values = (object?[])result.ToClr()!;
        double loss = (double)values[0]!;
        bool applied = (bool)values[1]!;
        long layer = (long)values[2]!;
        return applied ? StepResult.Done(loss) : StepResult.Refused(loss, layer >= 0 ? WeightSet.LayerName((int)layer) : null);
    }

    internal void Released(ResidentKerasTraining resident)
    {
        if (ReferenceEquals(_resident, resident)) _resident = null;
    }

    /// <summary>Queued steps have not run yet, so the weights do not show them: reading or changing the model now would mislead.</summary>
    private void ThrowIfUnsettled()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_resident is { Unsettled: > 0 } r)
            throw new InvalidOperationException($"{r.Unsettled} queued training steps are not settled yet: call Settle() on the queued training first.");
    }

    public WeightSet GetWeights()
    {
        ThrowIfUnsettled();
        using var gil = Bridge.Python.Python.Gil();
        using var weights = _net.CallMethod("get_weights");
        var pairs = weights.ToList();
        try
        {
            var shapes = Spec.LayerShapes();
            return new WeightSet(Spec.Precision, shapes.Select((s, l) =>
            {
                using var kernel = pairs[l][0];
                using var bias = pairs[l][1];
                return new LayerWeights(s.Inputs, s.Outputs, PythonRuntime.ToValues(kernel), PythonRuntime.ToValues(bias));
            }).ToList());
        }
        finally
        {
            pairs.ForEach(p => p.Dispose());
        }
    }

    public void SetWeights(WeightSet weights)
    {
        ThrowIfUnsettled();
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string bad) throw new ArgumentException($"The weights of layer {bad} are not all finite.");
        using var gil = Bridge.Python.Python.Gil();
        using var pythonWeights = ToPython(weights);
        _net.CallMethod("set_weights", pythonWeights).Dispose();
    }

    public OptimizerState GetOptimizerState()
    {
        ThrowIfUnsettled();
        using var gil = Bridge.Python.Python.Gil();
        using var state = _net.CallMethod("optimizer_state");
        long steps = state[0].ToInt64();
        using var slots = state[1];
        var result = new Dictionary<string, WeightSet>();
        foreach (var name in Spec.Optimizer.SlotNames)
        {
            using var arrays = slots[name];
            result[name] = FromFlat(arrays);
        }
        return new OptimizerState(steps, result);
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ThrowIfUnsettled();
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (name, slot) in state.Slots)
        {
            if (!Spec.Optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {Spec.Optimizer.Describe()}.");
            try { slot.EnsureMatches(Spec); }
            catch (ArgumentException e) { throw new ArgumentException($"Optimizer slot '{name}': {e.Message}", e); }
        }
        using var gil = Bridge.Python.Python.Gil();
        var created = new List<PyObject>();
        try
        {
            var slots = new Dictionary<string, object?>();
            foreach (var (name, slot) in state.Slots)
            {
                var arrays = slot.Layers.SelectMany(l => new[]
                {
                    PythonRuntime.ToNumpy(l.Kernel, l.Inputs, l.Outputs),
                    PythonRuntime.ToNumpy(l.Bias, l.Outputs),
                }).ToList();
                created.AddRange(arrays);
                slots[name] = arrays;
            }
            _net.CallMethod("set_optimizer_state", state.Steps, slots).Dispose();
        }
        finally
        {
            created.ForEach(a => a.Dispose());
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _resident?.Dispose();
        _disposed = true;
        _net.Dispose();
    }

    private IReadOnlyList<Matrix> Forward(Matrix inputs, int first, int end)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(inputs);
        using var outputs = _net.CallMethod("forward_layers", x, first, end);
        return outputs.ToList().Select(o => { using (o) return PythonRuntime.ToMatrix(o); }).ToList();
    }

    /// <summary>A weight set from arrays in trainable-variable order: kernel, bias of layer 0, then layer 1, ….</summary>
    private WeightSet FromFlat(PyObject arrays)
    {
        var list = arrays.ToList();
        try
        {
            var shapes = Spec.LayerShapes();
            return new WeightSet(Spec.Precision, shapes.Select((s, l) =>
                new LayerWeights(s.Inputs, s.Outputs, PythonRuntime.ToValues(list[2 * l]), PythonRuntime.ToValues(list[2 * l + 1]))).ToList());
        }
        finally
        {
            list.ForEach(a => a.Dispose());
        }
    }

    private static PyObject ToPython(WeightSet weights)
    {
        var arrays = new List<PyObject>();
        try
        {
            var pairs = weights.Layers.Select(l =>
            {
                var kernel = PythonRuntime.ToNumpy(l.Kernel, l.Inputs, l.Outputs);
                var bias = PythonRuntime.ToNumpy(l.Bias, l.Outputs);
                arrays.Add(kernel);
                arrays.Add(bias);
                return (object?)(kernel, bias);
            }).ToList();
            return PyObject.From(pairs);
        }
        finally
        {
            arrays.ForEach(a => a.Dispose());
        }
    }
}
