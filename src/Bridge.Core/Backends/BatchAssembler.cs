using System.Runtime.CompilerServices;

namespace Bridge.Backends;

/// <summary>
/// Cuts an epoch's sample order into <see cref="Batch"/>es: gathers rows into buffers allocated once (a full-size
/// batch and, if the set does not divide evenly, a last smaller one) and corrupts autoencoder inputs.
/// Handing out the same buffers every step keeps training free of allocation; they are made at the first batch of
/// their size, so a run whose model reads its rows itself makes none.
/// </summary>
public sealed class BatchAssembler
{
    private readonly Dataset _data;
    /// <summary>Null for an autoencoder: its targets are its inputs, read as the set holds them (no float64 copy of bytes).</summary>
    private readonly Matrix? _targets;
    private readonly int[]? _labels;
    private readonly Corruption _corruption;
    private Batch? _full, _last;

    public BatchAssembler(Dataset data, ModelSpec spec, int batchSize)
    {
        data.EnsureFits(spec);
        _data = data;
        _targets = spec is Autoencoder ? null : data.TargetsFor(spec);
        _labels = spec is Autoencoder ? null : data.Labels;
        _corruption = spec is Autoencoder ae ? ae.Corruption : Corruption.None;
        BatchSize = Math.Min(batchSize, data.Count);
    }

    public int BatchSize { get; }

    public int StepsPerEpoch => BatchPlan.StepsPerEpoch(_data.Count, BatchSize);

    /// <summary>
    /// The batch of step <paramref name="step"/> under <paramref name="order"/>. The returned object is reused by the
    /// next call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Batch Assemble(ReadOnlySpan<int> order, int step, ulong seed, int epoch)
    {
        var rows = RowsOf(order, step);
        var batch = BufferFor(rows.Length);
        int inputs = _data.FeatureCount, outputs = batch.Targets.Cols;
        for (int k = 0; k < rows.Length; k++)
        {
            int n = rows[k];
            var input = batch.Inputs.Data.AsSpan(k * inputs, inputs);
            _data.FeatureRows.CopyRow(n, input);
            // An autoencoder's target is the row itself, as just read, before any corruption of the inputs.
            if (_targets is null) input.CopyTo(batch.Targets.Data.AsSpan(k * outputs, outputs));
            else _targets.Data.AsSpan(n * outputs, outputs).CopyTo(batch.Targets.Data.AsSpan(k * outputs, outputs));
            if (_labels is not null) batch.Labels![k] = _labels[n];
        }
        if (!_corruption.IsNone) _corruption.Apply(batch.Inputs.Data, BatchPlan.CorruptionStream(seed, epoch, step));
        return batch;
    }

    /// <summary>
    /// One training step of <paramref name="model"/> on the samples of step <paramref name="step"/>: their row indices
    /// to a model that reads the rows itself (<see cref="IGatheringModel"/>), the assembled batch to any other, or when
    /// inputs are corrupted (the corruption is drawn into the assembled copy). <paramref name="count"/>: the samples.
    /// </summary>
    public StepResult TrainStep(IModel model, ReadOnlySpan<int> order, int step, ulong seed, int epoch, out int count)
    {
        if (model is IGatheringModel gathering && _corruption.IsNone)
        {
            var rows = RowsOf(order, step);
            count = rows.Length;
            return gathering.TrainStep(_data.FeatureRows, _targets, _labels, rows);
        }
        var batch = Assemble(order, step, seed, epoch);
        count = batch.Count;
        return model.TrainStep(batch);
    }

    /// <summary>
    /// Opens queued training on a model that keeps the data on its device (<see cref="IQueuedTrainingModel"/>), with
    /// the rows, targets and labels steps would read; null for any other model, or when inputs are corrupted (the
    /// corruption is drawn into the assembled copy of each batch).
    /// </summary>
    public IQueuedTraining? BeginQueuedTraining(IModel model) =>
        model is IQueuedTrainingModel queued && _corruption.IsNone ? queued.BeginQueuedTraining(_data.FeatureRows, _targets, _labels) : null;

    /// <summary>The number of samples in step <paramref name="step"/> (the last one of an epoch may be smaller).</summary>
    public int CountOf(int step) => Math.Min(BatchSize, _data.Count - step * BatchSize);

    /// <summary>The samples of step <paramref name="step"/>: its slice of the epoch's order (the last one may be shorter).</summary>
    private ReadOnlySpan<int> RowsOf(ReadOnlySpan<int> order, int step)
    {
        int start = step * BatchSize;
        return order.Slice(start, Math.Min(BatchSize, order.Length - start));
    }

    /// <summary>The reused batch of <paramref name="size"/> samples, made at its first use.</summary>
    private Batch BufferFor(int size)
    {
        if (size == BatchSize) return _full ??= NewBatch(size);
        if (_last?.Count != size) _last = NewBatch(size);
        return _last;
    }

    private Batch NewBatch(int size) =>
        new(new Matrix(size, _data.FeatureCount), new Matrix(size, _targets?.Cols ?? _data.FeatureCount), _labels is null ? null : new int[size]);
}
