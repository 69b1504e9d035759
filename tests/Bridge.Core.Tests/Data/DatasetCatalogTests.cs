using Bridge.Data;

namespace Bridge.Tests.Data;

public class DatasetCatalogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("xor", 4)]
    [InlineData("AND", 4)]
    [InlineData(" or ", 4)]
    [InlineData("nand", 4)]
    [InlineData("moons", 200)]
    [InlineData("circles", 200)]
    [InlineData("spirals", 300)]
    [InlineData("blobs", 300)]
    public void Generated_names_resolve_with_their_defaults(string name, int count)
    {
        var data = Datasets.Load(name, seed: 2);
        Assert.Equal(name.Trim().ToLowerInvariant(), data.Name);
        Assert.Equal(count, data.Count);
    }

    [Fact]
    public void The_seed_and_limit_reach_the_generator()
    {
        Assert.Equal(Datasets.Moons(seed: 8).Features.Data, Datasets.Load("moons", seed: 8).Features.Data);
        var limited = Datasets.Load("moons", seed: 8, limit: 10);
        Assert.Equal(10, limited.Count);
        Assert.Equal(Datasets.Moons(seed: 8).Features.Data[..20], limited.Features.Data);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Datasets.Load("moon"));
        Assert.Contains("Unknown data set 'moon'", error.Message);
        foreach (var name in new[] { "xor", "moons", "digits", "fashion-mnist", "mnist:<directory>", ".csv" })
            Assert.Contains(name, error.Message);
    }

    [Fact]
    public void A_csv_path_is_read_as_csv()
    {
        string path = _dir.Write("pairs.csv", "a,b,label\n1,2,x\n3,4,y\n");
        var data = Datasets.Load(path);
        Assert.Equal(("pairs", 2, 2), (data.Name, data.Count, data.ClassCount));
    }

    [Fact]
    public void An_idx_images_file_is_paired_with_the_labels_file_beside_it()
    {
        _dir.Write("t10k-images-idx3-ubyte.gz", TempDirectory.Gzip(IdxBytes.Images(3, 2, 2)));
        _dir.Write("t10k-labels-idx1-ubyte.gz", TempDirectory.Gzip(IdxBytes.Labels(5, 1, 0)));
        var data = Datasets.Load(_dir.File("t10k-images-idx3-ubyte.gz"));
        Assert.Equal([5, 1, 0], data.Labels!);
        Assert.Equal(new ImageShape(2, 2), data.Image);
    }

    [Fact]
    public void An_idx_file_without_labels_loads_as_features_only_and_a_labels_file_is_refused()
    {
        string images = _dir.Write("pictures.idx", IdxBytes.Images(4, 2, 3));
        var data = Datasets.Load(images);
        Assert.True(data.IsUnlabeled);
        Assert.Equal((4, 6), (data.Count, data.FeatureCount));
        string labels = _dir.Write("classes.idx", IdxBytes.Labels(1, 2));
        Assert.Contains("1-D IDX array", Assert.Throws<ArgumentException>(() => Datasets.Load(labels)).Message);
    }

    [Fact]
    public void Mnist_directories_resolve_with_either_split()
    {
        foreach (var prefix in new[] { "train", "t10k" })
        {
            _dir.Write($"{prefix}-images-idx3-ubyte", IdxBytes.Images(prefix == "train" ? 4 : 2, 2, 2));
            _dir.Write($"{prefix}-labels-idx1-ubyte", IdxBytes.Labels(prefix == "train" ? [1, 2, 3, 4] : [7, 8]));
        }
        Assert.Equal(4, Datasets.Load($"mnist:{_dir.Path}").Count);
        Assert.Equal([7, 8], Datasets.Load($"mnist:{_dir.Path}:test").Labels!);
        Assert.Throws<ArgumentException>(() => Datasets.Load("mnist:"));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = _dir.File("gone.csv");
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => Datasets.Load(path)).Message);
        path = _dir.File("gone-images-idx3-ubyte.gz");
        var error = Assert.Throws<FileNotFoundException>(() => Datasets.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("moons", error.Message);
    }

    [SkippableFact]
    public void Installed_sets_resolve_by_name()
    {
        Skip.IfNot(FashionMnist.IsAvailable, $"Fashion-MNIST is not installed ({FashionMnist.InstalledDirectory}: Debian package dataset-fashion-mnist).");
        Assert.Equal(1797, Datasets.Load("digits").Count);
        var fashion = Datasets.Load("fashion-mnist:test", limit: 50);
        Assert.Equal(("fashion-mnist-test", 50), (fashion.Name, fashion.Count));
        Assert.Equal(20, Datasets.Load("fashion-mnist", limit: 20).Count);
    }
}
