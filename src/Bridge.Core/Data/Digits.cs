using Bridge.Data;

namespace Bridge;

/// <summary>
/// scikit-learn's digits set (the UCI optical recognition of handwritten digits test set): 1797 images of 8×8
/// pixels with 16 grey levels (values 0..16) and their digit 0..9, in the format of the file scikit-learn ships,
/// digits.csv.gz: one line per image, 64 pixel values then the label, no header. A copy of that file ships inside
/// Bridge (Data/Bundled), so nothing needs to be installed; a path, or the environment variable
/// <see cref="EnvironmentVariable"/>, names another file.
/// </summary>
public static class Digits
{
    /// <summary>Names a digits.csv.gz file to read instead of the copy inside Bridge.</summary>
    public const string EnvironmentVariable = "BRIDGE_DIGITS";

    /// <summary>The number of images in the file scikit-learn ships.</summary>
    public const int SampleCount = 1797;

    /// <summary>The largest grey level.</summary>
    public const int MaxPixel = 16;

    /// <summary>
    /// Reads the digits: 64 features per image, scaled to [0, 1] by /16 unless <paramref name="scalePixels"/> is false
    /// (then they are the grey levels 0..16 as scikit-learn's load_digits returns them); 10 classes named "0".."9";
    /// an 8×8 <see cref="Dataset.Image"/>.
    /// </summary>
    /// <param name="path">A digits.csv.gz file (or an uncompressed copy). Default: the file <see cref="EnvironmentVariable"/> names, else the copy inside Bridge.</param>
    /// <exception cref="FileNotFoundException">A file named by the path or the environment variable is not there.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (wrong number of cells, a pixel outside 0..16, a label outside 0..9), or the copy inside Bridge fails its check.</exception>
    public static Dataset Load(string? path = null, bool scalePixels = true)
    {
        if (!string.IsNullOrWhiteSpace(path))
        {
            using var given = DataFile.Open(path, "the digits file", "Pass the path of a digits.csv.gz in scikit-learn's format, or no path for the copy inside Bridge.");
            return Read(given, scalePixels);
        }
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } named)
        {
            using var fromEnvironment = DataFile.Open(named, "the digits file",
                $"The environment variable {EnvironmentVariable} names it: point it at a digits.csv.gz, or unset it to use the copy inside Bridge.");
            return Read(fromEnvironment, scalePixels);
        }
        using var bundled = BundledDigits.Open();
        return Read(bundled, scalePixels);
    }

    internal static Dataset Read(DataStream data, bool scalePixels)
    {
        const int pixels = 64, cells = pixels + 1;
        string path = data.Path;
        using var reader = new StreamReader(data.Stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var features = new List<double>(SampleCount * pixels);
        var labels = new List<int>(SampleCount);
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var row = CsvText.Split(line, ',', path, lineNumber);
            if (row.Length != cells)
                throw DataFile.Corrupt(path, $"line {lineNumber}", $"the line has {row.Length} cells; a digits line has {pixels} pixels and a label.");
            if ((long)(labels.Count + 1) * pixels > Array.MaxLength)
                throw DataFile.Corrupt(path, $"line {lineNumber}", "the file holds more values than one array can hold.");
            for (int c = 0; c < pixels; c++)
            {
                int grey = WholeNumber(row[c], path, lineNumber, c, 0, MaxPixel, "pixel value");
                features.Add(scalePixels ? grey / (double)MaxPixel : grey);
            }
            labels.Add(WholeNumber(row[pixels], path, lineNumber, pixels, 0, 9, "digit label"));
        }
        if (labels.Count == 0) throw DataFile.Corrupt(path, "line 1", "the file holds no digits.");
        return Dataset.Classification("digits", new Matrix(labels.Count, pixels, [.. features]), [.. labels], 10, Mnist.DigitNames,
            new ImageShape(8, 8));
    }

    private static int WholeNumber(string cell, string path, long line, int column, int min, int max, string what)
    {
        double value = CsvText.ParseFinite(cell, path, line, column, null);
        if (value != Math.Floor(value) || value < min || value > max)
            throw DataFile.Corrupt(path, CsvText.Where(line, column, null), $"the {what} {CsvText.Shorten(cell)} is not a whole number in {min}..{max}.");
        return (int)value;
    }
}
