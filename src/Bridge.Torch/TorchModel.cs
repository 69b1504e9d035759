using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// A Bridge network on libtorch. Layer l holds W_l in torch's [out, in] layout (the canonical W[i, j] transposed) and
/// b_l, as leaf parameters; the forward pass is net = linear(o, W, b), o = f(net). Losses are written out with the
/// facade's reductions. Every call runs inside a dispose scope, so no tensor outlives it except the parameters and
/// the optimizer's state; <see cref="Dispose"/> releases those.
/// </summary>
internal sealed class TorchModel : IModel
{
    private readonly Device _device;
    private readonly ScalarType _dtype;
    private readonly Parameter[] _weights, _biases;
    private readonly List<Parameter> _parameters;
    private readonly optim.Optimizer _optimizer;
    private long _steps;
    private bool _disposed;

    public TorchModel(ModelSpec spec, WeightSet initialWeights, Device device)
    {
        Spec = spec;
        _device = device;
        _dtype = TorchTensors.DType(spec.Precision);
        var shapes = spec.LayerShapes();
        _weights = new Parameter[shapes.Count];
        _biases = new Parameter[shapes.Count];
        for (int l = 0; l < shapes.Count; l++)
        {
            _weights[l] = new Parameter(torch.zeros([shapes[l].Outputs, shapes[l].Inputs], _dtype, device), requires_grad: true);
            _biases[l] = new Parameter(torch.zeros([shapes[l].Outputs], _dtype, device), requires_grad: true);
        }
        _parameters = _weights.Zip(_biases).SelectMany(p => new[] { p.First, p.Second }).ToList();
        SetWeights(initialWeights);
        _optimizer = TorchOptimizers.Create(spec.Optimizer, _parameters);
        Device = device.type == DeviceType.CUDA ? $"cuda:{device.index}" : "cpu";
    }

    public string Backend => "torch";
    public string Device { get; }
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        ThrowIfDisposed();
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var o = TorchTensors.FromMatrix(inputs, _dtype, _device);
        for (int l = firstLayer; l < endLayer; l++) o = Layer(l, o).Output;
        return TorchTensors.ToMatrix(o);
    }

    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        ThrowIfDisposed();
        InputChecks.LayerRange(Spec, inputs, 0, Spec.Layers.Count);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var o = TorchTensors.FromMatrix(inputs, _dtype, _device);
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
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return TorchTensors.Scalar(LossOf(batch));
    }

    public WeightSet Gradients(Batch batch)
    {
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        using var scope = torch.NewDisposeScope();
        _optimizer.zero_grad();
        LossOf(batch).backward();
        var gradients = ReadGradients();
        _optimizer.zero_grad();
        return gradients;
    }

    public StepResult TrainStep(Batch batch)
    {
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        using var scope = torch.NewDisposeScope();
        _optimizer.zero_grad();
        var loss = LossOf(batch);
        loss.backward();
        double value = TorchTensors.Scalar(loss);
        if (FirstNonFiniteGradient() is string layer) return StepResult.Refused(value, layer);
        if (!double.IsFinite(value)) return StepResult.Refused(value, null);
        _optimizer.step();
        _steps++;
        return StepResult.Done(value);
    }

    public WeightSet GetWeights()
    {
        ThrowIfDisposed();
        var layers = new List<LayerWeights>();
        for (int l = 0; l < _weights.Length; l++)
        {
            var (inputs, outputs) = (Spec.LayerShapes()[l].Inputs, Spec.LayerShapes()[l].Outputs);
            layers.Add(LayerWeights.FromTransposedKernel(inputs, outputs, TorchTensors.ToDoubles(_weights[l]), TorchTensors.ToDoubles(_biases[l])));
        }
        return new WeightSet(Spec.Precision, layers);
    }

    public void SetWeights(WeightSet weights)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string bad) throw new ArgumentException($"The weights of layer {bad} are not all finite.");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (int l = 0; l < _weights.Length; l++)
        {
            var layer = weights.Layers[l];
            _weights[l].copy_(TorchTensors.FromValues(layer.KernelTransposed(), [layer.Outputs, layer.Inputs], _dtype, _device));
            _biases[l].copy_(TorchTensors.FromValues(layer.Bias, [layer.Outputs], _dtype, _device));
        }
    }

    public OptimizerState GetOptimizerState()
    {
        ThrowIfDisposed();
        return TorchOptimizers.GetState(_optimizer, Spec.Optimizer, Spec, _steps, _parameters.Count, ToCanonical);
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(state);
        foreach (var name in state.Slots.Keys)
            if (!Spec.Optimizer.SlotNames.Contains(name))
                throw new ArgumentException($"Optimizer state slot '{name}' does not belong to {Spec.Optimizer.Describe()}.");
        foreach (var (name, slot) in state.Slots)
        {
            try { slot.EnsureMatches(Spec); }
            catch (ArgumentException e) { throw new ArgumentException($"Optimizer slot '{name}': {e.Message}", e); }
        }
        TorchOptimizers.SetState(_optimizer, Spec.Optimizer, state, _parameters.Count, FromCanonical);
        _steps = state.Steps;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _optimizer.Dispose();
        foreach (var p in _parameters) p.Dispose();
    }

    /// <summary>One layer: net = o·Wᵀ + b, o' = f(net).</summary>
    private (Tensor Net, Tensor Output) Layer(int l, Tensor input)
    {
        var net = nn.functional.linear(input, _weights[l], _biases[l]);
        var output = Spec.Layers[l].Activation switch
        {
            Activation.Sigmoid => torch.sigmoid(net),
            Activation.Tanh => torch.tanh(net),
            Activation.Relu => nn.functional.relu(net),
            Activation.Linear => net,
            Activation.Softmax => torch.softmax(net, 1),
            var a => throw new NotSupportedException($"The torch backend has no activation {a}."),
        };
        return (net, output);
    }

    /// <summary>E on the batch with the facade's exact reduction.</summary>
    private Tensor LossOf(Batch batch)
    {
        var o = TorchTensors.FromMatrix(batch.Inputs, _dtype, _device);
        Tensor net = o;
        for (int l = 0; l < Spec.Layers.Count; l++) (net, o) = Layer(l, o);
        var targets = TorchTensors.FromMatrix(batch.Targets, _dtype, _device);
        return Spec.Loss switch
        {
            // ½·Σ_k (t_k − o_k)² per sample, then the batch mean; torch has no built-in for this one.
            Bridge.Loss.HalfSquaredError => (o - targets).square().sum(1).mul(0.5).mean(),
            // torch's mse_loss with reduction "mean" averages over every element: over outputs, then samples.
            Bridge.Loss.MeanSquaredError => nn.functional.mse_loss(o, targets, nn.Reduction.Mean),
            // From the nets (sigmoid output is checked by the spec), which is also the stable form.
            Bridge.Loss.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(net, targets, reduction: nn.Reduction.Mean),
            // log_softmax + negative log-likelihood on the nets, averaged over the batch.
            Bridge.Loss.CategoricalCrossEntropy => nn.functional.cross_entropy(net, TorchTensors.Labels(batch.Labels!, _device), reduction: nn.Reduction.Mean),
            var loss => throw new NotSupportedException($"The torch backend has no loss {loss}."),
        };
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

    /// <summary>The first layer whose gradient holds a NaN or ±∞, with one device synchronisation when all are finite.</summary>
    private string? FirstNonFiniteGradient()
    {
        var total = _parameters.Select(p => p.grad is { } g ? g.sum() : torch.zeros(1, _dtype, _device).sum())
            .Aggregate((a, b) => a + b);
        if (double.IsFinite(TorchTensors.Scalar(total))) return null;
        for (int l = 0; l < _weights.Length; l++)
        {
            bool finite = (_weights[l].grad?.isfinite().all().item<bool>() ?? true) && (_biases[l].grad?.isfinite().all().item<bool>() ?? true);
            if (!finite) return WeightSet.LayerName(l);
        }
        // Every entry is finite but their sum overflowed: nothing to refuse.
        return null;
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
            ? TorchTensors.FromValues(layer.Bias, [layer.Outputs], _dtype, _device)
            : TorchTensors.FromValues(layer.KernelTransposed(), [layer.Outputs, layer.Inputs], _dtype, _device);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
