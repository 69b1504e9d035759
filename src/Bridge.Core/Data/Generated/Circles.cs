namespace Bridge;

public static partial class Datasets
{
    /// <summary>
    /// A small circle inside a large one (scikit-learn's make_circles geometry): class 0 on the unit circle,
    /// class 1 on the circle of radius <paramref name="factor"/>, each at evenly spaced angles over [0, 2π);
    /// class 0 gets ⌊samples / 2⌋ points. Rows are shuffled, then N(0, noise²) is added to each coordinate.
    /// </summary>
    /// <param name="samples">Total points. Default 200 (scikit-learn's default is 100).</param>
    /// <param name="noise">Standard deviation of the Gaussian noise. Default 0.05 (scikit-learn's default is none).</param>
    /// <param name="factor">Inner radius over outer radius, in [0, 1). Default 0.5 (scikit-learn's default is 0.8).</param>
    /// <param name="seed">Seeds the shuffle and the noise.</param>
    public static Dataset Circles(int samples = 200, double noise = 0.05, double factor = 0.5, ulong seed = 0)
    {
        EnsureSampleCount("Circles", samples, 2);
        EnsureNoise("Circles", noise);
        if (!(factor >= 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"Circles: the factor (inner radius / outer radius) must be in [0, 1), got {factor}.");
        int outer = samples / 2, inner = samples - outer;
        var points = new Matrix(samples, 2);
        var labels = new int[samples];
        for (int i = 0; i < outer; i++)
        {
            double t = LinearSpace(0, 2 * Math.PI, outer, i, includeStop: false);
            points[i, 0] = Math.Cos(t);
            points[i, 1] = Math.Sin(t);
        }
        for (int i = 0; i < inner; i++)
        {
            double t = LinearSpace(0, 2 * Math.PI, inner, i, includeStop: false);
            points[outer + i, 0] = factor * Math.Cos(t);
            points[outer + i, 1] = factor * Math.Sin(t);
            labels[outer + i] = 1;
        }
        return ShuffledWithNoise("circles", points, labels, 2, noise, StreamFor(GeneratorStream.Circles, seed));
    }
}
