namespace Bridge.Tests.Data;

public class ScalingTests
{
    private static readonly Matrix Train = Matrix.FromRows([1, 10, 7], [3, 20, 7], [5, 60, 7], [7, 30, 7]);

    [Fact]
    public void Standardising_centres_and_divides_by_the_population_deviation()
    {
        var scaler = StandardScaler.Fit(Train);
        // Column 0: mean 4, σ = √((9 + 1 + 1 + 9)/4) = √5. Column 1: mean 30, σ = √((400 + 100 + 900 + 0)/4) = √350.
        Assert.Equal([4.0, 30, 7], scaler.Mean);
        Assert.Equal(Math.Sqrt(5), scaler.StandardDeviation[0], 14);
        Assert.Equal(Math.Sqrt(350), scaler.StandardDeviation[1], 14);
        var scaled = scaler.Transform(Train);
        Assert.Equal(-3 / Math.Sqrt(5), scaled[0, 0], 14);
        Assert.Equal(30 / Math.Sqrt(350), scaled[2, 1], 14);
        for (int c = 0; c < 2; c++)
        {
            var column = Enumerable.Range(0, 4).Select(r => scaled[r, c]).ToArray();
            Assert.Equal(0, column.Average(), 14);
            Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 14);
        }
    }

    [Fact]
    public void A_constant_feature_is_centred_not_divided_by_zero()
    {
        var scaled = StandardScaler.Fit(Train).Transform(Train);
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0.0, scaled[r, 2]));
        var minMax = MinMaxScaler.Fit(Train).Transform(Train);
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0.0, minMax[r, 2]));
        Assert.True(scaled.AllFinite() && minMax.AllFinite());
    }

    [Fact]
    public void Test_data_is_scaled_with_the_training_statistics()
    {
        var scaler = StandardScaler.Fit(Matrix.FromRows([1.0], [3.0])); // mean 2, σ 1
        Assert.Equal([3.0, -2.0], scaler.Transform(Matrix.FromRows([5.0], [0.0])).Data);
        var minMax = MinMaxScaler.Fit(Matrix.FromRows([2.0], [6.0]));   // [2, 6] → [0, 1]
        Assert.Equal([1.5, -0.25], minMax.Transform(Matrix.FromRows([8.0], [1.0])).Data); // outside the range is allowed
    }

    [Fact]
    public void Min_max_maps_the_training_range_onto_the_target_range()
    {
        var scaler = MinMaxScaler.Fit(Train, low: -1, high: 1);
        var scaled = scaler.Transform(Train);
        // Column 0: [1, 7] → [−1, 1], so 3 ↦ −1 + 2·2/6 = −1/3 and 5 ↦ 1/3. Column 1: [10, 60] → [−1, 1].
        double[][] expected = [[-1, -1.0 / 3, 1.0 / 3, 1], [-1, -0.6, 1, -0.2]];
        for (int c = 0; c < 2; c++)
            for (int r = 0; r < 4; r++)
                Assert.Equal(expected[c][r], scaled[r, c], 14);
        Assert.Equal(-1.0, scaled[0, 2]);
        Assert.Equal([1.0, 10, 7], scaler.Min);
        Assert.Equal([7.0, 60, 7], scaler.Max);
    }

    [Fact]
    public void Inverse_transforms_restore_the_data()
    {
        foreach (FeatureScaler scaler in new FeatureScaler[] { StandardScaler.Fit(Train), MinMaxScaler.Fit(Train, 2, 5) })
            Assert.True(Agreement.RelativeError(Train, scaler.InverseTransform(scaler.Transform(Train))) < 1e-15);
    }

    [Fact]
    public void Scaling_a_data_set_keeps_its_labels()
    {
        var data = Datasets.Blobs(samples: 30, seed: 1);
        var scaled = StandardScaler.Fit(data).Transform(data);
        Assert.Equal(data.Labels, scaled.Labels);
        Assert.Equal(data.Name, scaled.Name);
    }

    [Fact]
    public void Bad_input_is_refused_naming_it()
    {
        var scaler = StandardScaler.Fit(Train);
        Assert.Contains("fitted on 3 features; the data has 2", Assert.Throws<ArgumentException>(() => scaler.Transform(new Matrix(1, 2))).Message);
        Assert.Contains("empty set", Assert.Throws<ArgumentException>(() => MinMaxScaler.Fit(new Matrix(0, 2))).Message);
        var nan = Train.Clone();
        nan[1, 2] = double.NaN;
        Assert.Contains("sample 1, column 2 is NaN", Assert.Throws<ArgumentException>(() => StandardScaler.Fit(nan)).Message);
        Assert.Contains("low < high", Assert.Throws<ArgumentException>(() => MinMaxScaler.Fit(Train, 1, 1)).Message);
    }
}
