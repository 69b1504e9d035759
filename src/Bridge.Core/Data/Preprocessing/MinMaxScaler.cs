namespace Bridge;

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
