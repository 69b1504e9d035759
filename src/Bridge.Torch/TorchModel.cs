using Bridge.Backends;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// A Bridge network on libtorch. Layer l holds W_l in torch's [out, in] layout (the canonical W[i, j] transposed) and
/// b_l, as leaf parameters; the forward pass is net = linear(o, W, b), o = f(net). Losses are written out with the
/// facade's reductions. Every call runs inside a dispose scope, so no tensor outlives it except the parameters and
/// the optimizer's state; <see cref="Dispose"/> releases those.
/// <para>No temporary tensor is made outside a dispose scope: the scope references it until the native call that
/// reads it has returned (a chain such as <c>p.detach().clone()</c> outside one lets the collector finalise the
/// intermediate tensor during the clone).</para>
/// <para>No Scalar reaches libtorch by an implicit conversion: the ones Bridge needs (the loss's ½, the optimizer's
/// coefficients) are owned by the model and its optimizer and live until they are disposed with it, and
/// TorchSharp overloads that make a Scalar of their own (<c>a + b</c>, <c>add(b)</c>, <c>square()</c>) are not used.
/// See <see cref="DeviceOptimizer"/> for why.</para>
/// <para>Training through the <see cref="Trainer"/> goes through <see cref="BeginQueuedTraining(FeatureRows, Matrix?, int[])"/>: the data set is
/// copied to the device once per fit and steps are queued without reading anything back (see
/// <see cref="QueuedTorchTraining"/>).</para>
/// </summary>
internal sealed class TorchModel : IQueuedTrainingModel
{
    private readonly Parameter[] _weights, _biases, _parameters;
    private readonly DeviceOptimizer _optimizer;
    private readonly Scalar _half;
    private QueuedTorchTraining? _queued;
    private bool _disposed;

    public TorchModel(ModelSpec spec, WeightSet initialWeights, torch.Device device)
    {
        Spec = spec;
        TorchDevice = device;
        DType = TorchTensors.DType(spec.Precision);
        var shapes = spec.LayerShapes();
        _weights = new Parameter[shapes.Count];
        _biases = new Parameter[shapes.Count];
        // Made inside a scope, which holds the temporaries until the native calls that read them have returned.
        using (torch.NewDisposeScope())
        {
            for (int l = 0; l < shapes.Count; l++)
            {
                _weights[l] = (Parameter)new Parameter(torch.zeros([shapes[l].Outputs, shapes[l].Inputs], DType, device), requires_grad: true).DetachFromDisposeScope();
                _biases[l] = (Parameter)new Parameter(torch.zeros([shapes[l].Outputs], DType, device), requires_grad: true).DetachFromDisposeScope();
            }
        }
        _parameters = _weights.Zip(_biases).SelectMany(p => new[] { p.First, p.Second }).ToArray();
        _half = 0.5.ToScalar();
        SetWeights(initialWeights);
        _optimizer = DeviceOptimizer.Create(spec.Optimizer, _parameters);
        Device = device.type == DeviceType.CUDA ? $"cuda:{device.index}" : "cpu";
    }

    public string Backend => "torch";
    public string Device { get; }
    public ModelSpec Spec { get; }
    internal torch.Device TorchDevice { get; }
    internal ScalarType DType { get; }
    internal IReadOnlyList<Parameter> Parameters => _parameters;
    internal DeviceOptimizer Optimizer => _optimizer;

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        ThrowIfUnsettled();
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var o = TorchTensors.FromMatrix(inputs, DType, TorchDevice);
        for (int l = firstLayer; l < endLayer; l++) o = Layer(l, o).Output;
        return TorchTensors.ToMatrix(o);
    }

    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        ThrowIfUnsettled();
        InputChecks.LayerRange(Spec, inputs, 0, Spec.Layers.Count);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var o = TorchTensors.FromMatrix(inputs, DType, TorchDevice);
        var outputs = new List<Matrix>();
        for (int l = 0; l < Spec.Layers.Count; l++)
        {
            o = Layer(l, o).Output;
            outputs.Add(TorchTensors.ToMatrix(o));
        }
        return outputs;
    }

    public double Loss(Batch batch)
    {
        ThrowIfUnsettled();
        InputChecks.Batch(Spec, batch);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return TorchTensors.Scalar(LossOf(batch));
    }

    public WeightSet Gradients(Batch batch)
    {
        ThrowIfUnsettled();
        InputChecks.Batch(Spec, batch);
        using var scope = torch.NewDisposeScope();
        ZeroGradients();
        LossOf(batch).backward();
        var gradients = ReadGradients();
        ZeroGradients();
        return gradients;
    }

    public StepResult TrainStep(Batch batch)
    {
        ThrowIfUnsettled();
        InputChecks.Batch(Spec, batch);
        using var scope = torch.NewDisposeScope();
        var result = Step(LossOf(batch));
        _queued?.ModelChangedOutside();
        return result;
    }

    public IQueuedTraining BeginQueuedTraining(Matrix inputs, Matrix targets, int[]? labels) =>
        BeginQueuedTraining(new FeatureRows(inputs), targets, labels);

    /// <summary>Copies the data set to the device, bytes of images converted straight into the tensor (no float64 copy).</summary>
    public IQueuedTraining BeginQueuedTraining(FeatureRows inputs, Matrix? targets, int[]? labels)
    {
        ThrowIfUnsettled();
        if (_queued is not null) throw new InvalidOperationException("This model is already training on a resident data set; dispose that first.");
        return _queued = new QueuedTorchTraining(this, inputs, targets, labels);
    }

    public WeightSet GetWeights()
    {
        ThrowIfUnsettled();
        var layers = new List<LayerWeights>();
        var shapes = Spec.LayerShapes();
        for (int l = 0; l < _weights.Length; l++)
            layers.Add(LayerWeights.FromTransposedKernel(shapes[l].Inputs, shapes[l].Outputs, TorchTensors.ToDoubles(_weights[l]), TorchTensors.ToDoubles(_biases[l])));
        return new WeightSet(Spec.Precision, layers);
    }

    public void SetWeights(WeightSet weights)
    {
        ThrowIfUnsettled();
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string bad) throw new ArgumentException($"The weights of layer {bad} are not all finite.");
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            for (int l = 0; l < _weights.Length; l++)
            {
                var layer = weights.Layers[l];
                _weights[l].copy_(TorchTensors.FromValues(layer.KernelTransposed(), [layer.Outputs, layer.Inputs], DType, TorchDevice));
                _biases[l].copy_(TorchTensors.FromValues(layer.Bias, [layer.Outputs], DType, TorchDevice));
            }
        }
        _queued?.ModelChangedOutside();
    }

    public OptimizerState GetOptimizerState()
    {
        ThrowIfUnsettled();
        return _optimizer.GetState(Spec, ToCanonical);
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ThrowIfUnsettled();
        ArgumentNullException.ThrowIfNull(state);
        foreach (var name in state.Slots.Keys)
            if (!Spec.Optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {Spec.Optimizer.Describe()}.");
        state.EnsureSlotsMatch(Spec);
        _optimizer.SetState(state, FromCanonical);
        _queued?.ModelChangedOutside();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _queued?.Dispose();
        _disposed = true;
        _optimizer.Dispose();
        foreach (var p in _parameters) p.Dispose();
        _half.Dispose();
    }

    /// <summary>
    /// One eager step from the loss's graph: backward, then a single read of the loss and each parameter's gradient
    /// finiteness, and the update only if all are finite. Call inside a dispose scope.
    /// </summary>
    internal StepResult Step(Tensor loss)
    {
        ZeroGradients();
        loss.backward();
        var parts = new Tensor[1 + _parameters.Length];
        parts[0] = loss.detach().reshape(1).to_type(ScalarType.Float64);
        for (int p = 0; p < _parameters.Length; p++)
            parts[1 + p] = _parameters[p].grad is { } g ? g.isfinite().all().reshape(1).to_type(ScalarType.Float64) : torch.ones(1, ScalarType.Float64, TorchDevice);
        var verdict = DeviceTransfers.ReadDoubles(torch.cat(parts));
        double value = verdict[0];
        for (int p = 0; p < _parameters.Length; p++)
            if (verdict[1 + p] == 0) return StepResult.Refused(value, WeightSet.LayerName(p / 2));
        if (!double.IsFinite(value)) return StepResult.Refused(value, null);
        UpdateParameters();
        return StepResult.Done(value);
    }

    /// <summary>The optimizer's update from the current gradients. Call inside a dispose scope.</summary>
    internal void UpdateParameters()
    {
        using var noGrad = torch.no_grad();
        _optimizer.Step();
    }

    /// <summary>
    /// Clears the gradients before a backward pass. They are dropped rather than zeroed (torch.optim's default since
    /// PyTorch 2.0): backward then writes each gradient fresh instead of adding it to zeros, one kernel less per
    /// parameter and step, and no wrapper object made to reach each gradient.
    /// </summary>
    internal void ZeroGradients()
    {
        foreach (var p in _parameters) p.grad = null;
    }

    internal void Released(QueuedTorchTraining queued)
    {
        if (ReferenceEquals(_queued, queued)) _queued = null;
    }

    /// <summary>One layer: net = o·Wᵀ + b, o' = f(net).</summary>
    private (Tensor Net, Tensor Output) Layer(int l, Tensor input)
    {
        var net = nn.functional.linear(input, _weights[l], _biases[l]);
        return (net, Activate(l, net));
    }

    private Tensor Activate(int l, Tensor net) => Spec.Layers[l].Activation switch
        {
            Activation.Sigmoid => torch.sigmoid(net),
            Activation.Tanh => torch.tanh(net),
            Activation.Relu => nn.functional.relu(net),
            Activation.Linear => net,
            Activation.Softmax => torch.softmax(net, 1),
            var a => throw new NotSupportedException($"The torch backend has no activation {a}."),
        };

    /// <summary>Whether the loss is computed from the output layer's nets (the stable form) rather than its outputs.</summary>
    private bool LossReadsNets => Spec.Loss is Bridge.Loss.BinaryCrossEntropy or Bridge.Loss.CategoricalCrossEntropy;

    /// <summary>Whether the loss reads the targets (categorical cross-entropy reads the labels instead).</summary>
    internal bool ReadsTargets => Spec.Loss != Bridge.Loss.CategoricalCrossEntropy;

    private Tensor LossOf(Batch batch) => LossOf(
        TorchTensors.FromMatrix(batch.Inputs, DType, TorchDevice),
        ReadsTargets ? TorchTensors.FromMatrix(batch.Targets, DType, TorchDevice) : null,
        ReadsTargets ? null : TorchTensors.Indices(batch.Labels, TorchDevice));

    /// <summary>E on a batch already on the device, with the facade's exact reduction.</summary>
    internal Tensor LossOf(Tensor inputs, Tensor? targets, Tensor? labels) => LossOf(inputs, targets, labels, counts: false, out _);

    /// <summary>
    /// E on a batch already on the device, and, where the loss reads labels (categorical cross-entropy on softmax
    /// outputs), how many samples the outputs put in their labelled class (the first of the largest outputs, as
    /// <see cref="Metrics.PredictedClasses"/> decides), as a tensor; otherwise <paramref name="correct"/> is null.
    /// </summary>
    internal Tensor LossOf(Tensor inputs, Tensor? targets, Tensor? labels, out Tensor? correct) =>
        LossOf(inputs, targets, labels, counts: true, out correct);

    /// <summary>
    /// The loss, and the count only where <paramref name="counts"/> asks for it: it costs a softmax, an argmax and a
    /// sum on the device, which a caller that does not read it (a loss, gradients, an eager step, a replay) would waste.
    /// </summary>
    private Tensor LossOf(Tensor inputs, Tensor? targets, Tensor? labels, bool counts, out Tensor? correct)
    {
        var o = inputs;
        int last = Spec.Layers.Count - 1;
        for (int l = 0; l < last; l++) o = Layer(l, o).Output;
        var net = nn.functional.linear(o, _weights[last], _biases[last]);
        // Cross-entropy reads the output layer's nets: its activation would be computed and never read, but to count.
        if (!LossReadsNets) o = Activate(last, net);
        correct = null;
        if (counts && labels is not null && Spec.Layers[last].Activation == Activation.Softmax)
            using (torch.no_grad())
                correct = Activate(last, net).argmax(1).eq(labels).sum();
        var loss = Spec.Loss switch
        {
            // ½·Σ_k (t_k − o_k)² per sample, then the batch mean; torch has no built-in for this one. d·d is what
            // square() computes, without the Scalar exponent square() makes.
            Bridge.Loss.HalfSquaredError => HalfSquaredError(o, targets!),
            // torch's mse_loss with reduction "mean" averages over every element: over outputs, then samples.
            Bridge.Loss.MeanSquaredError => nn.functional.mse_loss(o, targets!, nn.Reduction.Mean),
            // From the nets (sigmoid output is checked by the spec), which is also the stable form.
            Bridge.Loss.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(net, targets!, reduction: nn.Reduction.Mean),
            // log_softmax + negative log-likelihood on the nets, averaged over the batch.
            Bridge.Loss.CategoricalCrossEntropy => nn.functional.cross_entropy(net, labels!, reduction: nn.Reduction.Mean),
            var other => throw new NotSupportedException($"The torch backend has no loss {other}."),
        };
        GC.KeepAlive(this);
        return loss;
    }

    private Tensor HalfSquaredError(Tensor o, Tensor targets)
    {
        var d = o.sub(targets);   // THSTensor_sub takes no Scalar
        return d.mul(d).sum(1).mul(_half).mean();
    }

    private WeightSet ReadGradients()
    {
        var shapes = Spec.LayerShapes();
        var layers = new List<LayerWeights>();
        for (int l = 0; l < shapes.Count; l++)
        {
            var kernel = _weights[l].grad is { } gw ? TorchTensors.ToDoubles(gw) : new double[shapes[l].Inputs * shapes[l].Outputs];
            var bias = _biases[l].grad is { } gb ? TorchTensors.ToDoubles(gb) : new double[shapes[l].Outputs];
            layers.Add(LayerWeights.FromTransposedKernel(shapes[l].Inputs, shapes[l].Outputs, kernel, bias));
        }
        return new WeightSet(Spec.Precision, layers);
    }

    private double[] ToCanonical(int parameter, Tensor value)
    {
        var values = TorchTensors.ToDoubles(value);
        if (parameter % 2 == 1) return values;
        var (inputs, outputs) = Spec.LayerShapes()[parameter / 2];
        return LayerWeights.FromTransposedKernel(inputs, outputs, values, new double[outputs]).Kernel;
    }

    private Tensor FromCanonical(int parameter, WeightSet slot)
    {
        var layer = slot.Layers[parameter / 2];
        return parameter % 2 == 1
            ? TorchTensors.FromValues(layer.Bias, [layer.Outputs], DType, TorchDevice)
            : TorchTensors.FromValues(layer.KernelTransposed(), [layer.Outputs, layer.Inputs], DType, TorchDevice);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Queued steps must be settled before the model is read or changed another way.</summary>
    private void ThrowIfUnsettled()
    {
        ThrowIfDisposed();
        if (_queued is { Unsettled: > 0 } q)
            throw new InvalidOperationException($"{q.Unsettled} queued training steps are not settled yet: call Settle() on the queued training first.");
    }
}
