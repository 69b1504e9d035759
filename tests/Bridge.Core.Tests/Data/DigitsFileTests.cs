
namespace Bridge.Tests.Data;

public class DigitsFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Line(int label, int pixel = 3) => string.Join(",", Enumerable.Repeat(pixel, 64).Append(label));

    [Fact]
    public void Reads_a_file_in_the_digits_format_plain_or_gzip()
    {
        string text = Line(4) + "\n" + Line(9, 16) + "\n";
        foreach (var path in new[] { _dir.Write("d.csv", text), _dir.Write("d.csv.gz", TempDirectory.Gzip(System.Text.Encoding.UTF8.GetBytes(text))) })
        {
            var data = Digits.Load(path);
            Assert.Equal([4, 9], data.Labels!);
            Assert.Equal(3 / 16.0, data.Features[0, 0]);
            Assert.Equal(1.0, data.Features[1, 63]);
        }
    }

    [Theory]
    [InlineData("17", "pixel value 17 is not a whole number in 0..16")]
    [InlineData("2.5", "pixel value 2.5 is not a whole number")]
    [InlineData("-1", "pixel value -1")]
    [InlineData("NaN", "is NaN")]
    public void A_bad_pixel_is_named(string pixel, string problem)
    {
        var cells = Enumerable.Repeat("0", 64).Append("1").ToArray();
        cells[10] = pixel;
        string path = _dir.Write("bad.csv", Line(0) + "\n" + string.Join(",", cells) + "\n");
        var error = Assert.Throws<InvalidDataException>(() => Digits.Load(path));
        Assert.Contains("bad.csv, line 2, column 11 (index 10)", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_bad_label_or_row_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => Digits.Load(_dir.Write("l.csv", Line(10) + "\n")));
        Assert.Contains("line 1, column 65 (index 64): the digit label 10 is not a whole number in 0..9", error.Message);
        error = Assert.Throws<InvalidDataException>(() => Digits.Load(_dir.Write("r.csv", Line(1) + "\n1,2,3\n")));
        Assert.Contains("line 2: the line has 3 cells; a digits line has 64 pixels and a label", error.Message);
        error = Assert.Throws<InvalidDataException>(() => Digits.Load(_dir.Write("e.csv", "")));
        Assert.Contains("holds no digits", error.Message);
    }

    [Fact]
    public void A_truncated_copy_of_the_real_file_is_refused()
    {
        var bytes = BundledDigits.Bytes();
        // .NET's GZipStream ends silently at a cut; the trailer check must notice.
        var error = Assert.Throws<InvalidDataException>(() => Digits.Load(_dir.Write("digits.csv.gz", bytes[..(bytes.Length / 2)])));
        Assert.Contains("truncated or corrupted", error.Message);
    }

    // Per-class counts of scikit-learn's digits, as sklearn.datasets.load_digits() gives them
    // (numpy.bincount(load_digits().target) with Debian's python3-sklearn 1.2.1).
    private static readonly int[] DigitsPerClass = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

    [Fact]
    public void The_copy_inside_bridge_has_1797_images_of_8x8_with_scikit_learns_class_counts()
    {
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

    /// <summary>Where Debian's python3-sklearn installs the file the copy was taken from.</summary>
    private const string ScikitLearnsFile = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    [SkippableFact]
    public void The_copy_inside_bridge_is_scikit_learns_file_byte_for_byte()
    {
        Skip.IfNot(File.Exists(ScikitLearnsFile), $"{ScikitLearnsFile} is absent (Debian package python3-sklearn), so there is nothing to compare the copy with.");
        Assert.Equal(File.ReadAllBytes(ScikitLearnsFile), BundledDigits.Bytes());
    }

    [Fact]
    public void A_damaged_copy_inside_bridge_is_an_error_never_other_data()
    {
        var bytes = BundledDigits.Bytes();
        var flipped = bytes.ToArray();
        flipped[1000] ^= 0x01;
        var error = Assert.Throws<InvalidDataException>(() => BundledDigits.Verify(flipped));
        Assert.Contains("fails its checksum", error.Message);
        Assert.Contains("reinstall", error.Message);
        error = Assert.Throws<InvalidDataException>(() => BundledDigits.Verify(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Contains($"has {bytes.Length - 1} bytes instead of {bytes.Length}", error.Message);
    }

    [Fact]
    public void A_path_wins_over_the_copy_inside_bridge()
    {
        string path = _dir.Write("two.csv", Line(4) + "\n" + Line(9, 16) + "\n");
        Assert.Equal(2, Digits.Load(path).Count);
    }
}
