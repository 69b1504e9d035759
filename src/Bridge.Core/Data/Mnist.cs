using Bridge.Data;

namespace Bridge;

/// <summary>
/// Reads a data set of the MNIST family from a directory holding its four IDX files under their usual names,
/// gzip-compressed or not: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
/// t10k-labels-idx1-ubyte (".idx3-ubyte" with a dot is accepted too). Classic MNIST and Fashion-MNIST use the same names.
/// </summary>
public static class Mnist
{
    /// <summary>The class names of classic MNIST: the digits "0" to "9".</summary>
    public static IReadOnlyList<string> DigitNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>
    /// Reads one split from <paramref name="directory"/>: one row per image, pixels scaled to [0, 1] by /255 unless
    /// <paramref name="scalePixels"/> is false; labels checked against the class count; the images' shape kept as
    /// <see cref="Dataset.Image"/>.
    /// </summary>
    /// <param name="limit">Read only the first <paramref name="limit"/> images and labels. Default: all.</param>
    /// <param name="classNames">The names of the classes. Default: <see cref="DigitNames"/>.</param>
    /// <param name="name">The data set's name. Default: "mnist-train" or "mnist-test".</param>
    /// <exception cref="FileNotFoundException">The directory lacks a file; the message lists the names looked for.</exception>
    /// <exception cref="InvalidDataException">A file is corrupted, truncated, or the two files do not match.</exception>
    public static Dataset Load(string directory, DataSplit split = DataSplit.Train, int? limit = null,
        IReadOnlyList<string>? classNames = null, string? name = null, bool scalePixels = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        classNames ??= DigitNames;
        string imagesPath = FindFile(directory, split, "images", 3);
        string labelsPath = FindFile(directory, split, "labels", 1);
        using var images = DataFile.Open(imagesPath, "the IDX images file");
        using var labels = DataFile.Open(labelsPath, "the IDX labels file");
        return Load(images, labels, limit, classNames, name ?? (split == DataSplit.Train ? "mnist-train" : "mnist-test"), scalePixels);
    }

    /// <summary>Pairs an images file with its labels file; both already open.</summary>
    internal static Dataset Load(DataStream imagesFile, DataStream labelsFile, int? limit, IReadOnlyList<string> classNames,
        string name, bool scalePixels)
    {
        var labels = Idx.Read(labelsFile, limit);
        if (labels.Shape.Count != 1 || !labels.IsInteger)
            throw DataFile.Corrupt(labelsFile.Path, "byte 2",
                $"a labels file holds one integer per image; this one holds {labels.ElementType} elements of shape [{string.Join(", ", labels.Shape)}].");
        var images = Idx.Read(imagesFile, limit);
        if (images.Shape.Count < 2)
            throw DataFile.Corrupt(imagesFile.Path, "byte 3",
                $"an images file has at least 2 dimensions (images × pixels); this one has {images.Shape.Count}. Is it a labels file?");
        if (images.DeclaredCount != labels.DeclaredCount)
            throw new InvalidDataException(
                $"{imagesFile.Path} declares {images.DeclaredCount} images but {labelsFile.Path} declares {labels.DeclaredCount} labels: the files do not belong together.");

        var classes = labels.ToIntegers();
        int elementSize = IdxArray.ElementSize(labels.ElementType);
        for (int n = 0; n < classes.Length; n++)
            if ((uint)classes[n] >= (uint)classNames.Count)
                throw DataFile.Corrupt(labelsFile.Path, $"byte {8 + (long)n * elementSize}",
                    $"label {classes[n]} of image {n} is outside the classes 0..{classNames.Count - 1}.");

        double scale = scalePixels && images.ElementType == IdxElementType.UnsignedByte ? 1.0 / 255 : 1.0;
        ImageShape? shape = images.Shape.Count == 3 ? new ImageShape(images.Shape[2], images.Shape[1]) : null;
        // 8-bit images stay bytes: training converts the rows it reads into its own precision.
        return images.ElementType == IdxElementType.UnsignedByte
            ? Dataset.Classification(name, images.ToFeatureRows(scale), classes, classNames.Count, classNames, shape)
            : Dataset.Classification(name, images.ToMatrix(scale), classes, classNames.Count, classNames, shape);
    }

    /// <summary>The first of the usual names of one file that exists in <paramref name="directory"/>.</summary>
    internal static string FindFile(string directory, DataSplit split, string kind, int rank)
    {
        var candidates = CandidateNames(split, kind, rank).Select(n => Path.Combine(directory, n)).ToList();
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException(
            $"The {(split == DataSplit.Train ? "training" : "test")} {kind} file of an MNIST-style data set was not found in " +
            $"'{Path.GetFullPath(directory)}'{(Directory.Exists(directory) ? "" : " (the directory does not exist)")}: looked for " +
            string.Join(", ", candidates.Select(Path.GetFileName)) + ".",
            candidates[0]);
    }

    /// <summary>Whether <paramref name="directory"/> holds both files of <paramref name="split"/>.</summary>
    internal static bool HasSplit(string directory, DataSplit split) =>
        CandidateNames(split, "images", 3).Any(n => File.Exists(Path.Combine(directory, n)))
        && CandidateNames(split, "labels", 1).Any(n => File.Exists(Path.Combine(directory, n)));

    private static IEnumerable<string> CandidateNames(DataSplit split, string kind, int rank)
    {
        string prefix = SplitPrefix(split);
        foreach (var stem in new[] { $"{prefix}-{kind}-idx{rank}-ubyte", $"{prefix}-{kind}.idx{rank}-ubyte" })
        {
            yield return stem + ".gz";
            yield return stem;
        }
    }

    private static string SplitPrefix(DataSplit split) => split switch
    {
        DataSplit.Train => "train",
        DataSplit.Test => "t10k",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };
}
