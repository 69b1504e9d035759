namespace Bridge;

/// <summary>Splitting a data set into a training part and a held-out test part.</summary>
public static class TrainTestSplit
{
    /// <summary>
    /// Puts ⌈testFraction·n⌉ samples, chosen at random from <paramref name="seed"/>, in the test part and the rest in
    /// the training part; both keep the samples' original order. With <paramref name="stratify"/>, each class
    /// contributes to the test part in proportion to its size (largest remainders decide the rounding), so both
    /// parts keep the class balance.
    /// <code>var (train, test) = data.Split(testFraction: 0.2, seed: 1, stratify: true);</code>
    /// </summary>
    /// <param name="testFraction">The share of samples held out, strictly between 0 and 1. Default 0.25 (scikit-learn's).</param>
    /// <param name="seed">Seeds the choice (its own stream: the same seed for weights and split does not couple them).</param>
    /// <param name="stratify">Keep the class proportions in both parts; classification sets only. Default false.</param>
    public static (Dataset Train, Dataset Test) Split(this Dataset data, double testFraction = 0.25, ulong seed = 0, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"The test fraction must lie strictly between 0 and 1, got {testFraction}.");
        int n = data.Count;
        int testCount = (int)Math.Ceiling(testFraction * n);
        if (testCount < 1 || testCount >= n)
            throw new ArgumentException(
                $"Data set '{data.Name}' has {n} samples: a test fraction of {testFraction} leaves {testCount} for testing and {n - testCount} for training; both need at least 1.");
        if (stratify && data.Labels is null)
            throw new ArgumentException($"Stratifying needs class labels; data set '{data.Name}' has {(data.IsUnlabeled ? "none" : "target values")}.");

        var rng = Rng.ForStream(seed, Rng.Streams.Split);
        var inTest = new bool[n];
        if (stratify) ChooseStratified(data, testCount, rng, inTest);
        else foreach (int i in rng.Permutation(n).AsSpan(0, testCount)) inTest[i] = true;

        var train = new List<int>(n - testCount);
        var test = new List<int>(testCount);
        for (int i = 0; i < n; i++) (inTest[i] ? test : train).Add(i);
        return (data.Subset(train.ToArray(), data.Name + "-train"), data.Subset(test.ToArray(), data.Name + "-test"));
    }

    private static void ChooseStratified(Dataset data, int testCount, Rng rng, bool[] inTest)
    {
        int n = data.Count;
        var counts = data.ClassCounts();
        // Each class's exact share is counts[c]·testCount/n; take the whole parts, then hand the samples still
        // missing to the classes with the largest fractional parts (ties: lower class first).
        var take = new int[counts.Length];
        var remainders = new (long Remainder, int Class)[counts.Length];
        int assigned = 0;
        for (int c = 0; c < counts.Length; c++)
        {
            long exact = (long)counts[c] * testCount;
            take[c] = (int)(exact / n);
            remainders[c] = (exact % n, c);
            assigned += take[c];
        }
        Array.Sort(remainders, (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Class.CompareTo(b.Class));
        for (int k = 0; assigned < testCount; k++)
        {
            take[remainders[k].Class]++;
            assigned++;
        }
        var labels = data.Labels!;
        for (int c = 0; c < counts.Length; c++)
        {
            var members = new List<int>(counts[c]);
            for (int i = 0; i < n; i++) if (labels[i] == c) members.Add(i);
            var chosen = members.ToArray();
            rng.Shuffle<int>(chosen);
            for (int k = 0; k < take[c]; k++) inTest[chosen[k]] = true;
        }
    }
}
