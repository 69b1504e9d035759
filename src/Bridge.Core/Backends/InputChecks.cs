namespace Bridge.Backends;

/// <summary>
/// The checks every backend makes at its boundary, before touching any state, with messages that name the layer and
/// the shapes: the same wording whichever backend a user runs.
/// </summary>
public static class InputChecks
{
    /// <summary>Layers [first, end) exist and <paramref name="inputs"/> has the width layer <paramref name="firstLayer"/> takes, all finite.</summary>
    public static void LayerRange(ModelSpec spec, Matrix inputs, int firstLayer, int endLayer)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int layers = spec.Layers.Count;
        if (firstLayer < 0 || endLayer > layers || firstLayer >= endLayer)
            throw new ArgumentOutOfRangeException(nameof(firstLayer),
                $"Layers [{firstLayer}, {endLayer}) are not a range of this model's layers 0..{layers - 1}.");
        int width = firstLayer == 0 ? spec.Inputs : spec.Layers[firstLayer - 1].Units;
        if (inputs.Cols != width)
            throw new ArgumentException(
                $"Layer {WeightSet.LayerName(firstLayer)} expects inputs of width {width}; got {inputs.ShapeText}.", nameof(inputs));
        if (inputs.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"Input row {row}, column {col} is {inputs[row, col]} (NaN or infinite).", nameof(inputs));
    }

    /// <summary>
    /// Rows of a data set as <see cref="IGatheringModel.TrainStep(FeatureRows, Matrix, int[], ReadOnlySpan{int})"/> reads them fit the spec: the widths, at least one
    /// row, every index a row of the data, and for categorical cross-entropy a label in range for each. Finiteness is
    /// left to the model, which checks the values it converts. An autoencoder's targets are its inputs, whatever
    /// <paramref name="targets"/> is (null for one: a set held as bytes then needs no float64 copy of them).
    /// </summary>
    public static void Rows(ModelSpec spec, FeatureRows inputs, Matrix? targets, int[]? labels, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (spec is not Autoencoder) ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Cols != spec.Inputs)
            throw new ArgumentException($"Layer {WeightSet.LayerName(0)} expects inputs of width {spec.Inputs}; the data's inputs are [{inputs.Rows}, {inputs.Cols}].");
        if (spec is not Autoencoder && (targets!.Cols != spec.Outputs || targets.Rows != inputs.Rows))
            throw new ArgumentException(
                $"Layer {WeightSet.LayerName(spec.Layers.Count - 1)} has {spec.Outputs} outputs and the data {inputs.Rows} rows; the targets are {targets.ShapeText}.");
        if (labels is not null && labels.Length != inputs.Rows)
            throw new ArgumentException($"The data has {inputs.Rows} rows but {labels.Length} labels.");
        if (rows.IsEmpty) throw new ArgumentException("The step has no rows.");
        bool needsLabels = spec.Loss == Loss.CategoricalCrossEntropy;
        if (needsLabels && labels is null) throw new ArgumentException("Categorical cross-entropy needs integer labels; the data has none.");
        foreach (int row in rows)
        {
            if ((uint)row >= (uint)inputs.Rows) throw new ArgumentException($"Row {row} is not a row of the data (0..{inputs.Rows - 1}).");
            if (needsLabels && (uint)labels![row] >= (uint)spec.Outputs)
                throw new ArgumentException($"Label {labels[row]} of sample {row} is outside the classes 0..{spec.Outputs - 1}.");
        }
    }

    /// <summary>The batch fits the spec (<see cref="Batch.EnsureFits"/>) and holds only finite inputs and targets.</summary>
    public static void Batch(ModelSpec spec, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.EnsureFits(spec);
        if (batch.Inputs.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"Input row {row}, column {col} of the batch is {batch.Inputs[row, col]} (NaN or infinite).");
        if (batch.Targets.FirstNonFinite() is (int trow, int tcol))
            throw new ArgumentException($"Target row {trow}, column {tcol} of the batch is {batch.Targets[trow, tcol]} (NaN or infinite).");
    }

    /// <summary>
    /// A data set as <see cref="IQueuedTrainingModel.BeginQueuedTraining(Matrix, Matrix, int[])"/> takes it: the shapes and labels of
    /// <see cref="Rows"/> for every row, and finite inputs, and finite targets where the loss reads them.
    /// </summary>
    public static void ResidentData(ModelSpec spec, Matrix inputs, Matrix targets, int[]? labels, bool readsTargets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ResidentRows(spec, new FeatureRows(inputs), targets, labels, readsTargets);
    }

    /// <summary>
    /// The same for a data set's features as it holds them: float64 values are checked for finiteness as above; bytes
    /// are checked to stay finite in the model's precision once scaled (<see cref="ByteScale"/>). An autoencoder's
    /// targets are its inputs (<see cref="Rows"/>), checked with them.
    /// </summary>
    public static void ResidentRows(ModelSpec spec, FeatureRows inputs, Matrix? targets, int[]? labels, bool readsTargets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var all = new int[inputs.Rows];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        Rows(spec, inputs, targets, labels, all);
        ByteScale(spec, inputs);
        if (inputs.Values?.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"Input row {row}, column {col} of the data is {inputs.Values[row, col]} (NaN or infinite).");
        if (readsTargets && spec is not Autoencoder && targets!.FirstNonFinite() is (int trow, int tcol))
            throw new ArgumentException($"Target row {trow}, column {tcol} of the data is {targets[trow, tcol]} (NaN or infinite).");
    }

    /// <summary>
    /// Bytes held with their scale reach 255 × |scale|, which must be finite in the model's precision: a scale finite
    /// in float64 can still make float32 values infinite, and the conversion into float32 would do so silently.
    /// </summary>
    public static void ByteScale(ModelSpec spec, FeatureRows inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        double largest = 255 * Math.Abs(inputs.Scale);
        if (inputs.HoldsBytes && !double.IsFinite(spec.Precision.Round(largest)))
            throw new ArgumentException(
                $"The data's bytes are scaled by {inputs.Scale}: their values reach {largest}, beyond the range of {spec.Precision.Name()}.");
    }

    /// <summary>An epoch's order as <see cref="IQueuedTraining.BeginEpoch"/> takes it: one entry per row, each a row of the data.</summary>
    public static void EpochOrder(ReadOnlySpan<int> order, int rows)
    {
        if (order.Length != rows) throw new ArgumentException($"The order has {order.Length} entries; the data has {rows} rows.");
        foreach (int row in order)
            if ((uint)row >= (uint)rows) throw new ArgumentException($"Row {row} is not a row of the data (0..{rows - 1}).");
    }

    /// <summary>A step as <see cref="IQueuedTraining.QueueStep"/> takes it: a non-empty slice of the epoch's order.</summary>
    public static void StepSlice(int start, int count, int rows)
    {
        if (start < 0 || count < 1 || start + count > rows)
            throw new ArgumentOutOfRangeException(nameof(start), $"Samples {start}..{start + count - 1} are not a slice of the order 0..{rows - 1}.");
    }
}
