using Bridge.Backends;
using Bridge.Python;
using Py = Bridge.Python.Python;

namespace Bridge.PythonBackends;

/// <summary>
/// A Bridge network held by a Python object of a helper module, which speaks one protocol whatever library computes:
/// <c>forward_layers(x, first, end)</c> → the outputs of layers [first, end); <c>gradients(x, targets)</c>,
/// <c>get_weights()</c> and <c>set_weights(variables)</c> → lists in trainable-variable order (see
/// <see cref="PythonArrays"/>); <c>optimizer_state()</c> → (steps, {slot: variables}) and
/// <c>set_optimizer_state(steps, slots)</c>. What differs between libraries — the loss, the step, what a library takes
/// as targets — is the subclass's.
/// Every call takes the GIL and checks its input first, so bad input changes nothing.
/// </summary>
internal abstract class PythonNetModel(ModelSpec spec, string device) : IModel
{
    private PyObject? _net;
    private bool _disposed;

    public abstract string Backend { get; }
    public string Device { get; } = device;
    public ModelSpec Spec { get; } = spec;

    /// <summary>The Python object behind the model (tests reach it to inject faults).</summary>
    internal PyObject Net => _net ?? throw new InvalidOperationException("The Python network has not been made yet.");

    /// <summary>Made once, by the subclass's constructor, with the GIL held.</summary>
    protected void Hold(PyObject net) => _net = net;

    /// <summary>What the library trains against for <paramref name="batch"/>, as a Python object.</summary>
    protected abstract PyObject TargetsFor(Batch batch);

    /// <summary>Throws when the model may not be read or changed now (disposed; queued steps not yet run).</summary>
    protected virtual void EnsureUsable() => ObjectDisposedException.ThrowIf(_disposed, this);

    public abstract double Loss(Batch batch);

    public abstract StepResult TrainStep(Batch batch);

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        EnsureUsable();
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        return ForwardChecked(inputs, firstLayer, endLayer)[^1];
    }

    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        EnsureUsable();
        InputChecks.LayerRange(Spec, inputs, 0, Spec.Layers.Count);
        return ForwardChecked(inputs, 0, Spec.Layers.Count);
    }

    /// <summary>The outputs of layers [first, end) on inputs the caller has checked.</summary>
    protected IReadOnlyList<Matrix> ForwardChecked(Matrix inputs, int first, int end)
    {
        using var gil = Py.Gil();
        using var x = PythonArrays.ToNumpy(inputs);
        using var outputs = Net.CallMethod("forward_layers", x, first, end);
        return PythonArrays.ToMatrices(outputs);
    }

    public WeightSet Gradients(Batch batch)
    {
        EnsureUsable();
        InputChecks.Batch(Spec, batch);
        using var gil = Py.Gil();
        using var x = PythonArrays.ToNumpy(batch.Inputs);
        using var targets = TargetsFor(batch);
        using var gradients = Net.CallMethod("gradients", x, targets);
        return PythonArrays.FromVariables(gradients, Spec);
    }

    public WeightSet GetWeights()
    {
        EnsureUsable();
        using var gil = Py.Gil();
        using var variables = Net.CallMethod("get_weights");
        return PythonArrays.FromVariables(variables, Spec);
    }

    public void SetWeights(WeightSet weights)
    {
        EnsureUsable();
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string bad) throw new ArgumentException($"The weights of layer {bad} are not all finite.");
        using var gil = Py.Gil();
        using var variables = PythonArrays.ToVariables(weights);
        Net.CallMethod("set_weights", variables).Dispose();
    }

    public OptimizerState GetOptimizerState()
    {
        EnsureUsable();
        using var gil = Py.Gil();
        using var state = Net.CallMethod("optimizer_state");
        using var stepsItem = state[0];
        using var slots = state[1];
        var result = new Dictionary<string, WeightSet>();
        foreach (var name in Spec.Optimizer.SlotNames)
        {
            using var variables = slots[name];
            result[name] = PythonArrays.FromVariables(variables, Spec);
        }
        return new OptimizerState(stepsItem.ToInt64(), result);
    }

    public void SetOptimizerState(OptimizerState state)
    {
        EnsureUsable();
        ArgumentNullException.ThrowIfNull(state);
        foreach (var name in state.Slots.Keys)
            if (!Spec.Optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {Spec.Optimizer.Describe()}.");
        state.EnsureSlotsMatch(Spec);
        using var gil = Py.Gil();
        var slots = new Dictionary<string, object?>();
        try
        {
            foreach (var (name, slot) in state.Slots) slots[name] = PythonArrays.ToVariables(slot);
            Net.CallMethod("set_optimizer_state", state.Steps, slots).Dispose();
        }
        finally
        {
            foreach (var variables in slots.Values) ((PyObject)variables!).Dispose();
        }
    }

    /// <summary>Releases what the subclass holds besides the network (called once, before the network is released).</summary>
    protected virtual void ReleaseOwned()
    {
    }

    public void Dispose()
    {
        if (_disposed) return;
        ReleaseOwned();
        _disposed = true;
        _net?.Dispose();
        GC.SuppressFinalize(this);
    }
}
