using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Batched;

/// <summary>
/// The fast path: the whole batch at once in matrix form, computing in T (float or double).
/// Forward: Net_l = O_(l−1)·W_l + b_l, O_l = f(Net_l). Backward, with G_l = ∂E/∂Net_l:
/// ∂E/∂W_l = O_(l−1)ᵀ·G_l, ∂E/∂b_l = Σ_rows G_l, G_(l−1) = (G_l·W_lᵀ) ⊙ f'(Net_(l−1)).
/// Buffers are allocated on the first step of each batch size and reused, so training allocates nothing per step.
/// </summary>
internal sealed class BatchedModel<T> : IGatheringModel where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _kernels, _biases, _kernelGradients, _biasGradients;
    private readonly T[][] _parameters, _gradients; // kernel and bias of every layer, in that order
    private readonly BatchedOptimizer<T> _optimizer;
    private readonly Dictionary<int, Workspace<T>> _workspaces = [];
    private readonly int[] _units;

    public BatchedModel(ModelSpec spec, WeightSet initialWeights)
    {
        Spec = spec;
        _units = spec.Layers.Select(l => l.Units).ToArray();
        var shapes = spec.LayerShapes();
        _kernels = shapes.Select(s => new T[s.Inputs * s.Outputs]).ToArray();
        _biases = shapes.Select(s => new T[s.Outputs]).ToArray();
        _kernelGradients = shapes.Select(s => new T[s.Inputs * s.Outputs]).ToArray();
        _biasGradients = shapes.Select(s => new T[s.Outputs]).ToArray();
        _parameters = Interleave(_kernels, _biases);
        _gradients = Interleave(_kernelGradients, _biasGradients);
        _optimizer = new BatchedOptimizer<T>(spec.Optimizer, _parameters);
        SetWeights(initialWeights);
    }

    public string Backend => "managed";
    public string Device => "cpu";
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        int n = inputs.Rows;
        var current = new T[inputs.Data.Length];
        BatchedOptimizer<T>.FromDouble(inputs.Data, current);
        int width = inputs.Cols;
        for (int l = firstLayer; l < endLayer; l++)
        {
            var nets = new T[n * _units[l]];
            var outputs = new T[n * _units[l]];
            Gemm<T>.MultiplyAddBias(current, n, width, _kernels[l], _units[l], _biases[l], nets);
            ActivationKernels<T>.Forward(Spec.Layers[l].Activation, nets, outputs, _units[l]);
            current = outputs;
            width = _units[l];
        }
        return new Matrix(n, width, BatchedOptimizer<T>.ToDouble(current));
    }

    public double Loss(Batch batch)
    {
        var work = Load(batch);
        Forward(work);
        return BatchLoss(work);
    }

    public WeightSet Gradients(Batch batch)
    {
        var work = Load(batch);
        Forward(work);
        Backward(work);
        return Snapshot(_kernelGradients, _biasGradients);
    }

    public StepResult TrainStep(Batch batch) => Step(Load(batch));

    public StepResult TrainStep(Matrix inputs, Matrix targets, int[]? labels, ReadOnlySpan<int> rows) => Step(Gather(inputs, targets, labels, rows));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepResult Step(Workspace<T> work)
    {
        Forward(work);
        double loss = BatchLoss(work);
        Backward(work);
        if (FirstNonFiniteGradient() is int layer) return StepResult.Refused(loss, WeightSet.LayerName(layer));
        if (!double.IsFinite(loss)) return StepResult.Refused(loss, null);
        _optimizer.Step(_parameters, _gradients);
        return StepResult.Done(loss);
    }

    public WeightSet GetWeights() => Snapshot(_kernels, _biases);

    public void SetWeights(WeightSet weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string layer)
            throw new ArgumentException($"The weights of layer {layer} are not all finite.");
        for (int l = 0; l < _kernels.Length; l++)
        {
            BatchedOptimizer<T>.FromDouble(weights.Layers[l].Kernel, _kernels[l]);
            BatchedOptimizer<T>.FromDouble(weights.Layers[l].Bias, _biases[l]);
        }
    }

    public OptimizerState GetOptimizerState() => _optimizer.GetState(Spec);

    public void SetOptimizerState(OptimizerState state) => _optimizer.SetState(state, Spec);

    public void Dispose() { }

    /// <summary>
    /// The batch, checked and converted to T into the workspace of its size. Finiteness is checked on the converted
    /// values, the ones the step uses, in one pass instead of a pass over the float64 batch and another to convert;
    /// only when that finds something does the float64 batch get looked at, to name the culprit. Nothing but the
    /// workspace has changed when it throws.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Workspace<T> Load(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.EnsureFits(Spec);
        var work = WorkspaceFor(batch.Count);
        BatchedOptimizer<T>.FromDouble(batch.Inputs.Data, work.Inputs);
        BatchedOptimizer<T>.FromDouble(batch.Targets.Data, work.Targets);
        if (!FiniteScan.AllFinite<T>(work.Inputs) || !FiniteScan.AllFinite<T>(work.Targets)) ThrowNotFinite(batch);
        batch.LabelSpan.CopyTo(work.Labels);
        return work;
    }

    /// <summary>
    /// Rows <paramref name="rows"/> of a data set, checked and converted into the workspace of their count: the same
    /// values <see cref="Load"/> makes of the batch they assemble into, without the float64 copy in between. Finiteness
    /// is checked on the converted values as there, for the values the step reads: categorical cross-entropy reads the
    /// labels, so its targets are neither converted nor checked. Nothing but the workspace has changed when it throws.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Workspace<T> Gather(Matrix inputs, Matrix targets, int[]? labels, ReadOnlySpan<int> rows)
    {
        InputChecks.Rows(Spec, inputs, targets, labels, rows);
        var work = WorkspaceFor(rows.Length);
        RowGather<T>.Convert(inputs.Data, inputs.Cols, rows, work.Inputs);
        bool readsTargets = Spec.Loss != Bridge.Loss.CategoricalCrossEntropy;
        if (readsTargets) RowGather<T>.Convert(targets.Data, targets.Cols, rows, work.Targets);
        if (labels is not null)
            for (int k = 0; k < rows.Length; k++) work.Labels[k] = labels[rows[k]];
        if (!FiniteScan.AllFinite<T>(work.Inputs) || (readsTargets && !FiniteScan.AllFinite<T>(work.Targets)))
            ThrowNotFinite(inputs, readsTargets ? targets : null, rows, "the data");
        return work;
    }

    private Workspace<T> WorkspaceFor(int batchSize)
    {
        if (!_workspaces.TryGetValue(batchSize, out var work))
        {
            // A training run uses at most two batch sizes (full and last); evaluation sizes come and go.
            if (_workspaces.Count >= 4) _workspaces.Clear();
            _workspaces[batchSize] = work = new Workspace<T>(batchSize, Spec.Inputs, Spec.Layers);
        }
        return work;
    }

    private void ThrowNotFinite(Batch batch) =>
        ThrowNotFinite(batch.Inputs, batch.Targets, Enumerable.Range(0, batch.Count).ToArray(), "the batch");

    /// <summary>
    /// Names the first value of <paramref name="rows"/> of the inputs, then of the targets (when read), that is not
    /// finite; only if there is none, the first that is not finite once rounded to T.
    /// </summary>
    private void ThrowNotFinite(Matrix inputs, Matrix? targets, ReadOnlySpan<int> rows, string source)
    {
        foreach (bool rounded in new[] { false, true })
            foreach (var (matrix, what) in new[] { (inputs, "Input"), (targets, "Target") })
                if (matrix is not null)
                    foreach (int row in rows)
                        for (int col = 0; col < matrix.Cols; col++)
                        {
                            double value = matrix[row, col];
                            if (!rounded && !double.IsFinite(value))
                                throw new ArgumentException($"{what} row {row}, column {col} of {source} is {value} (NaN or infinite).");
                            if (rounded && !T.IsFinite(T.CreateChecked(value)))
                                throw new ArgumentException(
                                    $"{what} row {row}, column {col} of {source} is {value}, beyond the range of {Spec.Precision.Name()}.");
                        }
        throw new InvalidOperationException("A converted value was not finite, yet every source value converts to a finite one.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(Workspace<T> work)
    {
        int n = work.BatchSize;
        ReadOnlySpan<T> current = work.Inputs;
        int width = Spec.Inputs;
        for (int l = 0; l < _units.Length; l++)
        {
            Gemm<T>.MultiplyAddBias(current, n, width, _kernels[l], _units[l], _biases[l], work.Nets[l]);
            ActivationKernels<T>.Forward(Spec.Layers[l].Activation, work.Nets[l], work.Outputs[l], _units[l]);
            current = work.Outputs[l];
            width = _units[l];
        }
    }

    /// <summary>Fills ∂E/∂W and ∂E/∂b of every layer from the forward pass in <paramref name="work"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backward(Workspace<T> work)
    {
        int n = work.BatchSize;
        int last = _units.Length - 1;
        OutputGradient(work, work.NetGradients[last]);
        for (int l = last; l >= 0; l--)
        {
            ReadOnlySpan<T> below = l == 0 ? work.Inputs : work.Outputs[l - 1];
            int width = l == 0 ? Spec.Inputs : _units[l - 1];
            Gemm<T>.MultiplyTransposedA(below, n, width, work.NetGradients[l], _units[l], _kernelGradients[l]);
            Gemm<T>.ColumnSums(work.NetGradients[l], n, _units[l], _biasGradients[l]);
            if (l == 0) break;
            Gemm<T>.MultiplyTransposedB(work.NetGradients[l], n, _units[l], _kernels[l], width, work.NetGradients[l - 1], work.Scratch);
            ActivationKernels<T>.Backward(Spec.Layers[l - 1].Activation, work.Nets[l - 1], work.Outputs[l - 1], work.NetGradients[l - 1], width);
        }
    }

    /// <summary>∂E/∂Net of the output layer, E being the batch mean (hence the 1/N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OutputGradient(Workspace<T> work, Span<T> gradient)
    {
        int n = work.BatchSize, k = _units[^1];
        var outputs = work.Outputs[^1];
        var targets = work.Targets;
        var activation = Spec.Layers[^1].Activation;
        T inverseN = T.One / T.CreateChecked(n);
        switch (Spec.Loss)
        {
            case Bridge.Loss.CategoricalCrossEntropy when activation == Activation.Softmax:
                // ∂E/∂net_j = (o_j − [j = label]) / N: o_j·(1/N) everywhere in one vector pass, then each row's label
                // entry recomputed as (o − 1)·(1/N), the same rounding as the formula gives it.
                Scale(outputs, inverseN, gradient);
                for (int r = 0; r < n; r++)
                {
                    int at = r * k + work.Labels[r];
                    gradient[at] = (outputs[at] - T.One) * inverseN;
                }
                return;
            case Bridge.Loss.BinaryCrossEntropy when activation == Activation.Sigmoid:
            {
                // ∂E/∂net_j = (o_j − t_j) / (K·N)
                T scale = inverseN / T.CreateChecked(k);
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (outputs[i] - targets[i]) * scale;
                return;
            }
            case Bridge.Loss.HalfSquaredError:
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (outputs[i] - targets[i]) * inverseN;
                break;
            case Bridge.Loss.MeanSquaredError:
            {
                T scale = T.CreateChecked(2) / T.CreateChecked(k) * inverseN;
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (outputs[i] - targets[i]) * scale;
                break;
            }
            case Bridge.Loss.BinaryCrossEntropy:
            {
                T scale = inverseN / T.CreateChecked(k);
                for (int i = 0; i < gradient.Length; i++)
                    gradient[i] = (outputs[i] - targets[i]) / (outputs[i] * (T.One - outputs[i])) * scale;
                break;
            }
            case Bridge.Loss.CategoricalCrossEntropy:
                gradient.Clear();
                for (int r = 0; r < n; r++)
                {
                    int label = work.Labels[r];
                    gradient[r * k + label] = -inverseN / outputs[r * k + label];
                }
                break;
            default:
                throw new NotSupportedException($"The managed engine has no implementation of the loss {Spec.Loss}.");
        }
        ActivationKernels<T>.Backward(activation, work.Nets[^1], outputs, gradient, k);
    }

    /// <summary>E on the batch, accumulated in float64 from the T outputs; cross-entropies from the nets (stable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double BatchLoss(Workspace<T> work)
    {
        int n = work.BatchSize, k = _units[^1];
        var outputs = work.Outputs[^1];
        var nets = work.Nets[^1];
        var targets = work.Targets;
        var activation = Spec.Layers[^1].Activation;
        double sum = 0;
        switch (Spec.Loss)
        {
            case Bridge.Loss.CategoricalCrossEntropy when activation == Activation.Softmax:
                for (int r = 0; r < n; r++)
                {
                    int label = work.Labels[r];
                    double probability = double.CreateChecked(outputs[r * k + label]);
                    // −ln o_label from the softmax output; where that has underflowed, from the nets (logsumexp − net).
                    if (probability > 1e-30)
                    {
                        sum -= Math.Log(probability);
                        continue;
                    }
                    var row = nets.AsSpan(r * k, k);
                    double max = double.NegativeInfinity;
                    foreach (var v in row) max = Math.Max(max, double.CreateChecked(v));
                    double exps = 0;
                    foreach (var v in row) exps += Math.Exp(double.CreateChecked(v) - max);
                    sum += max + Math.Log(exps) - double.CreateChecked(row[label]);
                }
                return sum / n;
            case Bridge.Loss.BinaryCrossEntropy when activation == Activation.Sigmoid:
                for (int i = 0; i < nets.Length; i++)
                {
                    double x = double.CreateChecked(nets[i]), t = double.CreateChecked(targets[i]);
                    sum += Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))) - t * x;
                }
                return sum / k / n;
            case Bridge.Loss.HalfSquaredError:
                for (int i = 0; i < outputs.Length; i++)
                {
                    double d = double.CreateChecked(targets[i]) - double.CreateChecked(outputs[i]);
                    sum += 0.5 * d * d;
                }
                return sum / n;
            case Bridge.Loss.MeanSquaredError:
                for (int i = 0; i < outputs.Length; i++)
                {
                    double d = double.CreateChecked(targets[i]) - double.CreateChecked(outputs[i]);
                    sum += d * d;
                }
                return sum / k / n;
            default:
                // Cross-entropies on other outputs are refused by the spec; nothing else reaches here.
                throw new NotSupportedException($"The managed engine has no loss {Spec.Loss} on a {activation.Name()} output.");
        }
    }

    /// <summary>y = x·scale, vectors first, then the rest one by one (the same multiplication on every element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(ReadOnlySpan<T> x, T scale, Span<T> y)
    {
        var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
        var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
        var s = new Vector<T>(scale);
        for (int v = 0; v < xv.Length; v++) yv[v] = xv[v] * s;
        for (int i = xv.Length * Vector<T>.Count; i < x.Length; i++) y[i] = x[i] * scale;
    }

    private int? FirstNonFiniteGradient()
    {
        for (int l = 0; l < _units.Length; l++)
            if (!FiniteScan.AllFinite<T>(_kernelGradients[l]) || !FiniteScan.AllFinite<T>(_biasGradients[l])) return l;
        return null;
    }

    private WeightSet Snapshot(T[][] kernels, T[][] biases)
    {
        var shapes = Spec.LayerShapes();
        var layers = new List<LayerWeights>(shapes.Count);
        for (int l = 0; l < shapes.Count; l++)
            layers.Add(new LayerWeights(shapes[l].Inputs, shapes[l].Outputs,
                BatchedOptimizer<T>.ToDouble(kernels[l]), BatchedOptimizer<T>.ToDouble(biases[l])));
        return new WeightSet(Spec.Precision, layers);
    }

    private static T[][] Interleave(T[][] kernels, T[][] biases) =>
        kernels.Zip(biases).SelectMany(p => new[] { p.First, p.Second }).ToArray();
}
