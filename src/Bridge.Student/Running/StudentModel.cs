using Bridge.Backends;

namespace Bridge.Student;

/// <summary>
/// A student's network as an <see cref="IModel"/>. Bridge keeps the state — the weights and the optimizer — and asks
/// the student's code only for what it computes: the layer outputs and the gradients, and the step when the student
/// wrote one and the spec's optimizer is plain SGD (whose step is the one the student can write). The loss is Bridge's
/// definition applied to the student's outputs. Everything the code returns is checked before it is used, so a
/// failing call leaves the model as it was.
/// </summary>
internal sealed class StudentModel : IModel
{
    private readonly IStudentCode _code;
    private readonly ReferenceOptimizer _optimizer;
    private readonly Activation[] _activations;
    private WeightSet _weights;
    private long _studentSteps;
    private bool _disposed;

    public StudentModel(string backend, ModelSpec spec, WeightSet initialWeights, IStudentCode code)
    {
        Backend = backend;
        Spec = spec;
        _code = code;
        _weights = initialWeights.ToPrecision(spec.Precision);
        _optimizer = new ReferenceOptimizer(spec.Optimizer);
        _activations = spec.Layers.Select(l => l.Activation).ToArray();
    }

    public string Backend { get; }

    public string Device => $"{_code.Description}; step: {(UsesStudentStep ? "yours" : $"Bridge's {Spec.Optimizer.Describe()}")}";

    public ModelSpec Spec { get; }

    /// <summary>Whether a step is the student's (plain SGD and a step function written) or Bridge's optimizer's.</summary>
    public bool UsesStudentStep => _code.HasStep && Spec.Optimizer is Sgd { Momentum: 0 };

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        return Outputs(inputs, firstLayer, endLayer)[^1];
    }

    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        InputChecks.LayerRange(Spec, inputs, 0, Spec.Layers.Count);
        return Outputs(inputs, 0, Spec.Layers.Count);
    }

    public double Loss(Batch batch)
    {
        InputChecks.Batch(Spec, batch);
        return LossOf(batch);
    }

    public WeightSet Gradients(Batch batch)
    {
        InputChecks.Batch(Spec, batch);
        return StudentGradients(batch);
    }

    public StepResult TrainStep(Batch batch)
    {
        InputChecks.Batch(Spec, batch);
        double loss = LossOf(batch);
        if (!double.IsFinite(loss)) return StepResult.Refused(loss, null);
        var gradients = StudentGradients(batch);
        // Finite in the student's float64, a gradient can overflow when rounded to float32: refused as any non-finite one.
        if (gradients.FirstNonFiniteLayer() is string layer) return StepResult.Refused(loss, layer);
        if (UsesStudentStep && _code.Step(Copy(_weights), gradients.Layers, ((Sgd)Spec.Optimizer).LearningRate) is { } arrays)
        {
            _weights = Pairs(arrays, "step", "W", "b");
            _studentSteps++;
        }
        else
        {
            _optimizer.Step(_weights, gradients);
        }
        return StepResult.Done(loss);
    }

    public WeightSet GetWeights()
    {
        ThrowIfDisposed();
        return _weights.Clone();
    }

    public void SetWeights(WeightSet weights)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string bad) throw new ArgumentException($"The weights of layer {bad} are not all finite.");
        _weights = weights.ToPrecision(Spec.Precision);
    }

    public OptimizerState GetOptimizerState()
    {
        ThrowIfDisposed();
        var state = _optimizer.State;
        return state with { Steps = state.Steps + _studentSteps };
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(state);
        state.EnsureSlotsMatch(Spec);
        _optimizer.Restore(state);
        _studentSteps = 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _code.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Bridge's loss of the student's outputs, in the spec's precision (in float32 a loss beyond its range is ∞).</summary>
    private double LossOf(Batch batch)
    {
        var outputs = Outputs(batch.Inputs, 0, Spec.Layers.Count)[^1];
        return Spec.Precision.Round(LossFunctions.Batch(Spec.Loss, outputs, batch.Targets, batch.LabelSpan));
    }

    private List<Matrix> Outputs(Matrix inputs, int first, int end)
    {
        ThrowIfDisposed();
        var arrays = _code.Forward(Copy(_weights).Skip(first).Take(end - first).ToList(), inputs.Clone(), _activations[first..end], first);
        if (arrays.Count != end - first)
            throw new StudentCodeException($"forward must return one output per layer, {end - first}; got {arrays.Count}.");
        return arrays.Select((a, k) => ContractChecks.Output(a, "forward", first + k, inputs.Rows, Spec, Spec.Precision)).ToList();
    }

    private WeightSet StudentGradients(Batch batch)
    {
        ThrowIfDisposed();
        var arrays = _code.Gradients(Copy(_weights), batch.Inputs.Clone(), batch.Targets.Clone(), _activations, Spec.Loss);
        return Pairs(arrays, "gradients", "dW", "db");
    }

    /// <summary>Two arrays per layer (kernel, bias), checked, as a weight set in the spec's precision.</summary>
    private WeightSet Pairs(IReadOnlyList<StudentArray> arrays, string function, string kernel, string bias)
    {
        int layers = Spec.Layers.Count;
        if (arrays.Count != 2 * layers)
            throw new StudentCodeException($"{function} must return a ({kernel}, {bias}) pair per layer, {layers}; got {arrays.Count / 2}.");
        var shapes = Spec.LayerShapes();
        var result = new List<LayerWeights>(layers);
        for (int l = 0; l < layers; l++)
        {
            var w = ContractChecks.Kernel(arrays[2 * l], function, kernel, l, Spec);
            var b = ContractChecks.Bias(arrays[2 * l + 1], function, bias, l, Spec);
            result.Add(new LayerWeights(shapes[l].Inputs, shapes[l].Outputs, (double[])w.Clone(), (double[])b.Clone()));
        }
        return new WeightSet(Spec.Precision, result);
    }

    private static List<LayerWeights> Copy(WeightSet weights) => weights.Layers.Select(l => l.Clone()).ToList();
}
