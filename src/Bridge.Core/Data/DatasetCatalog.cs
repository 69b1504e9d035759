using Bridge.Data;

namespace Bridge;

/// <summary>
/// The data sets Bridge knows: small ones generated in code from a seed (the logic gates, moons, circles, spirals,
/// blobs), the installed ones (<see cref="Digits"/>, <see cref="FashionMnist"/>), and <see cref="Load"/>, which
/// resolves a name or a file path as a command line gives it.
/// </summary>
public static partial class Datasets
{
    /// <summary>The names <see cref="Load"/> understands, as a command line lists them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "xor", "and", "or", "nand", "moons", "circles", "spirals", "blobs", "digits",
        "fashion-mnist", "fashion-mnist:test", "mnist:<directory>", "mnist:<directory>:test",
        "<file>.csv", "<file>.csv.gz", "<file>.idx / -idx3-ubyte[.gz]",
    ];

    /// <summary>
    /// The data set a command line names: a generated one ("xor", "and", "or", "nand", "moons", "circles",
    /// "spirals", "blobs", each with its documented defaults and <paramref name="seed"/>), an installed one
    /// ("digits", "fashion-mnist" or "fashion-mnist:test"), classic MNIST from a directory ("mnist:DIR" or
    /// "mnist:DIR:test"), or a file: CSV (".csv", ".csv.gz", ".tsv", ".txt"; read with <see cref="CsvOptions"/>'s
    /// defaults) or IDX (anything else that starts with an IDX header, gzip or not). An IDX images file is paired
    /// with its labels file when one sits next to it under the usual name (…-images-idx3-ubyte → …-labels-idx1-ubyte);
    /// otherwise it loads as features only.
    /// </summary>
    /// <param name="limit">Keep at most this many samples (the first ones; files read no further). Default: all.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the names.</exception>
    /// <exception cref="FileNotFoundException">A named file or installed data set is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed.</exception>
    public static Dataset Load(string name, ulong seed = 0, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The sample limit must be at least 1.");
        string key = name.Trim();
        Dataset? named = key.ToLowerInvariant() switch
        {
            "xor" => Xor(),
            "and" => And(),
            "or" => Or(),
            "nand" => Nand(),
            "moons" => Moons(seed: seed),
            "circles" => Circles(seed: seed),
            "spirals" => Spirals(seed: seed),
            "blobs" => Blobs(seed: seed),
            "digits" => Digits.Load(),
            _ => null,
        };
        if (named is not null) return limit is int l ? named.Take(l) : named;

        string lower = key.ToLowerInvariant();
        if (lower is "fashion-mnist" or "fashion-mnist:train") return FashionMnist.Load(DataSplit.Train, limit);
        if (lower == "fashion-mnist:test") return FashionMnist.Load(DataSplit.Test, limit);
        if (lower.StartsWith("mnist:", StringComparison.Ordinal))
        {
            string directory = key["mnist:".Length..];
            var split = DataSplit.Train;
            if (directory.EndsWith(":test", StringComparison.OrdinalIgnoreCase)) (directory, split) = (directory[..^5], DataSplit.Test);
            else if (directory.EndsWith(":train", StringComparison.OrdinalIgnoreCase)) directory = directory[..^6];
            if (directory.Length == 0) throw new ArgumentException("'mnist:' needs a directory: mnist:/path/to/mnist.", nameof(name));
            return Mnist.Load(directory, split, limit);
        }
        if (LooksLikePath(key)) return LoadFile(key, limit);
        throw new ArgumentException($"Unknown data set '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));
    }

    private static bool LooksLikePath(string key) =>
        File.Exists(key) || key.Contains('/') || key.Contains('\\') || Path.HasExtension(key);

    private static Dataset LoadFile(string path, int? limit)
    {
        string lower = path.ToLowerInvariant();
        bool csv = new[] { ".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt" }.Any(lower.EndsWith);
        if (csv)
        {
            var data = Csv.Read(path);
            return limit is int l ? data.Take(l) : data;
        }
        if (!File.Exists(path))
            throw DataFile.Missing(path, "the data file", $"Pass an existing .csv or IDX file, or one of: {string.Join(", ", Names)}.");
        return LoadIdx(path, limit);
    }

    private static Dataset LoadIdx(string imagesPath, int? limit)
    {
        string name = Path.GetFileName(imagesPath);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        string? labelsPath = LabelsFileBeside(imagesPath);
        if (labelsPath is not null)
        {
            using var images = DataFile.Open(imagesPath, "the IDX images file");
            using var labels = DataFile.Open(labelsPath, "the IDX labels file");
            return Mnist.Load(images, labels, limit, Mnist.DigitNames, name, scalePixels: true);
        }
        var array = Idx.Read(imagesPath, limit);
        if (array.Shape.Count < 2)
            throw new ArgumentException($"{imagesPath} holds a 1-D IDX array (labels, by the look of it), not samples: name the images file instead.");
        double scale = array.ElementType == IdxElementType.UnsignedByte ? 1.0 / 255 : 1.0;
        ImageShape? shape = array.Shape.Count == 3 ? new ImageShape(array.Shape[2], array.Shape[1]) : null;
        return array.ElementType == IdxElementType.UnsignedByte
            ? Dataset.Unlabeled(name, array.ToFeatureRows(scale), shape)
            : Dataset.Unlabeled(name, array.ToMatrix(scale), shape);
    }

    /// <summary>The labels file next to an images file, by the MNIST naming convention, if it exists.</summary>
    private static string? LabelsFileBeside(string imagesPath)
    {
        string directory = Path.GetDirectoryName(imagesPath) ?? "";
        string file = Path.GetFileName(imagesPath);
        foreach (var (images, labels) in new[] { ("images-idx3", "labels-idx1"), ("images.idx3", "labels.idx1") })
        {
            int at = file.IndexOf(images, StringComparison.Ordinal);
            if (at < 0) continue;
            string stem = file[..at] + labels + file[(at + images.Length)..];
            foreach (var candidate in new[] { stem, stem.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? stem[..^3] : stem + ".gz" })
                if (File.Exists(Path.Combine(directory, candidate))) return Path.Combine(directory, candidate);
        }
        return null;
    }
}
