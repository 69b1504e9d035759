namespace Bridge;

public static partial class Datasets
{
    /// <summary>
    /// Isotropic Gaussian blobs (scikit-learn's make_blobs geometry): <paramref name="centers"/> centers drawn
    /// uniformly from the box [−10, 10]^features, then the points of class c drawn from N(center_c, σ²·I);
    /// samples are shared out as evenly as possible (the first centers get one more). Rows are shuffled.
    /// </summary>
    /// <param name="samples">Total points. Default 300.</param>
    /// <param name="centers">Number of blobs, one class each, at least 2. Default 3.</param>
    /// <param name="features">Dimensions. Default 2.</param>
    /// <param name="standardDeviation">σ of every blob along every axis. Default 1.0 (as scikit-learn's).</param>
    /// <param name="seed">Seeds the centers, the points and the shuffle.</param>
    public static Dataset Blobs(int samples = 300, int centers = 3, int features = 2, double standardDeviation = 1.0, ulong seed = 0)
    {
        if (centers < 2) throw new ArgumentOutOfRangeException(nameof(centers), centers, $"Blobs needs at least 2 centers, got {centers}.");
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, $"Blobs needs at least 1 feature, got {features}.");
        EnsureSampleCount("Blobs", samples, centers);
        EnsureNoise("Blobs", standardDeviation, "standard deviation");
        var rng = StreamFor(GeneratorStream.Blobs, seed);
        var middles = new Matrix(centers, features);
        for (int i = 0; i < middles.Data.Length; i++) middles.Data[i] = rng.Uniform(-BlobCenterBox, BlobCenterBox);
        var points = new Matrix(samples, features);
        var labels = new int[samples];
        int row = 0;
        for (int c = 0; c < centers; c++)
        {
            int count = samples / centers + (c < samples % centers ? 1 : 0);
            for (int i = 0; i < count; i++, row++)
            {
                for (int f = 0; f < features; f++) points[row, f] = rng.Normal(middles[c, f], standardDeviation);
                labels[row] = c;
            }
        }
        return ShuffledWithNoise("blobs", points, labels, centers, noise: 0, rng);
    }

    /// <summary>Blob centers are drawn from [−BlobCenterBox, BlobCenterBox] along every axis (scikit-learn's center_box).</summary>
    public const double BlobCenterBox = 10.0;
}
