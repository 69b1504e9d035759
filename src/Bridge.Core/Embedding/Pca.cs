namespace Bridge;

/// <summary>
/// Principal component analysis: the directions along which the data varies most. Fitted from the covariance
/// matrix C = Xcᵀ·Xc / (n − 1) of the centred data Xc and its eigen-decomposition C = V·diag(λ)·Vᵀ: the
/// components are the eigenvectors of the largest eigenvalues, and λ is the variance of the data along each.
/// Projecting onto the first two gives the best 2-D linear picture of the data, the baseline an autoencoder's
/// 2-D code is measured against.
/// <code>var pca = Pca.Fit(digits.Features, components: 2);
/// Matrix codes = pca.Transform(digits.Features);</code>
/// </summary>
public sealed class Pca
{
    private readonly double[] _mean;
    private readonly double[] _explainedVariance;
    private readonly double[] _explainedVarianceRatio;

    private Pca(double[] mean, Matrix components, double[] explainedVariance, double totalVariance)
    {
        _mean = mean;
        Components = components;
        _explainedVariance = explainedVariance;
        TotalVariance = totalVariance;
        _explainedVarianceRatio = explainedVariance.Select(v => totalVariance > 0 ? v / totalVariance : 0).ToArray();
    }

    /// <summary>
    /// Fits <paramref name="components"/> principal components to the rows of <paramref name="data"/>
    /// (at least 2 rows, finite values; 1 ≤ components ≤ min(rows, columns)).
    /// </summary>
    public static Pca Fit(Matrix data, int components = 2)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, d = data.Cols;
        if (n < 2) throw new ArgumentException($"PCA needs at least 2 samples, got {n}.", nameof(data));
        if (d < 1) throw new ArgumentException("PCA needs at least 1 feature.", nameof(data));
        if (components < 1 || components > Math.Min(n, d))
            throw new ArgumentOutOfRangeException(nameof(components), components,
                $"PCA of {n} samples × {d} features can have 1 to {Math.Min(n, d)} components, not {components}.");
        if (data.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"PCA needs finite data: sample {row}, column {col} is {data[row, col]}.", nameof(data));

        var mean = new double[d];
        for (int r = 0; r < n; r++) SymmetricEigen.AddScaled(mean, data.Row(r), 1.0);
        for (int c = 0; c < d; c++) mean[c] /= n;

        var covariance = Covariance(data, mean);
        var (values, vectors) = SymmetricEigen.Decompose(covariance);
        double total = 0;
        foreach (double v in values) total += Math.Max(v, 0);

        var kept = new Matrix(components, d);
        var variance = new double[components];
        for (int k = 0; k < components; k++)
        {
            var axis = kept.Row(k);
            vectors.Row(k).CopyTo(axis);
            // An eigenvector's sign is arbitrary: fix it so that its largest entry is positive (scikit-learn's rule).
            int largest = 0;
            for (int c = 1; c < d; c++) if (Math.Abs(axis[c]) > Math.Abs(axis[largest])) largest = c;
            if (axis[largest] < 0) foreach (ref double a in axis) a = -a;
            variance[k] = Math.Max(values[k], 0);
        }
        return new Pca(mean, kept, variance, total);
    }

    /// <summary>Fits to a data set's features.</summary>
    public static Pca Fit(Dataset data, int components = 2) => Fit(data.Features, components);

    /// <summary>[components, features]: each row a unit principal axis, in order of decreasing variance.</summary>
    public Matrix Components { get; }

    public int ComponentCount => Components.Rows;

    public int FeatureCount => Components.Cols;

    /// <summary>The training data's mean, subtracted before projecting.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>The variance of the training data along each component (the covariance eigenvalues, with n − 1).</summary>
    public IReadOnlyList<double> ExplainedVariance => _explainedVariance;

    /// <summary>Each component's share of the total variance.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio => _explainedVarianceRatio;

    /// <summary>The total variance of the training data (the covariance's trace).</summary>
    public double TotalVariance { get; }

    /// <summary>The coordinates of each row along the components: (x − mean)·Componentsᵀ, [rows, components].</summary>
    public Matrix Transform(Matrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Cols != FeatureCount)
            throw new ArgumentException($"The PCA was fitted on {FeatureCount} features; the data has {data.Cols} ({data.ShapeText}).", nameof(data));
        var codes = new Matrix(data.Rows, ComponentCount);
        var centred = new double[FeatureCount];
        for (int r = 0; r < data.Rows; r++)
        {
            var row = data.Row(r);
            for (int c = 0; c < centred.Length; c++) centred[c] = row[c] - _mean[c];
            for (int k = 0; k < ComponentCount; k++) codes[r, k] = SymmetricEigen.Dot(centred, Components.Row(k));
        }
        return codes;
    }

    /// <summary>The same samples with their principal-component coordinates as features.</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.WithFeatures(Transform(data.Features), $"{data.Name}-pca{ComponentCount}");
    }

    /// <summary>Back from coordinates to the data space: mean + codes·Components (exact when all components are kept).</summary>
    public Matrix InverseTransform(Matrix codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Cols != ComponentCount)
            throw new ArgumentException($"The PCA has {ComponentCount} components; the codes have {codes.Cols} ({codes.ShapeText}).", nameof(codes));
        var data = new Matrix(codes.Rows, FeatureCount);
        for (int r = 0; r < codes.Rows; r++)
        {
            var row = data.Row(r);
            _mean.CopyTo(row);
            for (int k = 0; k < ComponentCount; k++) SymmetricEigen.AddScaled(row, Components.Row(k), codes[r, k]);
        }
        return data;
    }

    /// <summary>C = Σ_r (x_r − mean)(x_r − mean)ᵀ / (n − 1); the lower triangle is accumulated, then mirrored.</summary>
    private static Matrix Covariance(Matrix data, double[] mean)
    {
        int n = data.Rows, d = data.Cols;
        var covariance = new Matrix(d, d);
        var centred = new double[d];
        for (int r = 0; r < n; r++)
        {
            var row = data.Row(r);
            for (int c = 0; c < d; c++) centred[c] = row[c] - mean[c];
            for (int i = 0; i < d; i++)
                if (centred[i] != 0)
                    SymmetricEigen.AddScaled(covariance.Data.AsSpan(i * d, i + 1), centred.AsSpan(0, i + 1), centred[i]);
        }
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double c = covariance.Data[i * d + j] / (n - 1);
                covariance.Data[i * d + j] = c;
                covariance.Data[j * d + i] = c;
            }
        return covariance;
    }
}
