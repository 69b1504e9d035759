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

/// <summary>
/// Standardisation: x' = (x − mean) / σ per feature, with the mean and the population standard deviation σ of the
/// training data (as scikit-learn's StandardScaler). A constant feature (σ = 0) is only centred, never divided by 0.
/// </summary>
public sealed class StandardScaler : FeatureScaler
{
    private StandardScaler(double[] mean, double[] factor, double[] deviation) : base(mean, factor, shift: 0)
    {
        StandardDeviation = deviation;
    }

    public IReadOnlyList<double> Mean => Offset;

    /// <summary>σ of each feature on the training data (0 for a constant feature).</summary>
    public IReadOnlyList<double> StandardDeviation { get; }

    public static StandardScaler Fit(Dataset training) => Fit(training.Features);

    public static StandardScaler Fit(Matrix training)
    {
        EnsureFittable(training, "A standard scaler");
        int n = training.Rows, d = training.Cols;
        var mean = new double[d];
        var deviation = new double[d];
        var factor = new double[d];
        for (int c = 0; c < d; c++)
        {
            double sum = 0;
            for (int r = 0; r < n; r++) sum += training.Data[r * d + c];
            mean[c] = sum / n;
            double squares = 0;
            for (int r = 0; r < n; r++)
            {
                double x = training.Data[r * d + c] - mean[c];
                squares += x * x;
            }
            deviation[c] = Math.Sqrt(squares / n);
            factor[c] = deviation[c] > 0 && double.IsFinite(1 / deviation[c]) ? 1 / deviation[c] : 1;
        }
        return new StandardScaler(mean, factor, deviation);
    }
}

/// <summary>
/// Min-max scaling: maps each feature's training range [min, max] linearly onto [low, high] (default [0, 1], as
/// scikit-learn's MinMaxScaler). A constant feature maps to <c>low</c>. Test data may fall outside [low, high].
/// </summary>
public sealed class MinMaxScaler : FeatureScaler
{
    private MinMaxScaler(double[] factor, double[] min, double[] max, double low, double high) : base(min, factor, shift: low)
    {
        Min = min;
        Max = max;
        Low = low;
        High = high;
    }

    public IReadOnlyList<double> Min { get; }
    public IReadOnlyList<double> Max { get; }
    public double Low { get; }
    public double High { get; }

    public static MinMaxScaler Fit(Dataset training, double low = 0, double high = 1) => Fit(training.Features, low, high);

    public static MinMaxScaler Fit(Matrix training, double low = 0, double high = 1)
    {
        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"The target range must be finite with low < high, got [{low}, {high}].");
        EnsureFittable(training, "A min-max scaler");
        int n = training.Rows, d = training.Cols;
        var min = new double[d];
        var max = new double[d];
        var factor = new double[d];
        for (int c = 0; c < d; c++)
        {
            min[c] = double.PositiveInfinity;
            max[c] = double.NegativeInfinity;
            for (int r = 0; r < n; r++)
            {
                double x = training.Data[r * d + c];
                min[c] = Math.Min(min[c], x);
                max[c] = Math.Max(max[c], x);
            }
            double range = max[c] - min[c];
            factor[c] = range > 0 && double.IsFinite((high - low) / range) ? (high - low) / range : 1;
        }
        return new MinMaxScaler(factor, min, max, low, high);
    }
}
