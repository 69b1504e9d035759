using Bridge.Data;

namespace Bridge;

/// <summary>
/// scikit-learn's digits set (the UCI optical recognition of handwritten digits test set): 1797 images of 8×8
/// pixels with 16 grey levels (values 0..16) and their digit 0..9, read from the file scikit-learn ships,
/// digits.csv.gz: one line per image, 64 pixel values then the label, no header.
/// Found at the path given, else the path named by the environment variable <see cref="EnvironmentVariable"/>,
/// else in scikit-learn's installed data directory (Debian's python3-sklearn first, then the usual site-packages).
/// </summary>
public static class Digits
{
    /// <summary>Names the digits.csv.gz file, when it is somewhere else.</summary>
    public const string EnvironmentVariable = "BRIDGE_DIGITS";

    /// <summary>Where Debian's python3-sklearn installs the file.</summary>
    public const string InstalledPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    /// <summary>The number of images in the file scikit-learn ships.</summary>
    public const int SampleCount = 1797;

    /// <summary>The largest grey level.</summary>
    public const int MaxPixel = 16;

    /// <summary>
    /// Reads the digits: 64 features per image, scaled to [0, 1] by /16 unless <paramref name="scalePixels"/> is false
    /// (then they are the grey levels 0..16 as scikit-learn's load_digits returns them); 10 classes named "0".."9";
    /// an 8×8 <see cref="Dataset.Image"/>.
    /// </summary>
    /// <param name="path">The digits.csv.gz file (or an uncompressed copy). Default: found as the class summary says.</param>
    /// <exception cref="FileNotFoundException">The file is not there; the message says where it looked and what to install.</exception>
    /// <exception cref="InvalidDataException">A line is malformed: wrong number of cells, a pixel outside 0..16, a label outside 0..9.</exception>
    public static Dataset Load(string? path = null, bool scalePixels = true)
    {
        string found = Locate(path, Environment.GetEnvironmentVariable)
            ?? throw new FileNotFoundException(
                $"The scikit-learn digits file digits.csv.gz was not found: looked at {EnvironmentVariable} (not set) and in " +
                $"{string.Join(", ", CandidatePaths(Environment.GetEnvironmentVariable).Take(4))} and other site-packages directories. " +
                $"Install scikit-learn (apt-get install python3-sklearn, or pip install scikit-learn), set {EnvironmentVariable} " +
                "to the file, or pass its path.",
                InstalledPath);
        bool fromEnvironment = string.IsNullOrWhiteSpace(path) && found == Environment.GetEnvironmentVariable(EnvironmentVariable);
        using var data = DataFile.Open(found, "the digits file", fromEnvironment
            ? $"The environment variable {EnvironmentVariable} names it: point it at scikit-learn's digits.csv.gz, or unset it to use the installed copy."
            : $"Pass the path of scikit-learn's digits.csv.gz (Debian: {InstalledPath}).");
        return Read(data, scalePixels);
    }

    /// <summary>Whether the file can be found without naming it.</summary>
    public static bool IsAvailable => Locate(null, Environment.GetEnvironmentVariable) is not null;

    /// <summary>
    /// The file that will be read: <paramref name="path"/> when given (an explicit choice is never replaced), else the
    /// environment variable's, else the first candidate that exists; null when none does.
    /// </summary>
    internal static string? Locate(string? path, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(path)) return path;
        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment;
        return CandidatePaths(environment).FirstOrDefault(File.Exists);
    }

    /// <summary>Where scikit-learn's data directory usually is: Debian's, then pip's, conda's and virtual environments'.</summary>
    internal static IEnumerable<string> CandidatePaths(Func<string, string?> environment)
    {
        const string relative = "sklearn/datasets/data/digits.csv.gz";
        yield return InstalledPath;
        var roots = new List<string> { "/usr/lib", "/usr/local/lib", "/usr/lib64", "/opt/conda/lib" };
        foreach (var variable in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            if (environment(variable) is { Length: > 0 } prefix) roots.Insert(0, Path.Combine(prefix, "lib"));
        if (environment("HOME") is { Length: > 0 } home) roots.Add(Path.Combine(home, ".local", "lib"));
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) continue;
            string[] pythons;
            try { pythons = Directory.GetDirectories(root, "python3*"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            Array.Sort(pythons, StringComparer.Ordinal);
            foreach (var python in pythons)
                foreach (var packages in new[] { "dist-packages", "site-packages" })
                    yield return Path.Combine(python, packages, relative);
        }
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
