namespace Bridge.Tests.Data;

public class SplitTests
{
    /// <summary>A set whose only feature is the sample's index, so every part says which samples it got.</summary>
    private static Dataset Indexed(params int[] labels)
    {
        var features = new Matrix(labels.Length, 1);
        for (int n = 0; n < labels.Length; n++) features[n, 0] = n;
        return Dataset.Classification("indexed", features, labels, labels.Max() + 1);
    }

    private static int[] Indices(Dataset part) => part.Features.Data.Select(v => (int)v).ToArray();

    [Fact]
    public void Splits_into_disjoint_parts_that_cover_the_set_in_original_order()
    {
        var data = Indexed([.. Enumerable.Range(0, 100).Select(i => i % 2)]);
        var (train, test) = data.Split(testFraction: 0.25, seed: 3);
        Assert.Equal((75, 25), (train.Count, test.Count));
        Assert.Equal(Enumerable.Range(0, 100), Indices(train).Concat(Indices(test)).Order());
        Assert.Equal(Indices(train).Order(), Indices(train));
        Assert.Equal(Indices(test).Order(), Indices(test));
        Assert.Equal(Indices(test).Select(i => i % 2), test.Labels!);
        Assert.Equal(("indexed-train", "indexed-test"), (train.Name, test.Name));
    }

    [Fact]
    public void The_test_part_rounds_up_like_scikit_learn()
    {
        var (train, test) = Indexed([.. Enumerable.Range(0, 10).Select(i => i % 2)]).Split(testFraction: 0.33);
        Assert.Equal((6, 4), (train.Count, test.Count)); // ⌈3.3⌉ = 4
    }

    [Fact]
    public void The_seed_decides_the_split()
    {
        var data = Indexed([.. Enumerable.Range(0, 60).Select(i => i % 3)]);
        Assert.Equal(Indices(data.Split(0.3, seed: 1).Test), Indices(data.Split(0.3, seed: 1).Test));
        Assert.NotEqual(Indices(data.Split(0.3, seed: 1).Test), Indices(data.Split(0.3, seed: 2).Test));
    }

    [Fact]
    public void Stratification_keeps_class_proportions_exactly_when_they_divide()
    {
        var data = Indexed([.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 20)]);
        for (ulong seed = 0; seed < 5; seed++)
        {
            var (train, test) = data.Split(0.2, seed, stratify: true);
            Assert.Equal([10, 6, 4], test.ClassCounts());
            Assert.Equal([40, 24, 16], train.ClassCounts());
        }
    }

    [Fact]
    public void Stratification_hands_the_rounding_to_the_largest_remainders()
    {
        // 7, 5, 3 samples; ⌈0.3·15⌉ = 5 for testing: exact shares 2.33, 1.67, 1.00 → 2, 1, 1 plus one for class 1.
        var data = Indexed([.. Enumerable.Repeat(0, 7), .. Enumerable.Repeat(1, 5), .. Enumerable.Repeat(2, 3)]);
        Assert.Equal([2, 2, 1], data.Split(0.3, seed: 9, stratify: true).Test.ClassCounts());
    }

    [Fact]
    public void Bad_requests_are_refused_naming_the_problem()
    {
        var data = Indexed(0, 1, 0, 1);
        Assert.Contains("strictly between 0 and 1", Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1.0)).Message);
        Assert.Contains("strictly between 0 and 1", Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(double.NaN)).Message);
        Assert.Contains("leaves 4 for testing and 0 for training", Assert.Throws<ArgumentException>(() => data.Split(0.9)).Message);
        var regression = Dataset.Regression("r", new Matrix(4, 1), new Matrix(4, 1));
        Assert.Contains("Stratifying needs class labels", Assert.Throws<ArgumentException>(() => regression.Split(stratify: true)).Message);
    }
}
