using MathNet.Numerics.LinearAlgebra;

namespace Bridge.Tests.Embedding;

public class PcaTests
{
    /// <summary>
    /// Eight points mean ± 3·u₁ ± 2·u₂ ± 1·u₃ (every sign combination) for an orthonormal basis u: their covariance
    /// is (8/7)·Σ s_k²·u_k·u_kᵀ exactly, so the principal axes are u₁, u₂, u₃ with variances 9·8/7, 4·8/7, 8/7.
    /// </summary>
    [Fact]
    public void Finds_the_known_axes_of_a_hand_made_set()
    {
        double c1 = Math.Cos(0.6), s1 = Math.Sin(0.6), c2 = Math.Cos(-1.1), s2 = Math.Sin(-1.1);
        // u = R_z(0.6)·R_x(−1.1) applied to the standard basis: columns of the product.
        double[][] axes =
        [
            [c1, s1, 0],
            [-s1 * c2, c1 * c2, s2],
            [s1 * s2, -c1 * s2, c2],
        ];
        double[] spreads = [3, 2, 1];
        double[] mean = [10, -4, 0.5];
        var rows = new List<double[]>();
        foreach (int a in new[] { -1, 1 })
            foreach (int b in new[] { -1, 1 })
                foreach (int c in new[] { -1, 1 })
                    rows.Add(Enumerable.Range(0, 3).Select(i => mean[i] + a * 3 * axes[0][i] + b * 2 * axes[1][i] + c * axes[2][i]).ToArray());
        var pca = Pca.Fit(Bridge.Matrix.FromRows([.. rows]), components: 3);

        for (int i = 0; i < 3; i++) Assert.Equal(mean[i], pca.Mean[i], 12);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(spreads[k] * spreads[k] * 8 / 7, pca.ExplainedVariance[k], 12);
            Assert.Equal(spreads[k] * spreads[k] / 14.0, pca.ExplainedVarianceRatio[k], 12);
            double dot = Enumerable.Range(0, 3).Sum(i => pca.Components[k, i] * axes[k][i]);
            Assert.Equal(1.0, Math.Abs(dot), 12);
        }
    }

    [Fact]
    public void Agrees_with_MathNet_svd_of_the_centred_data()
    {
        var data = CorrelatedData(rows: 60, cols: 8, seed: 3);
        var pca = Pca.Fit(data, components: 8);

        var x = Matrix<double>.Build.Dense(data.Rows, data.Cols, (i, j) => data[i, j]);
        var centred = x - Matrix<double>.Build.Dense(data.Rows, data.Cols, (_, j) => x.Column(j).Average());
        var svd = centred.Svd(computeVectors: true);
        for (int k = 0; k < 8; k++)
        {
            double variance = svd.S[k] * svd.S[k] / (data.Rows - 1);
            Assert.True(Math.Abs(pca.ExplainedVariance[k] - variance) <= 1e-10 * svd.S[0] * svd.S[0] / (data.Rows - 1),
                $"component {k}: {pca.ExplainedVariance[k]} vs {variance}");
            double dot = Enumerable.Range(0, 8).Sum(i => pca.Components[k, i] * svd.VT[k, i]);
            Assert.True(Math.Abs(Math.Abs(dot) - 1) < 1e-9, $"component {k}: |dot| = {Math.Abs(dot)}");
        }
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 12);
    }

    [Fact]
    public void Agrees_with_scikit_learn_on_the_digits()
    {
        // From Debian's /usr/bin/python3 with scikit-learn 1.2.1:
        //   p = PCA(n_components=2, svd_solver='full').fit(load_digits().data / 16)
        //   p.explained_variance_ratio_, p.explained_variance_
        double[] ratio = [0.14890593584063877, 0.13618771239635427];
        double[] variance = [0.6992458206952046, 0.6395224487565514];
        var pca = Pca.Fit(Digits.Load(), components: 2);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(ratio[k], pca.ExplainedVarianceRatio[k], 12);
            Assert.Equal(variance[k], pca.ExplainedVariance[k], 12);
        }
    }

    [Fact]
    public void Codes_are_centred_uncorrelated_and_carry_the_explained_variance()
    {
        var data = CorrelatedData(rows: 200, cols: 5, seed: 8);
        var pca = Pca.Fit(data, components: 3);
        var codes = pca.Transform(data);
        Assert.Equal((200, 3), (codes.Rows, codes.Cols));
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(0, Enumerable.Range(0, 200).Average(r => codes[r, a]), 10);
            for (int b = 0; b < 3; b++)
            {
                double covariance = Enumerable.Range(0, 200).Sum(r => codes[r, a] * codes[r, b]) / 199;
                Assert.Equal(a == b ? pca.ExplainedVariance[a] : 0, covariance, 10);
            }
        }
    }

    [Fact]
    public void Inverse_transform_restores_the_data_with_all_components_and_loses_the_discarded_variance_otherwise()
    {
        var data = CorrelatedData(rows: 50, cols: 6, seed: 4);
        var full = Pca.Fit(data, components: 6);
        Assert.True(Agreement.RelativeError(data, full.InverseTransform(full.Transform(data))) < 1e-12);

        // Keeping 2 of 6 components, the mean squared error per value is the discarded variance Σ_{k≥2} λ_k
        // times (n − 1)/n (λ uses n − 1), divided by the 6 features.
        var two = Pca.Fit(data, components: 2);
        var reconstructed = two.InverseTransform(two.Transform(data));
        double discarded = full.ExplainedVariance.Skip(2).Sum();
        Assert.Equal(discarded * 49 / 50 / 6, Metrics.MeanSquaredError(reconstructed, data), 10);
    }

    [Fact]
    public void Each_component_has_its_largest_entry_positive()
    {
        var pca = Pca.Fit(CorrelatedData(rows: 30, cols: 4, seed: 12), components: 4);
        for (int k = 0; k < 4; k++)
        {
            var row = pca.Components.Row(k).ToArray();
            Assert.True(row[Array.IndexOf(row, row.MaxBy(Math.Abs))] > 0);
        }
    }

    [Fact]
    public void Transforms_a_data_set_keeping_its_labels()
    {
        var blobs = Datasets.Blobs(samples: 90, centers: 3, features: 5, seed: 1);
        var pca = Pca.Fit(blobs, components: 2);
        var codes = pca.Transform(blobs);
        Assert.Equal("blobs-pca2", codes.Name);
        Assert.Equal(blobs.Labels, codes.Labels);
        Assert.Equal(2, codes.FeatureCount);
    }

    [Fact]
    public void Refuses_bad_input_naming_it()
    {
        var data = CorrelatedData(rows: 5, cols: 3, seed: 1);
        Assert.Contains("1 to 3 components", Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Fit(data, 4)).Message);
        Assert.Contains("1 to 3 components", Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Fit(data, 0)).Message);
        Assert.Contains("at least 2 samples", Assert.Throws<ArgumentException>(() => Pca.Fit(new Bridge.Matrix(1, 3), 1)).Message);
        var nan = data.Clone();
        nan[2, 1] = double.NaN;
        Assert.Contains("sample 2, column 1 is NaN", Assert.Throws<ArgumentException>(() => Pca.Fit(nan, 2)).Message);
        var pca = Pca.Fit(data, 2);
        Assert.Contains("fitted on 3 features; the data has 4", Assert.Throws<ArgumentException>(() => pca.Transform(new Bridge.Matrix(2, 4))).Message);
        Assert.Contains("2 components; the codes have 3", Assert.Throws<ArgumentException>(() => pca.InverseTransform(new Bridge.Matrix(2, 3))).Message);
    }

    /// <summary>Gaussian rows mixed by a fixed matrix, so the features are correlated with distinct variances.</summary>
    internal static Bridge.Matrix CorrelatedData(int rows, int cols, ulong seed)
    {
        var rng = new Rng(seed);
        var mixing = new double[cols, cols];
        for (int i = 0; i < cols; i++)
            for (int j = 0; j < cols; j++)
                mixing[i, j] = (i == j ? cols - i : 0) + rng.Uniform(-0.5, 0.5);
        var data = new Bridge.Matrix(rows, cols);
        var z = new double[cols];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < cols; i++) z[i] = rng.Normal();
            for (int j = 0; j < cols; j++)
            {
                double sum = 3 * j;
                for (int i = 0; i < cols; i++) sum += z[i] * mixing[i, j];
                data[r, j] = sum;
            }
        }
        return data;
    }
}
