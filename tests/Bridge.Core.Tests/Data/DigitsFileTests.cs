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

    [SkippableFact]
    public void A_truncated_copy_of_the_real_file_is_refused()
    {
        Skip.IfNot(File.Exists(Digits.InstalledPath), $"{Digits.InstalledPath} is absent (Debian package python3-sklearn).");
        var bytes = File.ReadAllBytes(Digits.InstalledPath);
        // .NET's GZipStream ends silently at a cut; the trailer check must notice.
        var error = Assert.Throws<InvalidDataException>(() => Digits.Load(_dir.Write("digits.csv.gz", bytes[..(bytes.Length / 2)])));
        Assert.Contains("truncated or corrupted", error.Message);
    }
}
