namespace Bridge.Tests.Embedding;

public class EmbeddingScoreTests
{
    // The fixed set the expected values below were computed on, written the same way in C# and Python:
    //   n, d = 40, 6
    //   X = np.array([[np.sin(0.37*(i+1)*(j+1) + 0.11*i) for j in range(d)] for i in range(n)])
    //   E = np.array([[X[i,0] + 0.5*X[i,1], X[i,2] - 0.25*X[i,3]] for i in range(n)])
    //   y = np.array([int(X[i,0] > 0) + int(X[i,2] > 0) for i in range(n)])
    private static (Matrix X, Matrix E, int[] Y) FixedSet()
    {
        const int n = 40, d = 6;
        var x = new Matrix(n, d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                x[i, j] = Math.Sin(0.37 * (i + 1) * (j + 1) + 0.11 * i);
        var e = new Matrix(n, 2);
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            e[i, 0] = x[i, 0] + 0.5 * x[i, 1];
            e[i, 1] = x[i, 2] - 0.25 * x[i, 3];
            y[i] = (x[i, 0] > 0 ? 1 : 0) + (x[i, 2] > 0 ? 1 : 0);
        }
        return (x, e, y);
    }

    // Computed once with Debian's /usr/bin/python3, scikit-learn 1.2.1, on the set above:
    //   sklearn.manifold.trustworthiness(X, E, n_neighbors=k)
    [Theory]
    [InlineData(1, 0.7072368421052632)]
    [InlineData(3, 0.7416666666666667)]
    [InlineData(5, 0.7665625)]
    [InlineData(10, 0.7688775510204082)]
    public void Trustworthiness_matches_scikit_learn(int neighbors, double expected)
    {
        var (x, e, _) = FixedSet();
        Assert.Equal(expected, EmbeddingScores.Trustworthiness(x, e, neighbors), 12);
    }

    [Fact]
    public void Trustworthiness_of_an_isometry_is_one()
    {
        var (x, _, _) = FixedSet();
        Assert.Equal(1.0, EmbeddingScores.Trustworthiness(x, x, 5)); // scikit-learn gives 1.0 too
        // Rotating and shifting the data keeps every distance, hence every neighbourhood.
        var moved = new Matrix(x.Rows, x.Cols);
        for (int r = 0; r < x.Rows; r++)
        {
            moved[r, 0] = 0.6 * x[r, 0] - 0.8 * x[r, 1] + 5;
            moved[r, 1] = 0.8 * x[r, 0] + 0.6 * x[r, 1] - 2;
            for (int c = 2; c < x.Cols; c++) moved[r, c] = x[r, c];
        }
        Assert.Equal(1.0, EmbeddingScores.Trustworthiness(x, moved, 5), 12);
    }

    // Computed once with Debian's /usr/bin/python3, scikit-learn 1.2.1, on the set above:
    //   cross_val_score(KNeighborsClassifier(n_neighbors=k), E, y, cv=LeaveOneOut()).mean()
    [Theory]
    [InlineData(5, 0.8)]
    [InlineData(1, 0.825)]
    public void Leave_one_out_knn_accuracy_matches_scikit_learn(int k, double expected)
    {
        var (_, e, y) = FixedSet();
        Assert.Equal(expected, EmbeddingScores.KnnAccuracy(e, y, k), 12);
    }

    // KNeighborsClassifier(n_neighbors=3).fit(E[:30], y[:30]).score(E[30:], y[30:]) with scikit-learn 1.2.1.
    [Fact]
    public void Split_knn_accuracy_matches_scikit_learn()
    {
        var (_, e, y) = FixedSet();
        int[] train = [.. Enumerable.Range(0, 30)], test = [.. Enumerable.Range(30, 10)];
        Assert.Equal(0.7, EmbeddingScores.KnnAccuracy(e.SelectRows(train), y[..30], e.SelectRows(test), y[30..], k: 3), 12);
    }

    // The baseline of the autoencoder lab: 2-D PCA of the digits. Computed once with Debian's /usr/bin/python3,
    // scikit-learn 1.2.1:  d = load_digits(); X = d.data / 16; Z = PCA(2).fit_transform(X)
    //   cross_val_score(KNeighborsClassifier(5), Z, d.target, cv=LeaveOneOut()).mean() = 0.6349471341124096
    //   trustworthiness(X, Z, n_neighbors=5) = 0.8304249707527576, but the digits' grey levels make many distances
    //   in X equal, and scikit-learn ranks equal distances in the order numpy's unstable argsort leaves them.
    //   Its formula with np.argsort(..., kind="stable") (equal distances ranked by index, as Bridge ranks them)
    //   gives 0.8304283923923886, the value expected here.
    [Fact]
    public void Scores_of_the_digits_2d_pca_match_scikit_learn()
    {
        var digits = Digits.Load();
        var codes = Pca.Fit(digits, 2).Transform(digits.Features);
        Assert.Equal(0.8304283923923886, EmbeddingScores.Trustworthiness(digits.Features, codes, 5), 12);
        Assert.InRange(EmbeddingScores.Trustworthiness(digits.Features, codes, 5) - 0.8304249707527576, -1e-5, 1e-5);
        Assert.Equal(0.6349471341124096, EmbeddingScores.KnnAccuracy(codes, digits.Labels!, 5), 12);
    }

    [Fact]
    public void Separated_clusters_score_perfectly_and_mixed_labels_do_not()
    {
        var blobs = Datasets.Blobs(samples: 120, centers: 3, features: 2, standardDeviation: 0.1, seed: 2);
        Assert.Equal(1.0, EmbeddingScores.KnnAccuracy(blobs.Features, blobs.Labels!, 5));
        var shuffled = blobs.Labels!.Select((_, i) => i % 3).ToArray();
        Assert.InRange(EmbeddingScores.KnnAccuracy(blobs.Features, shuffled, 5), 0, 0.6);
    }

    [Fact]
    public void A_knn_vote_tie_goes_to_the_lowest_class()
    {
        // Point 0 at the origin; its two neighbours, equally far, are of classes 2 and 1.
        var train = Matrix.FromRows([1, 0], [-1, 0]);
        var point = Matrix.FromRows([0, 0]);
        Assert.Equal(1.0, EmbeddingScores.KnnAccuracy(train, [2, 1], point, [1], k: 2));
        Assert.Equal(0.0, EmbeddingScores.KnnAccuracy(train, [2, 1], point, [2], k: 2));
        // Leave-one-out on −1 (class 0), 0 (class 0), 1 (class 2) with k = 2: the first two points each see one
        // neighbour of class 0 and one of class 2, a tie that goes to 0 (right); the last sees two of class 0 (wrong).
        var line = Matrix.FromRows([-1, 0], [0, 0], [1, 0]);
        Assert.Equal(2.0 / 3, EmbeddingScores.KnnAccuracy(line, [0, 0, 2], k: 2), 12);
    }

    [Fact]
    public void Scores_refuse_bad_arguments()
    {
        var (x, e, y) = FixedSet();
        Assert.Contains("below n / 2", Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingScores.Trustworthiness(x, e, 20)).Message);
        Assert.Contains("40 original samples but 39", Assert.Throws<ArgumentException>(() => EmbeddingScores.Trustworthiness(x, e.SelectRows([.. Enumerable.Range(0, 39)]))).Message);
        Assert.Contains("1..39", Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingScores.KnnAccuracy(e, y, 40)).Message);
        Assert.Contains("40 codes but 3 labels", Assert.Throws<ArgumentException>(() => EmbeddingScores.KnnAccuracy(e, [1, 2, 3])).Message);
        var nan = e.Clone();
        nan[3, 1] = double.NaN;
        Assert.Contains("Sample 3, column 1 is NaN", Assert.Throws<ArgumentException>(() => EmbeddingScores.KnnAccuracy(nan, y)).Message);
    }
}
