using Bridge.Data;

namespace Bridge.Tests.Data;

/// <summary>The readers on the real files the Debian packages install.</summary>
public class InstalledDatasetTests
{
    // Per-class counts of scikit-learn's digits, as sklearn.datasets.load_digits() gives them
    // (numpy.bincount(load_digits().target) with Debian's python3-sklearn 1.2.1).
    private static readonly int[] DigitsPerClass = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

    [SkippableFact]
    public void Digits_has_1797_images_of_8x8_with_the_known_class_counts()
    {
        Skip.IfNot(File.Exists(Digits.InstalledPath), $"{Digits.InstalledPath} is absent (Debian package python3-sklearn).");
        var data = Digits.Load();
        Assert.Equal((1797, 64, 10), (data.Count, data.FeatureCount, data.ClassCount));
        Assert.Equal(new ImageShape(8, 8), data.Image);
        Assert.Equal(DigitsPerClass, data.ClassCounts());
        Assert.Equal(0.0, data.Features.Data.Min());
        Assert.Equal(1.0, data.Features.Data.Max());
        // The first line of digits.csv.gz: a 0.
        double[] firstRow = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0];
        Assert.Equal(firstRow.Select(v => v / 16), data.Features.Row(0)[..16].ToArray());
        Assert.Equal(0, data.Labels![0]);

        var raw = Digits.Load(scalePixels: false);
        Assert.Equal(firstRow, raw.Features.Row(0)[..16].ToArray());
        Assert.All(raw.Features.Data, v => Assert.True(v == Math.Floor(v) && v is >= 0 and <= 16));
    }

    [SkippableTheory]
    [InlineData(DataSplit.Train, 60000, new[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 })]
    [InlineData(DataSplit.Test, 10000, new[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 })]
    public void Fashion_mnist_has_its_known_sizes_and_first_labels(DataSplit split, int count, int[] firstLabels)
    {
        Skip.IfNot(Directory.Exists(FashionMnist.InstalledDirectory), $"{FashionMnist.InstalledDirectory} is absent (Debian package dataset-fashion-mnist).");
        var data = FashionMnist.Load(split);
        Assert.Equal((count, 784, 10), (data.Count, data.FeatureCount, data.ClassCount));
        Assert.Equal(firstLabels, data.Labels![..10]);
        Assert.Equal(new ImageShape(28, 28), data.Image);
        Assert.Equal("T-shirt/top", data.ClassNames![0]);
        Assert.Equal("Ankle boot", data.ClassNames[9]);
        Assert.Equal(count / 10, data.ClassCounts().Min()); // Fashion-MNIST is balanced
        Assert.Equal(count / 10, data.ClassCounts().Max());
        Assert.InRange(data.Features.Data.Min(), 0, 0);
        Assert.InRange(data.Features.Data.Max(), 1, 1);
    }

    [SkippableFact]
    public void Fashion_mnist_reads_a_limited_number_of_samples()
    {
        Skip.IfNot(Directory.Exists(FashionMnist.InstalledDirectory), $"{FashionMnist.InstalledDirectory} is absent (Debian package dataset-fashion-mnist).");
        var data = FashionMnist.Load(DataSplit.Train, limit: 100);
        Assert.Equal(100, data.Count);
        Assert.Equal([9, 0, 0, 3, 0], data.Labels![..5]);
    }

    [Fact]
    public void An_explicit_location_wins_then_the_environment_variable_then_the_installed_one()
    {
        Func<string, string?> none = _ => null;
        Func<string, string?> set = name => name switch
        {
            FashionMnist.EnvironmentVariable => "/from/env/fashion",
            Digits.EnvironmentVariable => "/from/env/digits.csv.gz",
            _ => null,
        };
        Assert.Equal("/given", FashionMnist.Locate("/given", set));
        Assert.Equal("/from/env/fashion", FashionMnist.Locate(null, set));
        Assert.Equal(Directory.Exists(FashionMnist.InstalledDirectory) ? FashionMnist.InstalledDirectory : null, FashionMnist.Locate(null, none));
        Assert.Equal("/given.csv.gz", Digits.Locate("/given.csv.gz", set));
        Assert.Equal("/from/env/digits.csv.gz", Digits.Locate(null, set));
        Assert.Equal(File.Exists(Digits.InstalledPath) ? Digits.InstalledPath : null, Digits.Locate(null, none));
    }

    [Fact]
    public void Digits_candidates_cover_the_usual_site_packages()
    {
        var candidates = Digits.CandidatePaths(name => name == "VIRTUAL_ENV" ? "/venv" : null).ToList();
        Assert.Equal(Digits.InstalledPath, candidates[0]);
        Assert.All(candidates, c => Assert.EndsWith("sklearn/datasets/data/digits.csv.gz", c));
    }

    [Fact]
    public void Missing_installed_files_say_what_to_install_or_pass()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(directory: dir.Path));
        Assert.Contains(dir.Path, error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("dataset-fashion-mnist", FashionMnist.NotFound().Message);
        Assert.Contains(FashionMnist.EnvironmentVariable, FashionMnist.NotFound().Message);

        error = Assert.Throws<FileNotFoundException>(() => Digits.Load(dir.File("digits.csv.gz")));
        Assert.Contains(dir.File("digits.csv.gz"), error.Message);
    }
}
