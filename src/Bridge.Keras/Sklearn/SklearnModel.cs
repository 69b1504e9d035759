using Bridge.Backends;
using Bridge.Python;

namespace Bridge.Keras;

/// <summary>A Bridge network held by scikit-learn (see bridge_sklearn.py for how it is driven).</summary>
internal sealed class SklearnModel : IModel
{
    private readonly PyObject _net;

    /// <summary>The Python SklearnNet object (for tests that inject faults).</summary>
    internal PyObject Net => _net;
    private readonly bool _classifier;
    private bool _disposed;

    public SklearnModel(ModelSpec spec, WeightSet weights, PyObject module, string device)
    {
        Spec = spec;
        Device = device;
        _classifier = spec.Loss is Bridge.Loss.CategoricalCrossEntropy or Bridge.Loss.BinaryCrossEntropy;
        var hidden = spec.Layers.Take(spec.Layers.Count - 1).Select(l => l.Units).ToArray();
        string activation = spec.Layers[0].Activation switch
        {
            Activation.Sigmoid => "logistic",
            Activation.Tanh => "tanh",
            Activation.Relu => "relu",
            _ => "identity",
        };
        int classes = spec.Outputs == 1 ? 2 : spec.Outputs;
        var optimizer = spec.Optimizer switch
        {
            Sgd s => new Dictionary<string, object?> { ["name"] = "sgd", ["learning_rate"] = s.LearningRate, ["momentum"] = s.Momentum, ["nesterov"] = s.Nesterov },
            Adam a => new Dictionary<string, object?> { ["name"] = "adam", ["learning_rate"] = a.LearningRate, ["beta1"] = a.Beta1, ["beta2"] = a.Beta2, ["epsilon"] = a.Epsilon },
            _ => throw new NotSupportedException(),
        };
        var (coefs, intercepts) = ToPython(weights);
        using (coefs)
        using (intercepts)
        {
            _net = module.CallMethod("SklearnNet",
                _classifier ? "classifier" : "regressor", hidden, activation, Enumerable.Range(0, classes).ToArray(),
                coefs, intercepts, optimizer, spec.Precision.Name());
        }
    }

    public string Backend => "sklearn";
    public string Device { get; }
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        return ForwardLayers(inputs, firstLayer, endLayer)[^1];
    }

    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        InputChecks.LayerRange(Spec, inputs, 0, Spec.Layers.Count);
        return ForwardLayers(inputs, 0, Spec.Layers.Count);
    }

    public double Loss(Batch batch)
    {
        InputChecks.Batch(Spec, batch);
        var outputs = ForwardLayers(batch.Inputs, 0, Spec.Layers.Count)[^1];
        return LossFunctions.Batch(Spec.Loss, outputs, batch.Targets, batch.LabelSpan);
    }

    public WeightSet Gradients(Batch batch)
    {
        InputChecks.Batch(Spec, batch);
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(batch.Inputs);
        using var y = Targets(batch);
        using var result = _net.CallMethod("gradients", x, y);
        using var coefs = result[0];
        using var intercepts = result[1];
        return FromPython(coefs, intercepts);
    }

    /// <summary>
    /// Two calls into Python: the outputs and a finiteness check of scikit-learn's gradients, then (when the loss,
    /// computed here from the outputs by the definition every backend shares, and the gradients are finite) the step,
    /// which the Python side undoes itself if it fails half-way. Nothing else crosses: no weights, no gradients.
    /// </summary>
    public StepResult TrainStep(Batch batch)
    {
        InputChecks.Batch(Spec, batch);
        using var gil = Bridge.Python.Python.Gil();
        double loss;
        int badLayer;
        using (var x = PythonRuntime.ToNumpy(batch.Inputs))
        using (var y = Targets(batch))
        using (var prepared = _net.CallMethod("prepare_step", x, y))
        using (var outputs = prepared[0])
        using (var layer = prepared[1])
        {
            loss = LossFunctions.Batch(Spec.Loss, PythonRuntime.ToMatrix(outputs), batch.Targets, batch.LabelSpan);
            badLayer = (int)layer.ToInt64();
        }
        // scikit-learn does not refuse non-finite steps, so the check happens here, before it steps.
        if (badLayer >= 0) return StepResult.Refused(loss, WeightSet.LayerName(badLayer));
        if (!double.IsFinite(loss)) return StepResult.Refused(loss, null);
        _net.CallMethod("step").Dispose();
        return StepResult.Done(loss);
    }

    public WeightSet GetWeights()
    {
        using var gil = Bridge.Python.Python.Gil();
        using var result = _net.CallMethod("get_weights");
        using var coefs = result[0];
        using var intercepts = result[1];
        return FromPython(coefs, intercepts);
    }

    public void SetWeights(WeightSet weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string bad) throw new ArgumentException($"The weights of layer {bad} are not all finite.");
        var (coefs, intercepts) = ToPython(weights);
        using (coefs)
        using (intercepts)
            _net.CallMethod("set_weights", coefs, intercepts).Dispose();
    }

    public OptimizerState GetOptimizerState()
    {
        using var gil = Bridge.Python.Python.Gil();
        using var state = _net.CallMethod("optimizer_state");
        long steps = state[0].ToInt64();
        using var slots = state[1];
        var result = new Dictionary<string, WeightSet>();
        foreach (var name in Spec.Optimizer.SlotNames)
        {
            using var arrays = slots[name];
            var list = arrays.ToList();
            try
            {
                int layers = Spec.Layers.Count;
                var shapes = Spec.LayerShapes();
                result[name] = new WeightSet(Spec.Precision, Enumerable.Range(0, layers).Select(l =>
                    new LayerWeights(shapes[l].Inputs, shapes[l].Outputs, PythonRuntime.ToValues(list[l]), PythonRuntime.ToValues(list[layers + l]))).ToList());
            }
            finally
            {
                list.ForEach(a => a.Dispose());
            }
        }
        return new OptimizerState(steps, result);
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (name, slot) in state.Slots)
        {
            if (!Spec.Optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {Spec.Optimizer.Describe()}.");
            try { slot.EnsureMatches(Spec); }
            catch (ArgumentException e) { throw new ArgumentException($"Optimizer slot '{name}': {e.Message}", e); }
        }
        using var gil = Bridge.Python.Python.Gil();
        var slots = new Dictionary<string, object?>();
        var created = new List<PyObject>();
        try
        {
            foreach (var (name, slot) in state.Slots)
            {
                var arrays = slot.Layers.Select(l => PythonRuntime.ToNumpy(l.Kernel, l.Inputs, l.Outputs))
                    .Concat(slot.Layers.Select(l => PythonRuntime.ToNumpy(l.Bias, l.Outputs))).ToList();
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
        _disposed = true;
        _net.Dispose();
    }

    private IReadOnlyList<Matrix> ForwardLayers(Matrix inputs, int first, int end)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonRuntime.ToNumpy(inputs);
        using var outputs = _net.CallMethod("forward_layers", x, first, end);
        return outputs.ToList().Select(o => { using (o) return PythonRuntime.ToMatrix(o); }).ToList();
    }

    /// <summary>What scikit-learn trains against: class labels for a classifier, the target values for a regressor.</summary>
    private PyObject Targets(Batch batch) =>
        _classifier
            ? PyObject.From(batch.Labels ?? batch.Targets.Data.Select(t => (int)Math.Round(t)).ToArray())
            : batch.Targets.Cols == 1 ? PythonRuntime.ToNumpy(batch.Targets.Data, batch.Targets.Rows) : PythonRuntime.ToNumpy(batch.Targets);

    private static (PyObject Coefs, PyObject Intercepts) ToPython(WeightSet weights)
    {
        var coefs = weights.Layers.Select(l => PythonRuntime.ToNumpy(l.Kernel, l.Inputs, l.Outputs)).ToList();
        var intercepts = weights.Layers.Select(l => PythonRuntime.ToNumpy(l.Bias, l.Outputs)).ToList();
        try
        {
            return (PyObject.From(coefs), PyObject.From(intercepts));
        }
        finally
        {
            coefs.ForEach(c => c.Dispose());
            intercepts.ForEach(i => i.Dispose());
        }
    }

    private WeightSet FromPython(PyObject coefs, PyObject intercepts)
    {
        var kernels = coefs.ToList();
        var biases = intercepts.ToList();
        try
        {
            var shapes = Spec.LayerShapes();
            return new WeightSet(Spec.Precision, shapes.Select((s, l) =>
                new LayerWeights(s.Inputs, s.Outputs, PythonRuntime.ToValues(kernels[l]), PythonRuntime.ToValues(biases[l]))).ToList());
        }
        finally
        {
            kernels.ForEach(k => k.Dispose());
            biases.ForEach(b => b.Dispose());
        }
    }
}
