namespace Bridge;

/// <summary>
/// A per-feature affine map x' = (x − Offset)·Factor + Shift fitted on training data and then applied, unchanged, to any
/// other data (test sets, new samples), so nothing of the test set leaks into training.
/// </summary>
public abstract class FeatureScaler
{
    private protected FeatureScaler(double[] offset, double[] factor, double shift)
    {
        Offset = offset;
        Factor = factor;
        Shift = shift;
    }

    /// <summary>Subtracted from each feature.</summary>
    public IReadOnlyList<double> Offset { get; }

    /// <summary>Multiplies each feature after the subtraction.</summary>
    public IReadOnlyList<double> Factor { get; }

    /// <summary>Added to every feature last (the low end of a min-max range; 0 for standardisation).</summary>
    public double Shift { get; }

    public int FeatureCount => Offset.Count;

    /// <summary>The scaled copy of <paramref name="features"/>.</summary>
    public Matrix Transform(Matrix features)
    {
        EnsureWidth(features);
        var result = new Matrix(features.Rows, features.Cols);
        for (int r = 0; r < features.Rows; r++)
            for (int c = 0; c < features.Cols; c++)
                result.Data[r * features.Cols + c] = (features.Data[r * features.Cols + c] - Offset[c]) * Factor[c] + Shift;
        return result;
    }

    /// <summary>The same samples with scaled features.</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.WithFeatures(Transform(data.Features));
    }

    /// <summary>Undoes <see cref="Transform(Matrix)"/>: x = (x' − Shift)/Factor + Offset.</summary>
    public Matrix InverseTransform(Matrix scaled)
    {
        EnsureWidth(scaled);
        var result = new Matrix(scaled.Rows, scaled.Cols);
        for (int r = 0; r < scaled.Rows; r++)
            for (int c = 0; c < scaled.Cols; c++)
                result.Data[r * scaled.Cols + c] = (scaled.Data[r * scaled.Cols + c] - Shift) / Factor[c] + Offset[c];
        return result;
    }

    private void EnsureWidth(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Cols != FeatureCount)
            throw new ArgumentException($"The scaler was fitted on {FeatureCount} features; the data has {features.Cols} ({features.ShapeText}).");
    }

    private protected static void EnsureFittable(Matrix features, string scaler)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows == 0) throw new ArgumentException($"{scaler} cannot be fitted on an empty set.");
        if (features.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"{scaler} cannot be fitted: sample {row}, column {col} is {features[row, col]}.");
    }
}
