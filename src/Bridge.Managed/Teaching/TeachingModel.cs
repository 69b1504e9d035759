using Bridge.Backends;

namespace Bridge.Managed.Teaching;

/// <summary>
/// Backpropagation as the lecture writes it, one sample and one neuron at a time:
/// <list type="bullet">
/// <item>forward: net_j = Σ_i o_i·w_ij + b_j, o_j = f(net_j), layer by layer;</item>
/// <item>output layer: δ_j = f'(net_j)·(t_j − o_j) for the lecture's squared error; in general
/// δ_j = −∂e/∂net_j, the error signal e's gradient brings back through f;</item>
/// <item>hidden layers: δ_j = f'(net_j)·Σ_k δ_k·w_jk, from the layer above;</item>
/// <item>weight change: dw_ij = L·o_i·δ_j (and db_j = L·δ_j), averaged over the batch.</item>
/// </list>
/// δ is −∂e/∂net, so the gradient is ∂E/∂w_ij = −mean(o_i·δ_j) and plain SGD's change is dw = −L·∂E/∂w.
/// Numbers are doubles; in float32 every result is rounded to float32 as it is computed, which is exactly what
/// float32 arithmetic does for +, −, ×, ÷.
/// </summary>
public sealed class TeachingModel : IModel
{
    private readonly WeightSet _weights;
    private readonly ReferenceOptimizer _optimizer;
    private readonly Precision _precision;
    private long _plainSgdSteps;
    private bool _disposed;

    internal TeachingModel(ModelSpec spec, WeightSet initialWeights)
    {
        Spec = spec;
        _precision = spec.Precision;
        _weights = initialWeights.ToPrecision(spec.Precision);
        _optimizer = new ReferenceOptimizer(spec.Optimizer);
    }

    public string Backend => "managed-teaching";
    public string Device => "cpu (per-neuron loops)";
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        ThrowIfDisposed();
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        var result = new Matrix(inputs.Rows, Spec.Layers[endLayer - 1].Units);
        for (int n = 0; n < inputs.Rows; n++)
        {
            double[] o = inputs.Row(n).ToArray();
            for (int l = firstLayer; l < endLayer; l++) o = ForwardLayer(l, o).Outputs;
            o.CopyTo(result.Row(n));
        }
        return result;
    }

    public double Loss(Batch batch)
    {
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        double sum = 0;
        for (int n = 0; n < batch.Count; n++)
        {
            var pass = Forward(batch.Inputs.Row(n).ToArray());
            sum += SampleError(pass[^1], batch, n);
        }
        return sum / batch.Count;
    }

    public WeightSet Gradients(Batch batch)
    {
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        return Backpropagate(batch, trace: null).Gradients;
    }

    public StepResult TrainStep(Batch batch)
    {
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        return Step(batch, trace: null);
    }

    /// <summary>
    /// Performs one training step like <see cref="TrainStep"/> and returns every number it computed: each sample's
    /// net_j, o_j and δ_j per layer, and each weight's change dw_ij = L·o_i·δ_j.
    /// </summary>
    public StepTrace TraceStep(Batch batch)
    {
        ThrowIfDisposed();
        InputChecks.Batch(Spec, batch);
        var trace = new StepTrace(Spec, Spec.Optimizer.LearningRate);
        var before = _weights.Clone();
        var result = Step(batch, trace);
        trace.Complete(result, before, _weights);
        return trace;
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
        if (weights.FirstNonFiniteLayer() is string layer) throw new ArgumentException($"The weights of layer {layer} are not all finite.");
        var rounded = weights.ToPrecision(_precision);
        for (int l = 0; l < _weights.Layers.Count; l++)
        {
            rounded.Layers[l].Kernel.CopyTo(_weights.Layers[l].Kernel, 0);
            rounded.Layers[l].Bias.CopyTo(_weights.Layers[l].Bias, 0);
        }
    }

    public OptimizerState GetOptimizerState()
    {
        ThrowIfDisposed();
        return IsPlainSgd ? new OptimizerState(_plainSgdSteps, new Dictionary<string, WeightSet>()) : _optimizer.State;
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(state);
        state.EnsureSlotsMatch(Spec);
        _optimizer.Restore(state);
        _plainSgdSteps = state.Steps;
    }

    private bool IsPlainSgd => Spec.Optimizer is Sgd { Momentum: 0 };

    /// <summary>Holds nothing but managed memory; afterwards every call throws, as a model that held more would.</summary>
    public void Dispose() => _disposed = true;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private StepResult Step(Batch batch, StepTrace? trace)
    {
        var (loss, gradients) = Backpropagate(batch, trace);
        if (!double.IsFinite(loss)) return StepResult.Refused(loss, gradients.FirstNonFiniteLayer());
        if (gradients.FirstNonFiniteLayer() is string layer) return StepResult.Refused(loss, layer);
        if (Spec.Optimizer is Sgd { Momentum: 0 } sgd)
        {
            // The lecture's rule, weight by weight: w_ij ← w_ij + dw_ij, dw_ij = L·mean(o_i·δ_j) = −L·∂E/∂w_ij.
            for (int l = 0; l < _weights.Layers.Count; l++)
            {
                var w = _weights.Layers[l];
                var g = gradients.Layers[l];
                for (int k = 0; k < w.Kernel.Length; k++) w.Kernel[k] = R(w.Kernel[k] + R(-sgd.LearningRate * g.Kernel[k]));
                for (int j = 0; j < w.Bias.Length; j++) w.Bias[j] = R(w.Bias[j] + R(-sgd.LearningRate * g.Bias[j]));
            }
            _plainSgdSteps++;
        }
        else
        {
            _optimizer.Step(_weights, gradients);
        }
        return StepResult.Done(loss);
    }

    /// <summary>One pass forward and back over every sample; returns E and ∂E/∂w averaged over the batch.</summary>
    private (double Loss, WeightSet Gradients) Backpropagate(Batch batch, StepTrace? trace)
    {
        var gradients = _weights.ZerosLike();
        int layers = Spec.Layers.Count;
        double lossSum = 0;
        int count = batch.Count;
        for (int n = 0; n < count; n++)
        {
            double[] x = batch.Inputs.Row(n).ToArray();
            var pass = Forward(x);
            lossSum += SampleError(pass[^1], batch, n);

            // δ of the output layer: −∂e/∂net through the output's activation.
            var deltas = new double[layers][];
            deltas[layers - 1] = OutputDelta(pass[^1], batch, n);

            // δ of the hidden layers, from the top down: δ_j = f'(net_j)·Σ_k δ_k·w_jk.
            for (int l = layers - 2; l >= 0; l--)
            {
                var above = _weights.Layers[l + 1];
                var layer = pass[l];
                deltas[l] = new double[layer.Outputs.Length];
                for (int j = 0; j < layer.Outputs.Length; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < above.Outputs; k++) sum = R(sum + R(deltas[l + 1][k] * above[j, k]));
                    double fPrime = ActivationFunctions.Derivative(Spec.Layers[l].Activation, layer.Nets[j], layer.Outputs[j]);
                    deltas[l][j] = R(R(fPrime) * sum);
                }
            }

            // Gradient contributions: ∂e/∂w_ij = −o_i·δ_j, ∂e/∂b_j = −δ_j, summed here and averaged below.
            trace?.AddSample(n, x);
            for (int l = 0; l < layers; l++)
            {
                double[] o = l == 0 ? x : pass[l - 1].Outputs;
                var g = gradients.Layers[l];
                for (int i = 0; i < o.Length; i++)
                    for (int j = 0; j < g.Outputs; j++)
                        g.Kernel[i * g.Outputs + j] = R(g.Kernel[i * g.Outputs + j] - R(o[i] * deltas[l][j]));
                for (int j = 0; j < g.Outputs; j++) g.Bias[j] = R(g.Bias[j] - deltas[l][j]);
                trace?.AddLayer(n, l, pass[l].Nets, pass[l].Outputs, deltas[l]);
            }
        }
        foreach (var g in gradients.Layers)
        {
            for (int k = 0; k < g.Kernel.Length; k++) g.Kernel[k] = R(g.Kernel[k] / count);
            for (int j = 0; j < g.Bias.Length; j++) g.Bias[j] = R(g.Bias[j] / count);
        }
        return (lossSum / count, gradients);
    }

    /// <summary>net and o of every layer for one sample.</summary>
    private LayerPass[] Forward(double[] x)
    {
        var pass = new LayerPass[Spec.Layers.Count];
        double[] o = x;
        for (int l = 0; l < pass.Length; l++)
        {
            pass[l] = ForwardLayer(l, o);
            o = pass[l].Outputs;
        }
        return pass;
    }

    /// <summary>net_j = Σ_i o_i·w_ij + b_j, o_j = f(net_j) for one layer and one sample.</summary>
    private LayerPass ForwardLayer(int l, double[] o)
    {
        var w = _weights.Layers[l];
        var nets = new double[w.Outputs];
        for (int j = 0; j < w.Outputs; j++)
        {
            double net = 0;
            for (int i = 0; i < w.Inputs; i++) net = R(net + R(o[i] * w[i, j]));
            nets[j] = R(net + w.Bias[j]);
        }
        var outputs = new double[w.Outputs];
        ActivationFunctions.Apply(Spec.Layers[l].Activation, nets, outputs);
        for (int j = 0; j < outputs.Length; j++) outputs[j] = R(outputs[j]);
        return new LayerPass(nets, outputs);
    }

    /// <summary>The output layer's δ_j = −∂e/∂net_j for sample n.</summary>
    private double[] OutputDelta(LayerPass output, Batch batch, int n)
    {
        var activation = Spec.Layers[^1].Activation;
        int k = output.Outputs.Length;
        var targets = batch.Targets.Row(n);
        var delta = new double[k];
        // Two pairings have a short form that is also the numerically safe one: o − t reaches the net directly.
        if (Spec.Loss == Bridge.Loss.CategoricalCrossEntropy && activation == Activation.Softmax)
        {
            int label = batch.Labels![n];
            for (int j = 0; j < k; j++) delta[j] = R((j == label ? 1.0 : 0.0) - output.Outputs[j]);
            return delta;
        }
        if (Spec.Loss == Bridge.Loss.BinaryCrossEntropy && activation == Activation.Sigmoid)
        {
            for (int j = 0; j < k; j++) delta[j] = R(R(targets[j] - output.Outputs[j]) / k);
            return delta;
        }
        // In general: −∂e/∂o from the loss (for the lecture's loss, t − o), then back through f.
        var gradOutputs = new double[k];
        LossFunctions.SampleGradient(Spec.Loss, output.Outputs, targets, batch.Labels?[n] ?? -1, gradOutputs);
        for (int j = 0; j < k; j++) gradOutputs[j] = R(-gradOutputs[j]);
        ActivationFunctions.Backward(activation, output.Nets, output.Outputs, gradOutputs, delta);
        for (int j = 0; j < k; j++) delta[j] = R(delta[j]);
        return delta;
    }

    private double SampleError(LayerPass output, Batch batch, int n)
    {
        int label = batch.Labels?[n] ?? -1;
        var activation = Spec.Layers[^1].Activation;
        // Cross-entropies from the nets, so that a saturated output gives a large finite error, not ln 0.
        if (Spec.Loss == Bridge.Loss.CategoricalCrossEntropy && activation == Activation.Softmax)
            return LogSumExp(output.Nets) - output.Nets[label];
        if (Spec.Loss == Bridge.Loss.BinaryCrossEntropy && activation == Activation.Sigmoid)
        {
            var targets = batch.Targets.Row(n);
            double sum = 0;
            for (int j = 0; j < output.Nets.Length; j++) sum += Softplus(output.Nets[j]) - targets[j] * output.Nets[j];
            return sum / output.Nets.Length;
        }
        return LossFunctions.Sample(Spec.Loss, output.Outputs, batch.Targets.Row(n), label);
    }

    internal static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    internal static double LogSumExp(double[] x)
    {
        double max = x.Max();
        double sum = 0;
        foreach (double v in x) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private double R(double value) => _precision.Round(value);

    private sealed record LayerPass(double[] Nets, double[] Outputs);
}
