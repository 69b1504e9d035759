namespace Bridge;

/// <summary>
/// How well a low-dimensional embedding (a 2-D PCA projection, an autoencoder's code) keeps the structure of the
/// data, so that "this code separates the classes better" is a number rather than an impression of a picture.
/// Distances are Euclidean; ties between equal distances go to the lower sample index. Both scores cost
/// O(n²·d) time and O(n) memory: a few thousand samples take seconds.
/// </summary>
public static class EmbeddingScores
{
    /// <summary>
    /// Leave-one-out k-nearest-neighbour accuracy in code space: each sample is classified by a majority vote of its
    /// <paramref name="k"/> nearest other samples (a tie goes to the lowest class, as scikit-learn's
    /// KNeighborsClassifier does), and the score is the fraction classified correctly. 1 means every neighbourhood
    /// in the embedding is pure.
    /// </summary>
    /// <param name="k">Neighbours that vote. Default 5 (scikit-learn's default).</param>
    public static double KnnAccuracy(Matrix codes, ReadOnlySpan<int> labels, int k = 5)
    {
        EnsurePoints(codes, nameof(codes));
        if (labels.Length != codes.Rows) throw new ArgumentException($"{codes.Rows} codes but {labels.Length} labels.", nameof(labels));
        if (k < 1 || k >= codes.Rows)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in 1..{codes.Rows - 1} for {codes.Rows} samples.");
        int classCount = ClassCount(labels);
        var nearest = new NearestList(k);
        var votes = new int[classCount];
        int correct = 0;
        for (int i = 0; i < codes.Rows; i++)
        {
            nearest.Clear();
            var point = codes.Row(i);
            for (int j = 0; j < codes.Rows; j++)
                if (j != i) nearest.Offer(SquaredDistance(point, codes.Row(j)), j);
            if (Vote(nearest, labels, votes) == labels[i]) correct++;
        }
        return (double)correct / codes.Rows;
    }

    /// <summary>
    /// k-nearest-neighbour accuracy on a split: each test code is classified by a majority vote of its
    /// <paramref name="k"/> nearest training codes (ties to the lowest class), and the score is the fraction correct.
    /// </summary>
    public static double KnnAccuracy(Matrix trainCodes, ReadOnlySpan<int> trainLabels, Matrix testCodes, ReadOnlySpan<int> testLabels, int k = 5)
    {
        EnsurePoints(trainCodes, nameof(trainCodes));
        EnsurePoints(testCodes, nameof(testCodes), minimum: 1);
        if (trainLabels.Length != trainCodes.Rows) throw new ArgumentException($"{trainCodes.Rows} training codes but {trainLabels.Length} labels.");
        if (testLabels.Length != testCodes.Rows) throw new ArgumentException($"{testCodes.Rows} test codes but {testLabels.Length} labels.");
        if (trainCodes.Cols != testCodes.Cols)
            throw new ArgumentException($"Training codes have {trainCodes.Cols} dimensions, test codes {testCodes.Cols}.");
        if (k < 1 || k > trainCodes.Rows)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in 1..{trainCodes.Rows} for {trainCodes.Rows} training samples.");
        var votes = new int[Math.Max(ClassCount(trainLabels), ClassCount(testLabels))];
        var nearest = new NearestList(k);
        int correct = 0;
        for (int i = 0; i < testCodes.Rows; i++)
        {
            nearest.Clear();
            var point = testCodes.Row(i);
            for (int j = 0; j < trainCodes.Rows; j++) nearest.Offer(SquaredDistance(point, trainCodes.Row(j)), j);
            if (Vote(nearest, trainLabels, votes) == testLabels[i]) correct++;
        }
        return (double)correct / testCodes.Rows;
    }

    /// <summary>
    /// Trustworthiness (Venna &amp; Kaski, 2001), as scikit-learn's sklearn.manifold.trustworthiness defines it:
    /// T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k), where U_k(i) are the k nearest
    /// neighbours of sample i in the embedding and r(i, j) is the rank of j among i's neighbours in the original
    /// space (1 = nearest); only neighbours ranked beyond k there count. 1 means the embedding invents no false
    /// neighbours; lower values penalise points that look close in the embedding but are far in the data.
    /// Equal distances are ranked by sample index. scikit-learn ranks them in whatever order numpy's argsort leaves
    /// them, so on data with many equal distances (images with few grey levels) the two can differ in about the
    /// sixth decimal place; without ties they agree to rounding.
    /// </summary>
    /// <param name="neighbors">k, below n / 2. Default 5 (scikit-learn's default).</param>
    public static double Trustworthiness(Matrix original, Matrix embedded, int neighbors = 5)
    {
        EnsurePoints(original, nameof(original));
        EnsurePoints(embedded, nameof(embedded));
        int n = original.Rows;
        if (embedded.Rows != n) throw new ArgumentException($"{n} original samples but {embedded.Rows} embedded ones.");
        if (neighbors < 1 || neighbors >= n / 2.0)
            throw new ArgumentOutOfRangeException(nameof(neighbors), neighbors, $"neighbors must lie in 1..{(n - 1) / 2} (below n / 2) for {n} samples.");
        var distances = new double[n];
        var nearest = new NearestList(neighbors);
        double penalty = 0;
        for (int i = 0; i < n; i++)
        {
            var point = original.Row(i);
            for (int j = 0; j < n; j++) distances[j] = j == i ? double.PositiveInfinity : SquaredDistance(point, original.Row(j));
            nearest.Clear();
            var code = embedded.Row(i);
            for (int j = 0; j < n; j++) if (j != i) nearest.Offer(SquaredDistance(code, embedded.Row(j)), j);
            for (int m = 0; m < nearest.Count; m++)
            {
                int j = nearest.IndexAt(m);
                // r(i, j): 1 + the samples strictly closer to i than j in the original space (ties: lower index first).
                int rank = 1;
                double dj = distances[j];
                for (int o = 0; o < n; o++)
                    if (distances[o] < dj || distances[o] == dj && o < j) rank++;
                if (rank > neighbors) penalty += rank - neighbors;
            }
        }
        return 1 - penalty * 2.0 / (n * (double)neighbors * (2.0 * n - 3.0 * neighbors - 1.0));
    }

    private static int Vote(NearestList nearest, ReadOnlySpan<int> labels, int[] votes)
    {
        Array.Clear(votes);
        for (int m = 0; m < nearest.Count; m++) votes[labels[nearest.IndexAt(m)]]++;
        int best = 0;
        for (int c = 1; c < votes.Length; c++) if (votes[c] > votes[best]) best = c;
        return best;
    }

    private static int ClassCount(ReadOnlySpan<int> labels)
    {
        int max = -1;
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] < 0) throw new ArgumentException($"Label {labels[n]} of sample {n} is negative.", nameof(labels));
            max = Math.Max(max, labels[n]);
        }
        return max + 1;
    }

    private static void EnsurePoints(Matrix points, string name, int minimum = 2)
    {
        ArgumentNullException.ThrowIfNull(points, name);
        if (points.Rows < minimum) throw new ArgumentException($"A score needs at least {minimum} sample{(minimum == 1 ? "" : "s")} here, got {points.Rows}.", name);
        if (points.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"Sample {row}, column {col} is {points[row, col]}: scores need finite values.", name);
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int c = 0; c < a.Length; c++)
        {
            double d = a[c] - b[c];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>The k smallest (distance, index) pairs offered so far, sorted; ties keep the lower index (offered first).</summary>
    private sealed class NearestList(int capacity)
    {
        private readonly double[] _distances = new double[capacity];
        private readonly int[] _indices = new int[capacity];

        public int Count { get; private set; }

        public int IndexAt(int position) => _indices[position];

        public void Clear() => Count = 0;

        /// <summary>Indices must be offered in increasing order, which is what makes ties go to the lower index.</summary>
        public void Offer(double distance, int index)
        {
            if (Count == capacity && distance >= _distances[Count - 1]) return;
            int at = Count == capacity ? Count - 1 : Count++;
            while (at > 0 && _distances[at - 1] > distance)
            {
                _distances[at] = _distances[at - 1];
                _indices[at] = _indices[at - 1];
                at--;
            }
            _distances[at] = distance;
            _indices[at] = index;
        }
    }
}
