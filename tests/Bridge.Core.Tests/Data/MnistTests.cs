using Bridge.Data;

namespace Bridge.Tests.Data;

public class MnistTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void WriteSplit(string prefix, byte[] images, byte[] labels, bool compressed = true)
    {
        _dir.Write($"{prefix}-images-idx3-ubyte{(compressed ? ".gz" : "")}", compressed ? TempDirectory.Gzip(images) : images);
        _dir.Write($"{prefix}-labels-idx1-ubyte{(compressed ? ".gz" : "")}", compressed ? TempDirectory.Gzip(labels) : labels);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_images_and_labels_from_a_directory(bool compressed)
    {
        WriteSplit("t10k", IdxBytes.Images(4, 3, 5), IdxBytes.Labels(7, 0, 9, 3), compressed);
        var data = Mnist.Load(_dir.Path, DataSplit.Test);
        Assert.Equal("mnist-test", data.Name);
        Assert.Equal((4, 15, 10), (data.Count, data.FeatureCount, data.ClassCount));
        Assert.Equal([7, 0, 9, 3], data.Labels!);
        Assert.Equal(new ImageShape(Width: 5, Height: 3), data.Image);
        Assert.Equal(Mnist.DigitNames, data.ClassNames);
        Assert.Equal((2 * 7 + 6) / 255.0, data.Features[2, 6]);
        var raw = Mnist.Load(_dir.Path, DataSplit.Test, scalePixels: false);
        Assert.Equal(2 * 7 + 6, raw.Features[2, 6]);
    }

    [Fact]
    public void Accepts_the_dotted_file_names_too()
    {
        _dir.Write("train-images.idx3-ubyte", IdxBytes.Images(2, 2, 2));
        _dir.Write("train-labels.idx1-ubyte", IdxBytes.Labels(1, 2));
        Assert.Equal(2, Mnist.Load(_dir.Path).Count);
    }

    [Fact]
    public void A_limit_reads_the_first_samples()
    {
        WriteSplit("train", IdxBytes.Images(30, 2, 2), IdxBytes.Labels(Enumerable.Range(0, 30).Select(i => (byte)(i % 10)).ToArray()));
        var data = Mnist.Load(_dir.Path, limit: 12);
        Assert.Equal(12, data.Count);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 10), data.Labels!);
    }

    [Fact]
    public void Mismatched_counts_are_refused_naming_both_files()
    {
        WriteSplit("train", IdxBytes.Images(3, 2, 2), IdxBytes.Labels(1, 2));
        var error = Assert.Throws<InvalidDataException>(() => Mnist.Load(_dir.Path));
        Assert.Contains("declares 3 images", error.Message);
        Assert.Contains("declares 2 labels", error.Message);
        Assert.Contains("train-labels-idx1-ubyte.gz", error.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_named_with_its_offset()
    {
        WriteSplit("train", IdxBytes.Images(3, 2, 2), IdxBytes.Labels(1, 12, 2));
        var error = Assert.Throws<InvalidDataException>(() => Mnist.Load(_dir.Path));
        Assert.Contains("train-labels-idx1-ubyte.gz, byte 9: label 12 of image 1 is outside the classes 0..9", error.Message);
    }

    [Fact]
    public void Swapped_files_are_recognised()
    {
        WriteSplit("train", IdxBytes.Labels(1, 2), IdxBytes.Images(2, 2, 2));
        var error = Assert.Throws<InvalidDataException>(() => Mnist.Load(_dir.Path));
        Assert.Contains("a labels file holds one integer per image", error.Message);
    }

    [Fact]
    public void A_missing_file_lists_the_names_looked_for()
    {
        _dir.Write("train-images-idx3-ubyte.gz", TempDirectory.Gzip(IdxBytes.Images(2, 2, 2)));
        var error = Assert.Throws<FileNotFoundException>(() => Mnist.Load(_dir.Path));
        Assert.Contains("training labels file", error.Message);
        Assert.Contains("train-labels-idx1-ubyte.gz, train-labels-idx1-ubyte, train-labels.idx1-ubyte.gz", error.Message);
        error = Assert.Throws<FileNotFoundException>(() => Mnist.Load(_dir.File("no-such-dir")));
        Assert.Contains("the directory does not exist", error.Message);
    }
}
