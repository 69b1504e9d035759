namespace Bridge.Tests.Data;

public class GeneratedDatasetTests
{
    [Theory]
    [InlineData("xor", new[] { 0, 1, 1, 0 })]
    [InlineData("and", new[] { 0, 0, 0, 1 })]
    [InlineData("or", new[] { 0, 1, 1, 1 })]
    [InlineData("nand", new[] { 1, 1, 1, 0 })]
    public void Gates_hold_the_truth_table(string gate, int[] expected)
    {
        var data = Datasets.Load(gate);
        Assert.Equal(gate, data.Name);
        Assert.Equal(4, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(2, data.ClassCount);
        for (int n = 0; n < 4; n++)
        {
            int a = (int)data.Features[n, 0], b = (int)data.Features[n, 1];
            Assert.Equal(n, a * 2 + b); // rows in the order (0,0), (0,1), (1,0), (1,1)
            bool truth = gate switch { "xor" => (a ^ b) == 1, "and" => (a & b) == 1, "or" => (a | b) == 1, _ => (a & b) == 0 };
            Assert.Equal(truth ? 1 : 0, data.Labels![n]);
        }
        Assert.Equal(expected, data.Labels);
    }

    [Theory]
    [InlineData(200, 100, 100)]
    [InlineData(101, 50, 51)]
    public void Moons_lie_on_two_interleaved_arcs(int samples, int upper, int lower)
    {
        var data = Datasets.Moons(samples, noise: 0, seed: 4);
        Assert.Equal((samples, 2), (data.Count, data.FeatureCount));
        Assert.Equal([upper, lower], data.ClassCounts());
        for (int n = 0; n < samples; n++)
        {
            double x = data.Features[n, 0], y = data.Features[n, 1];
            if (data.Labels![n] == 0)
            {
                Assert.Equal(1.0, Math.Sqrt(x * x + y * y), 12); // the upper unit half circle
                Assert.True(y >= -1e-12);
            }
            else
            {
                Assert.Equal(1.0, Math.Sqrt((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5)), 12); // centred at (1, 0.5), opening upwards
                Assert.True(y <= 0.5 + 1e-12);
            }
        }
        // The arcs' end points: t = 0 and t = π are both present on each arc.
        Assert.Contains(Enumerable.Range(0, samples), n => data.Labels![n] == 0 && Near(data, n, -1, 0));
        Assert.Contains(Enumerable.Range(0, samples), n => data.Labels![n] == 1 && Near(data, n, 2, 0.5));
    }

    [Fact]
    public void Moons_noise_is_gaussian_with_the_given_deviation_on_every_coordinate()
    {
        // The same seed shuffles the same way before drawing noise, so the difference is the noise itself.
        var clean = Datasets.Moons(4000, noise: 0, seed: 9);
        var noisy = Datasets.Moons(4000, noise: 0.1, seed: 9);
        Assert.Equal(clean.Labels, noisy.Labels);
        var differences = noisy.Features.Data.Zip(clean.Features.Data, (a, b) => a - b).ToArray();
        double mean = differences.Average();
        double sd = Math.Sqrt(differences.Select(d => (d - mean) * (d - mean)).Average());
        Assert.InRange(mean, -0.005, 0.005);     // 8000 draws: the standard error of the mean is 0.0011
        Assert.InRange(sd, 0.097, 0.103);        // the standard error of σ is about 0.0008
    }

    [Fact]
    public void Circles_have_the_radii_ratio_factor_and_evenly_spaced_angles()
    {
        var data = Datasets.Circles(samples: 201, noise: 0, factor: 0.3, seed: 2);
        Assert.Equal([100, 101], data.ClassCounts());
        var angles = new List<double>[] { [], [] };
        for (int n = 0; n < data.Count; n++)
        {
            double x = data.Features[n, 0], y = data.Features[n, 1];
            int c = data.Labels![n];
            Assert.Equal(c == 0 ? 1.0 : 0.3, Math.Sqrt(x * x + y * y), 12);
            angles[c].Add((Math.Atan2(y, x) + 2 * Math.PI) % (2 * Math.PI));
        }
        foreach (var list in angles)
        {
            list.Sort();
            for (int k = 0; k < list.Count; k++) Assert.Equal(2 * Math.PI * k / list.Count, list[k], 9);
        }
    }

    [Fact]
    public void Spirals_follow_their_arms()
    {
        var data = Datasets.Spirals(samples: 301, classes: 3, noise: 0, seed: 1);
        Assert.Equal([101, 100, 100], data.ClassCounts());
        for (int n = 0; n < data.Count; n++)
        {
            double x = data.Features[n, 0], y = data.Features[n, 1];
            double r = Math.Sqrt(x * x + y * y);
            Assert.InRange(r, 0.0099, 1 + 1e-12);
            double expected = 2 * Math.PI * data.Labels![n] / 3 + Datasets.SpiralTurn * r;
            double difference = Math.IEEERemainder(Math.Atan2(y, x) - expected, 2 * Math.PI);
            Assert.True(Math.Abs(difference) < 1e-9, $"sample {n} is {difference} rad off its arm");
        }
    }

    [Fact]
    public void Blobs_are_gaussian_around_centres_inside_the_box()
    {
        var data = Datasets.Blobs(samples: 3001, centers: 3, features: 4, standardDeviation: 0.5, seed: 11);
        Assert.Equal((3001, 4), (data.Count, data.FeatureCount));
        Assert.Equal([1001, 1000, 1000], data.ClassCounts());
        for (int c = 0; c < 3; c++)
        {
            var rows = Enumerable.Range(0, data.Count).Where(n => data.Labels![n] == c).ToArray();
            for (int f = 0; f < 4; f++)
            {
                var values = rows.Select(n => data.Features[n, f]).ToArray();
                double mean = values.Average();
                double sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
                Assert.InRange(mean, -10, 10);
                Assert.InRange(sd, 0.46, 0.54); // 1000 draws: σ's standard error is 0.011
            }
        }
    }

    public static TheoryData<string> Generators => ["moons", "circles", "spirals", "blobs"];

    [Theory]
    [MemberData(nameof(Generators))]
    public void Same_seed_gives_the_same_data_and_another_seed_other_data(string name)
    {
        var a = Datasets.Load(name, seed: 5);
        var b = Datasets.Load(name, seed: 5);
        var c = Datasets.Load(name, seed: 6);
        Assert.Equal(a.Features.Data, b.Features.Data);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Features.Data, c.Features.Data);
        Assert.Equal(a.ClassCounts(), c.ClassCounts());
    }

    [Fact]
    public void Generators_draw_from_their_own_streams()
    {
        // Two generators with the same seed must not share numbers: the blobs' shuffle is not the spirals'.
        var spirals = Datasets.Spirals(samples: 300, classes: 3, noise: 0, seed: 7);
        var blobs = Datasets.Blobs(samples: 300, centers: 3, seed: 7);
        Assert.NotEqual(spirals.Labels, blobs.Labels);
    }

    [Fact]
    public void Generators_refuse_bad_parameters_naming_them()
    {
        Assert.Contains("at least 2 samples", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Moons(1)).Message);
        Assert.Contains("noise", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Moons(noise: -1)).Message);
        Assert.Contains("noise", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Circles(noise: double.NaN)).Message);
        Assert.Contains("factor", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Circles(factor: 1)).Message);
        Assert.Contains("2 classes", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Spirals(classes: 1)).Message);
        Assert.Contains("at least 5 samples", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Spirals(samples: 4, classes: 5)).Message);
        Assert.Contains("2 centers", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Blobs(centers: 1)).Message);
        Assert.Contains("standard deviation", Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.Blobs(standardDeviation: double.PositiveInfinity)).Message);
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        Assert.Equal(200, Datasets.Moons().Count);
        Assert.Equal(200, Datasets.Circles().Count);
        var spirals = Datasets.Spirals();
        Assert.Equal((300, 3), (spirals.Count, spirals.ClassCount));
        var blobs = Datasets.Blobs();
        Assert.Equal((300, 3, 2), (blobs.Count, blobs.ClassCount, blobs.FeatureCount));
    }

    private static bool Near(Dataset data, int n, double x, double y) =>
        Math.Abs(data.Features[n, 0] - x) < 1e-12 && Math.Abs(data.Features[n, 1] - y) < 1e-12;
}
