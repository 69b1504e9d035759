namespace Bridge;

/// <summary>
/// Fashion-MNIST (Zalando): 28×28 grey images of clothing in 10 classes, 60000 for training and 10000 for testing.
/// Found in the directory given, else in the directory named by the environment variable
/// <see cref="EnvironmentVariable"/>, else where the Debian package dataset-fashion-mnist installs it
/// (<see cref="InstalledDirectory"/>).
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package dataset-fashion-mnist puts the files.</summary>
    public const string InstalledDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Names a directory holding the four Fashion-MNIST files, when they are elsewhere.</summary>
    public const string EnvironmentVariable = "BRIDGE_FASHION_MNIST";

    /// <summary>The ten classes, in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Reads one split: one row of 784 pixels per image, scaled to [0, 1] by /255 unless <paramref name="scalePixels"/>
    /// is false, with the class names and a 28×28 <see cref="Dataset.Image"/>.
    /// </summary>
    /// <param name="limit">Read only the first <paramref name="limit"/> images. Default: all.</param>
    /// <param name="directory">Where the files are. Default: found as the class summary says.</param>
    /// <exception cref="FileNotFoundException">The files are not there; the message says where it looked and how to install them.</exception>
    /// <exception cref="InvalidDataException">A file is corrupted or truncated.</exception>
    public static Dataset Load(DataSplit split = DataSplit.Train, int? limit = null, string? directory = null, bool scalePixels = true)
    {
        string found = Locate(directory, Environment.GetEnvironmentVariable)
            ?? throw NotFound();
        try
        {
            return Mnist.Load(found, split, limit, ClassNames, split == DataSplit.Train ? "fashion-mnist-train" : "fashion-mnist-test", scalePixels);
        }
        catch (FileNotFoundException e) when (string.IsNullOrWhiteSpace(directory) && found != InstalledDirectory)
        {
            throw new FileNotFoundException(
                $"The environment variable {EnvironmentVariable} names '{found}', which does not hold Fashion-MNIST: {e.Message} " +
                "Point it at the directory holding the four files, or unset it to use the installed copy.", e.FileName, e);
        }
    }

    /// <summary>Whether the training files can be found without naming a directory (where the environment variable names one, in that one).</summary>
    public static bool IsAvailable => DefaultDirectory is not null;

    /// <summary>
    /// The directory the files are read from when none is named (see the class summary), when it holds the training
    /// files; null otherwise.
    /// </summary>
    public static string? DefaultDirectory =>
        Locate(null, Environment.GetEnvironmentVariable) is { } directory && Mnist.HasSplit(directory, DataSplit.Train) ? directory : null;

    /// <summary>
    /// The directory the files will be read from: <paramref name="directory"/> when given (whether or not it holds
    /// them: an explicit choice is never replaced), else the environment variable's, else the installed one, if it
    /// holds the training files; null when none does.
    /// </summary>
    internal static string? Locate(string? directory, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(directory)) return directory;
        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment;
        return Mnist.HasSplit(InstalledDirectory, DataSplit.Train) ? InstalledDirectory : null;
    }

    internal static FileNotFoundException NotFound() =>
        new($"Fashion-MNIST was not found: {InstalledDirectory} does not hold train-images-idx3-ubyte.gz and " +
            $"train-labels-idx1-ubyte.gz, and {EnvironmentVariable} is not set. Install the Debian package " +
            $"dataset-fashion-mnist (apt-get install dataset-fashion-mnist), set {EnvironmentVariable} to a directory " +
            "holding the four files, or pass that directory.",
            Path.Combine(InstalledDirectory, "train-images-idx3-ubyte.gz"));
}
