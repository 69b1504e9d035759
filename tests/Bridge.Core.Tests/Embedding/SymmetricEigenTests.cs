using MathNet.Numerics.LinearAlgebra;

namespace Bridge.Tests.Embedding;

public class SymmetricEigenTests
{
    private static Bridge.Matrix RandomSymmetric(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var a = new Bridge.Matrix(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                a[i, j] = a[j, i] = rng.Uniform(-1, 1);
        return a;
    }

    private static Matrix<double> ToMathNet(Bridge.Matrix m) => Matrix<double>.Build.Dense(m.Rows, m.Cols, (i, j) => m[i, j]);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(40)]
    [InlineData(120)]
    public void Agrees_with_MathNet_on_random_symmetric_matrices(int n)
    {
        var a = RandomSymmetric(n, (ulong)n);
        var (values, vectors) = SymmetricEigen.Decompose(a);
        var evd = ToMathNet(a).Evd(Symmetricity.Symmetric);
        var expected = evd.EigenValues.Select(v => v.Real).OrderByDescending(v => v).ToArray();
        double scale = expected.Max(Math.Abs);
        for (int k = 0; k < n; k++) Assert.True(Math.Abs(values[k] - expected[k]) <= 1e-12 * scale, $"λ{k}: {values[k]} vs {expected[k]}");

        // Each eigenvector matches MathNet's up to sign (random matrices have distinct eigenvalues).
        var theirs = evd.EigenVectors;
        var theirOrder = Enumerable.Range(0, n).OrderByDescending(k => evd.EigenValues[k].Real).ToArray();
        for (int k = 0; k < n; k++)
        {
            double dot = 0;
            for (int i = 0; i < n; i++) dot += vectors[k, i] * theirs[i, theirOrder[k]];
            Assert.True(Math.Abs(Math.Abs(dot) - 1) < 1e-9, $"eigenvector {k}: |v·v'| = {Math.Abs(dot)}");
        }
        AssertDecomposes(a, values, vectors, 1e-12);
    }

    [Fact]
    public void Handles_repeated_eigenvalues()
    {
        // A = Q·diag(3, 3, 1, 1, 0)·Qᵀ for a random orthogonal Q (from MathNet's QR).
        var random = RandomSymmetric(5, 99);
        var q = ToMathNet(random).QR().Q;
        var a = q * Matrix<double>.Build.DenseOfDiagonalArray([3, 3, 1, 1, 0]) * q.Transpose();
        var m = new Bridge.Matrix(5, 5);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) m[i, j] = a[i, j];
        var (values, vectors) = SymmetricEigen.Decompose(m);
        Assert.Equal([3, 3, 1, 1, 0], values.Select(v => Math.Round(v, 12)));
        AssertDecomposes(m, values, vectors, 1e-12);
    }

    [Fact]
    public void Diagonal_and_zero_matrices_are_their_own_decomposition()
    {
        var diagonal = Bridge.Matrix.FromRows(new double[,] { { 1, 0, 0 }, { 0, -2, 0 }, { 0, 0, 5 } });
        var (values, vectors) = SymmetricEigen.Decompose(diagonal);
        Assert.Equal([5.0, 1, -2], values);
        Assert.Equal(1.0, Math.Abs(vectors[0, 2]));
        Assert.Equal(1.0, Math.Abs(vectors[1, 0]));
        Assert.Equal(1.0, Math.Abs(vectors[2, 1]));

        var (zeros, basis) = SymmetricEigen.Decompose(new Bridge.Matrix(4, 4));
        Assert.All(zeros, v => Assert.Equal(0, v));
        AssertDecomposes(new Bridge.Matrix(4, 4), zeros, basis, 0);
    }

    [Fact]
    public void A_two_by_two_matches_the_closed_form()
    {
        // [[a, b], [b, c]]: λ = (a + c)/2 ± √(((a − c)/2)² + b²).
        double a = 2, b = 1.5, c = -1;
        var (values, _) = SymmetricEigen.Decompose(Bridge.Matrix.FromRows([a, b], [b, c]));
        double middle = (a + c) / 2, radius = Math.Sqrt((a - c) * (a - c) / 4 + b * b);
        Assert.Equal(middle + radius, values[0], 14);
        Assert.Equal(middle - radius, values[1], 14);
    }

    [Fact]
    public void Refuses_a_non_square_matrix()
    {
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose(new Bridge.Matrix(2, 3))).Message);
    }

    /// <summary>‖A·v − λ·v‖ small for every pair, and the eigenvectors orthonormal.</summary>
    private static void AssertDecomposes(Bridge.Matrix a, double[] values, Bridge.Matrix vectors, double tolerance)
    {
        int n = a.Rows;
        double scale = Math.Max(1, values.Max(Math.Abs));
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i, j] * vectors[k, j];
                Assert.True(Math.Abs(av - values[k] * vectors[k, i]) <= tolerance * scale * n, $"residual of pair {k} at {i}");
            }
            for (int m = 0; m < n; m++)
            {
                double dot = 0;
                for (int j = 0; j < n; j++) dot += vectors[k, j] * vectors[m, j];
                Assert.True(Math.Abs(dot - (k == m ? 1 : 0)) <= 1e-12 * n, $"v{k}·v{m} = {dot}");
            }
        }
    }
}
