namespace Bridge;

public static partial class Datasets
{
    /// <summary>
    /// Two interleaving half circles (scikit-learn's make_moons geometry): class 0 on the upper arc
    /// (cos t, sin t), class 1 on the lower arc (1 − cos t, 0.5 − sin t), t evenly spaced over [0, π];
    /// class 0 gets ⌊samples / 2⌋ points. Rows are shuffled, then N(0, noise²) is added to each coordinate.
    /// Not linearly separable: a hidden layer is needed.
    /// </summary>
    /// <param name="samples">Total points. Default 200 (scikit-learn's default is 100).</param>
    /// <param name="noise">Standard deviation of the Gaussian noise. Default 0.1 (scikit-learn's default is none).</param>
    /// <param name="seed">Seeds the shuffle and the noise.</param>
    public static Dataset Moons(int samples = 200, double noise = 0.1, ulong seed = 0)
    {
        EnsureSampleCount("Moons", samples, 2);
        EnsureNoise("Moons", noise);
        int upper = samples / 2, lower = samples - upper;
        var points = new Matrix(samples, 2);
        var labels = new int[samples];
        for (int i = 0; i < upper; i++)
        {
            double t = LinearSpace(0, Math.PI, upper, i);
            points[i, 0] = Math.Cos(t);
            points[i, 1] = Math.Sin(t);
        }
        for (int i = 0; i < lower; i++)
        {
            double t = LinearSpace(0, Math.PI, lower, i);
            points[upper + i, 0] = 1 - Math.Cos(t);
            points[upper + i, 1] = 0.5 - Math.Sin(t);
            labels[upper + i] = 1;
        }
        return ShuffledWithNoise("moons", points, labels, 2, noise, StreamFor(GeneratorStream.Moons, seed));
    }
}
