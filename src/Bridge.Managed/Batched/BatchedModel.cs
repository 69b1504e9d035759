using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Bridge.Backends;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Batched;

/// <summary>
/// The fast path: the whole batch at once in matrix form (<see cref="Backpropagation{T}"/>), computing in T (float or
/// double). Buffers are allocated on the first step of each batch size and reused, so training allocates nothing per
/// step. A batch big enough to pay for it is computed in two halves (<see cref="BatchHalves"/>), one on each of two
/// cores when the machine has them and the steps' timings show that it pays (<see cref="CoreChoice"/>); the second core
/// keeps its own copy of the weights (<see cref="WeightReplica{T}"/>). Either way every number is the same.
/// </summary>
internal sealed class BatchedModel<T> : IGatheringModel, IEvaluatingModel, IPairJob where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterSet<T> _weights, _gradients;
    private readonly BatchedOptimizer<T> _optimizer;
    private readonly Backpropagation<T> _backpropagation;
    private readonly Dictionary<int, StepBuffers<T>> _buffers = [];
    private readonly int[] _units;
    private WeightReplica<T>? _replica;
    private bool _disposed;

    /// <summary>Counts every change to the weights or optimizer state that the replica did not make alongside.</summary>
    private long _version;

    // The batch being computed and what to compute: read by both parts, on whichever thread each runs.
    private StepBuffers<T>? _current;
    private Pass _pass;

    // What the calling thread's Finish settled.
    private StepOutcome _outcome;

    private enum Pass { Loss, Gradients, Step, Evaluate }

    /// <summary>Rows an evaluation computes at once: a slice big enough for both cores, small enough to stay in cache.</summary>
    private const int EvaluationSlice = 256;

    /// <summary>
    /// The core choice the passes other than steps follow: that of the latest steps whose batch size has finished a
    /// trial (the training batch's), or before any, of the first steps. Those passes are never timed, so a choice of
    /// their own size (an evaluation's slices) would stay at one core for good.
    /// </summary>
    private CoreChoice? _stepCores;

    private int[]? _evaluationRows;

    /// <summary>A step's result as the part on the calling thread settled it; Correct is −1 where the samples have no labels.</summary>
    private readonly record struct StepOutcome(double Loss, bool GradientsFinite, bool Applied, int Correct = -1);

    public BatchedModel(ModelSpec spec, WeightSet initialWeights)
    {
        Spec = spec;
        _units = spec.Layers.Select(l => l.Units).ToArray();
        _weights = new ParameterSet<T>(spec.LayerShapes());
        _gradients = new ParameterSet<T>(spec.LayerShapes());
        _optimizer = new BatchedOptimizer<T>(spec.Optimizer, _weights.Arrays);
        _backpropagation = new Backpropagation<T>(spec);
        SetWeights(initialWeights);
    }

    public string Backend => "managed";
    public string Device => "cpu";
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        ThrowIfDisposed();
        InputChecks.LayerRange(Spec, inputs, firstLayer, endLayer);
        int n = inputs.Rows;
        var current = new T[inputs.Data.Length];
        BatchedOptimizer<T>.FromDouble(inputs.Data, current);
        int width = inputs.Cols;
        for (int l = firstLayer; l < endLayer; l++)
        {
            var nets = new T[n * _units[l]];
            var outputs = new T[n * _units[l]];
            Gemm<T>.MultiplyAddBias(current, n, width, _weights.Kernels[l], _units[l], _weights.Biases[l], nets);
            ActivationKernels<T>.Forward(Spec.Layers[l].Activation, nets, outputs, _units[l]);
            current = outputs;
            width = _units[l];
        }
        return new Matrix(n, width, BatchedOptimizer<T>.ToDouble(current));
    }

    public double Loss(Batch batch) => Run(Load(batch), Pass.Loss).Loss;

    public WeightSet Gradients(Batch batch)
    {
        Run(Load(batch), Pass.Gradients);
        return Snapshot(_gradients);
    }

    public StepResult TrainStep(Batch batch) => Step(Load(batch));

    /// <summary>
    /// The set a slice of <see cref="EvaluationSlice"/> rows at a time, read from the data as steps read it, forward only;
    /// the last slice is the set's last rows, counting only those the slice before did not.
    /// </summary>
    public RowsEvaluation EvaluateRows(FeatureRows inputs, Matrix? targets, int[]? labels, bool reconstruction)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int n = inputs.Rows;
        if (n == 0) throw new ArgumentException("The data has no rows to evaluate.");
        int slice = Math.Min(EvaluationSlice, n);
        var rows = _evaluationRows ??= new int[EvaluationSlice];
        double loss = 0, squared = 0;
        long correct = 0;
        for (int start = 0; start < n; start += slice)
        {
            int first = Math.Min(start, n - slice);
            for (int k = 0; k < slice; k++) rows[k] = first + k;
            var buffers = Gather(inputs, targets, labels, rows.AsSpan(0, slice));
            buffers.Skip = start - first;
            buffers.Reconstruction = reconstruction;
            try
            {
                Run(buffers, Pass.Evaluate);
            }
            finally
            {
                buffers.Skip = 0;
                buffers.Reconstruction = false;
            }
            bool halves = buffers.Split > 0;
            loss += halves ? buffers.LossSums[0] + buffers.LossSums[1] : buffers.LossSums[0];
            correct += halves ? buffers.Correct[0] + buffers.Correct[1] : buffers.Correct[0];
            squared += halves ? buffers.SquaredErrors[0] + buffers.SquaredErrors[1] : buffers.SquaredErrors[0];
        }
        return new RowsEvaluation(_backpropagation.MeanLoss(loss, n), labels is null ? null : (double)correct / n,
            reconstruction ? squared / ((double)n * Spec.Outputs) : null);
    }

    /// <summary>
    /// Σ (t − o)² over the workspace's samples [<paramref name="first"/>, <paramref name="end"/>), the outputs widened
    /// to float64 and the targets as the data holds them (float64), as <see cref="Metrics.MeanSquaredError"/> sums them.
    /// </summary>
    private static double SquaredErrorSum(StepBuffers<T> buffers, Workspace<T> work, int first, int end)
    {
        var source = buffers.Source;
        var targets = source.Targets?.Data;
        var outputs = work.Outputs[^1];
        int k = source.Targets?.Cols ?? source.Data!.Cols;
        double sum = 0;
        for (int r = first; r < end; r++)
        {
            int row = source.Rows ? buffers.Rows[work.First + r] : work.First + r;
            for (int j = 0; j < k; j++)
            {
                // An autoencoder's targets are its rows, as the data holds them (the same float64 a matrix of them holds).
                double t = targets is null ? source.Data![row, j] : targets[row * k + j];
                double d = double.CreateChecked(outputs[r * k + j]) - t;
                sum += d * d;
            }
        }
        return sum;
    }

    public StepResult TrainStep(FeatureRows inputs, Matrix? targets, int[]? labels, ReadOnlySpan<int> rows) => Step(Gather(inputs, targets, labels, rows));

    private StepResult Step(StepBuffers<T> buffers)
    {
        var outcome = Run(buffers, Pass.Step);
        if (!outcome.GradientsFinite) return StepResult.Refused(outcome.Loss, WeightSet.LayerName(_gradients.FirstNonFiniteLayer()));
        if (!outcome.Applied) return StepResult.Refused(outcome.Loss, null);
        return StepResult.Done(outcome.Loss) with { Correct = outcome.Correct < 0 ? null : outcome.Correct };
    }

    public WeightSet GetWeights()
    {
        ThrowIfDisposed();
        return Snapshot(_weights);
    }

    public void SetWeights(WeightSet weights)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(weights);
        weights.EnsureMatches(Spec);
        if (weights.FirstNonFiniteLayer() is string layer)
            throw new ArgumentException($"The weights of layer {layer} are not all finite.");
        for (int l = 0; l < _units.Length; l++)
        {
            BatchedOptimizer<T>.FromDouble(weights.Layers[l].Kernel, _weights.Kernels[l]);
            BatchedOptimizer<T>.FromDouble(weights.Layers[l].Bias, _weights.Biases[l]);
        }
        _version++;
    }

    public OptimizerState GetOptimizerState()
    {
        ThrowIfDisposed();
        return _optimizer.GetState(Spec);
    }

    public void SetOptimizerState(OptimizerState state)
    {
        ThrowIfDisposed();
        _optimizer.SetState(state, Spec);
        _version++;
    }

    /// <summary>Holds nothing but managed memory; afterwards every call throws, as a model that held more would.</summary>
    public void Dispose() => _disposed = true;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>
    /// Computes the batch (a split batch's halves at once, where a second core is free), then its mean loss and, past the
    /// forward pass, its gradients in <see cref="_gradients"/> (a split batch's halves' sums added, first half first); a
    /// step then updates the weights when the gradients and the loss are finite. Finiteness of the inputs is checked on
    /// the values converted, the ones the step uses; only when that finds something does the float64 source get looked
    /// at, to name the culprit, and then nothing but the workspaces and the gradients has changed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepOutcome Run(StepBuffers<T> buffers, Pass pass)
    {
        _current = buffers;
        _pass = pass;
        _outcome = default;
        try
        {
            var pool = WorkerPool.Shared;
            // The pool's placement, when a test or a timing sets one, decides; otherwise the steps' own timings do, and
            // other passes, whatever their size, follow what the training batch's steps found.
            if (pass == Pass.Step && buffers.Cores is { } stepped && (_stepCores is null || stepped.Trials > 0))
                _stepCores = stepped;
            var choice = pass == Pass.Step ? buffers.Cores : _stepCores ?? buffers.Cores;
            var cores = pool.Placement == WorkerPool.PairPlacement.Offered ? choice : null;
            bool timed = cores is not null && pass == Pass.Step;
            bool pair = buffers.Split > 0 && (cores is null || (timed ? cores.Next() : cores.TwoCores));
            long started = timed ? Stopwatch.GetTimestamp() : 0;
            if (pair) pool.RunPair(this);
            else
            {
                ((IPairJob)this).Both();
                ((IPairJob)this).Finish(0, together: false);
            }
            if (timed) cores!.Record(pair, Stopwatch.GetTimestamp() - started);
        }
        catch
        {
            // One half may have updated its copy of the weights and the other not: the replica starts again from the model's.
            _version++;
            throw;
        }
        finally
        {
            _current = null;
        }
        if (!InputsFinite(buffers))
        {
            var source = buffers.Source;
            ThrowNotFinite(source.Inputs, source.ChecksTargets ? source.Targets : null, buffers.RowsRead, source.Name);
        }
        return pass == Pass.Step ? _outcome : new StepOutcome(MeanLoss(buffers), GradientsFinite: false, Applied: false);
    }

    /// <summary>
    /// The whole batch in its own workspace, on the model's weights; a split batch's gradients and loss summed by half,
    /// the same sums the halves give apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IPairJob.Both()
    {
        var buffers = _current!;
        int split = buffers.Split;
        buffers.Finite[0] = buffers.Finite[1] = split == 0
            ? Compute(buffers, buffers.Whole, _weights, _gradients, 0, 0)
            : Compute(buffers, buffers.Whole, _weights, buffers.HalfGradients![0], 0, split, buffers.HalfGradients[1]);
    }

    /// <summary>
    /// Half <paramref name="part"/> of a split batch in its own workspace; on the worker, while the other half runs here,
    /// with the replica's weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IPairJob.Part(int part, bool onWorker)
    {
        var buffers = _current!;
        var weights = onWorker ? Replica().Weights : _weights;
        buffers.Finite[part] = Compute(buffers, buffers.Halves![part], weights, buffers.HalfGradients![part], part, 0);
    }

    /// <summary>
    /// The samples of <paramref name="work"/> converted and checked, the forward pass, the loss summed into slot
    /// <paramref name="lossSlot"/> and, past the forward pass, the gradients (with a <paramref name="split"/> above 0, the
    /// samples from it on summed apart, their loss into the next slot and their gradients into
    /// <paramref name="secondHalf"/>). False, and nothing computed, when a converted value is not finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Compute(StepBuffers<T> buffers, Workspace<T> work, ParameterSet<T> weights, ParameterSet<T> gradients, int lossSlot, int split,
        ParameterSet<T>? secondHalf = null)
    {
        if (!Convert(buffers.Source, buffers, work)) return false;
        _backpropagation.Forward(work, weights);
        // Samples before Skip were counted by an earlier slice (an evaluation's last slice overlaps the one before).
        int from = Math.Max(0, buffers.Skip - work.First);
        int end = split == 0 ? work.Count : split;
        buffers.LossSums[lossSlot] = _backpropagation.LossSum(work, from, end);
        if (split > 0) buffers.LossSums[lossSlot + 1] = _backpropagation.LossSum(work, Math.Max(from, split), work.Count);
        if (_pass is Pass.Step or Pass.Evaluate && buffers.Source.Labels is not null)
        {
            // A count is a count however the samples are shared: the whole batch's goes to the first slot.
            buffers.Correct[lossSlot] = _backpropagation.CountCorrect(work, from, work.Count);
            if (split > 0) buffers.Correct[lossSlot + 1] = 0;
        }
        if (_pass == Pass.Evaluate && buffers.Reconstruction)
        {
            buffers.SquaredErrors[lossSlot] = SquaredErrorSum(buffers, work, from, end);
            if (split > 0) buffers.SquaredErrors[lossSlot + 1] = SquaredErrorSum(buffers, work, Math.Max(from, split), work.Count);
        }
        if (_pass is Pass.Gradients or Pass.Step) _backpropagation.Backward(work, weights, gradients, split, secondHalf);
        return true;
    }

    /// <summary>
    /// The end of a step (or of a gradient pass) once the batch is computed, on each copy of the weights that took part:
    /// the model's here (part 0) and, when the halves ran together, the replica's on the worker (part 1). Both add the
    /// halves' sums in the same order and so decide alike. Nothing changes where a value converted was not finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IPairJob.Finish(int part, bool together)
    {
        var buffers = _current!;
        if (!InputsFinite(buffers)) return;
        if (_pass == Pass.Step)
        {
            if (part == 0)
            {
                _outcome = Settle(buffers, _gradients, _weights, _optimizer);
                // Without the worker, the replica did not follow this update.
                if (!together && _outcome.Applied) _version++;
            }
            else
            {
                var replica = _replica!;
                Settle(buffers, replica.GradientSums, replica.Weights, replica.Optimizer);
            }
        }
        else if (_pass == Pass.Gradients && part == 0 && buffers.Split > 0)
            _gradients.SetSumFinite(buffers.HalfGradients![0], buffers.HalfGradients[1]);
    }

    private static bool InputsFinite(StepBuffers<T> buffers) => buffers.Finite[0] && (buffers.Split == 0 || buffers.Finite[1]);

    /// <summary>The second core's copy of the weights, made equal to the model's where they have changed without it.</summary>
    private WeightReplica<T> Replica()
    {
        var replica = _replica ??= new WeightReplica<T>(Spec);
        replica.Follow(_weights, _optimizer, _version);
        return replica;
    }

    /// <summary>
    /// The end of a step on one copy of the weights: the batch's gradients (a split batch's halves' sums added, first half
    /// first, into <paramref name="sums"/>; a whole batch's are there already), and the update when they and the loss
    /// are finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepOutcome Settle(StepBuffers<T> buffers, ParameterSet<T> sums, ParameterSet<T> weights, BatchedOptimizer<T> optimizer)
    {
        bool gradientsFinite = buffers.Split == 0
            ? sums.FirstNonFiniteLayer() < 0
            : sums.SetSumFinite(buffers.HalfGradients![0], buffers.HalfGradients[1]);
        double loss = MeanLoss(buffers);
        bool apply = gradientsFinite && double.IsFinite(loss);
        if (apply) optimizer.Step(weights.Arrays, sums.Arrays);
        int correct = buffers.Source.Labels is null ? -1 : buffers.Correct[0] + (buffers.Split == 0 ? 0 : buffers.Correct[1]);
        return new StepOutcome(loss, gradientsFinite, apply, correct);
    }

    private double MeanLoss(StepBuffers<T> buffers)
    {
        double sum = buffers.Split == 0 ? buffers.LossSums[0] : buffers.LossSums[0] + buffers.LossSums[1];
        return _backpropagation.MeanLoss(sum, buffers.BatchSize);
    }

    /// <summary>
    /// The batch, checked for its shapes; its values are converted to T by the parts that compute them. An assembled
    /// batch has its targets checked whatever the loss reads.
    /// </summary>
    private StepBuffers<T> Load(Batch batch)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(batch);
        batch.EnsureFits(Spec);
        var buffers = BuffersFor(batch.Count);
        buffers.Source = new StepSource(null, batch.Inputs, batch.Targets, batch.Labels, ChecksTargets: true, "the batch");
        return buffers;
    }

    /// <summary>
    /// Rows <paramref name="rows"/> of a data set: the same values <see cref="Load"/> makes of the batch they assemble
    /// into, without the float64 copy in between. Categorical cross-entropy reads the labels, so its targets are neither
    /// converted nor checked; an autoencoder's are its inputs, copied from them once converted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepBuffers<T> Gather(FeatureRows inputs, Matrix? targets, int[]? labels, ReadOnlySpan<int> rows)
    {
        ThrowIfDisposed();
        InputChecks.Rows(Spec, inputs, targets, labels, rows);
        InputChecks.ByteScale(Spec, inputs);
        var buffers = BuffersFor(rows.Length);
        // Copied: the part on the other core reads them after this call's span is gone.
        rows.CopyTo(buffers.Rows);
        if (inputs.HoldsBytes) inputs.ByteRowsOf(rows, buffers.ByteRows);
        buffers.Source = new StepSource(inputs, null, Spec is Autoencoder ? null : targets, labels, ChecksTargets: Spec.Loss != Bridge.Loss.CategoricalCrossEntropy, "the data");
        return buffers;
    }

    /// <summary>The part's samples converted to T into its workspace, with their labels; false if one is not finite in T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Convert(in StepSource source, StepBuffers<T> buffers, Workspace<T> work)
    {
        int first = work.First, count = work.Count;
        int width = source.Data?.Cols ?? source.Batch!.Cols, outputs = source.Targets?.Cols ?? width;
        if (source.Data is { } data)
        {
            var rows = buffers.Rows.AsSpan(first, count);
            // Bytes times a scale that stays finite in T (checked before) are finite.
            bool finite = true;
            if (data.Values is { } values) finite = RowGather<T>.Convert(values.Data, width, rows, work.Inputs);
            else RowGather<T>.ConvertBytes(data.Bytes, data.Scale, width, buffers.ByteRows.AsSpan(first, count), work.Inputs);
            if (source.Targets is null) work.Inputs.AsSpan(0, count * width).CopyTo(work.Targets);
            else if (source.ChecksTargets) finite &= RowGather<T>.Convert(source.Targets.Data, outputs, rows, work.Targets);
            if (source.Labels is { } labels)
                for (int k = 0; k < count; k++) work.Labels[k] = labels[rows[k]];
            return finite;
        }
        BatchedOptimizer<T>.FromDouble(source.Batch!.Data.AsSpan(first * width, count * width), work.Inputs);
        BatchedOptimizer<T>.FromDouble(source.Targets!.Data.AsSpan(first * outputs, count * outputs), work.Targets);
        source.Labels?.AsSpan(first, count).CopyTo(work.Labels);
        return FiniteScan.AllFinite<T>(work.Inputs) && (!source.ChecksTargets || FiniteScan.AllFinite<T>(work.Targets));
    }

    private StepBuffers<T> BuffersFor(int batchSize)
    {
        if (!_buffers.TryGetValue(batchSize, out var buffers))
        {
            // A training run uses at most two batch sizes (full and last); evaluation sizes come and go.
            if (_buffers.Count >= 4) _buffers.Clear();
            _buffers[batchSize] = buffers = new StepBuffers<T>(Spec, batchSize);
        }
        return buffers;
    }

    /// <summary>
    /// Names the first value of <paramref name="rows"/> of the inputs, then of the targets (when read), that is not
    /// finite; only if there is none, the first that is not finite once rounded to T.
    /// </summary>
    private void ThrowNotFinite(Matrix? inputs, Matrix? targets, ReadOnlySpan<int> rows, string source)
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

    private WeightSet Snapshot(ParameterSet<T> set)
    {
        var shapes = Spec.LayerShapes();
        var layers = new List<LayerWeights>(shapes.Count);
        for (int l = 0; l < shapes.Count; l++)
            layers.Add(new LayerWeights(shapes[l].Inputs, shapes[l].Outputs,
                BatchedOptimizer<T>.ToDouble(set.Kernels[l]), BatchedOptimizer<T>.ToDouble(set.Biases[l])));
        return new WeightSet(Spec.Precision, layers);
    }
}
