namespace Bridge;

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
}
