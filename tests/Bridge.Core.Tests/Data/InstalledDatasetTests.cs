using Bridge.Data;

namespace Bridge.Tests.Data;

/// <summary>The readers on the real files the Debian packages install (Fashion-MNIST: dataset-fashion-mnist).</summary>
public class InstalledDatasetTests
{
    [SkippableTheory]
    [InlineData(DataSplit.Train, 60000, new[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 })]
    [InlineData(DataSplit.Test, 10000, new[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 })]
    public void Fashion_mnist_has_its_known_sizes_and_first_labels(DataSplit split, int count, int[] firstLabels)
    {
        Skip.IfNot(FashionMnist.IsAvailable, $"Fashion-MNIST is not installed ({FashionMnist.InstalledDirectory}: Debian package dataset-fashion-mnist).");
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
        Skip.IfNot(FashionMnist.IsAvailable, $"Fashion-MNIST is not installed ({FashionMnist.InstalledDirectory}: Debian package dataset-fashion-mnist).");
        var data = FashionMnist.Load(DataSplit.Train, limit: 100);
        Assert.Equal(100, data.Count);
        Assert.Equal([9, 0, 0, 3, 0], data.Labels![..5]);
    }

    [Fact]
    public void An_explicit_location_wins_then_the_environment_variable_then_the_installed_one()
    {
        Func<string, string?> none = _ => null;
        Func<string, string?> set = name => name == FashionMnist.EnvironmentVariable ? "/from/env/fashion" : null;
        Assert.Equal("/given", FashionMnist.Locate("/given", set));
        Assert.Equal("/from/env/fashion", FashionMnist.Locate(null, set));
        Assert.Equal(Directory.Exists(FashionMnist.InstalledDirectory) ? FashionMnist.InstalledDirectory : null, FashionMnist.Locate(null, none));
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
