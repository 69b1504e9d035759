namespace Bridge;

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
