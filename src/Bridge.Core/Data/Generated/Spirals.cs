namespace Bridge;

public static partial class Datasets
{
    /// <summary>
    /// Interleaved spiral arms, one per class (the classic "spiral" toy set): point i of an arm of m points lies at
    /// radius r = (i + 1) / m and angle θ = 2π·c / classes + <see cref="SpiralTurn"/>·r + ε, ε ~ N(0, noise²), i.e.
    /// at r·(cos θ, sin θ). Arms start evenly spaced around the origin; samples are shared out as evenly as possible
    /// (the first classes get one more). Rows are shuffled. Needs a non-linear model; hard for a small one.
    /// </summary>
    /// <param name="samples">Total points. Default 300.</param>
    /// <param name="classes">Number of arms (classes), at least 2. Default 3.</param>
    /// <param name="noise">Standard deviation of the angle noise, in radians. Default 0.2.</param>
    /// <param name="seed">Seeds the noise and the shuffle.</param>
    public static Dataset Spirals(int samples = 300, int classes = 3, double noise = 0.2, ulong seed = 0)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"Spirals needs at least 2 classes, got {classes}.");
        EnsureSampleCount("Spirals", samples, classes);
        EnsureNoise("Spirals", noise, "angle noise");
        var rng = StreamFor(GeneratorStream.Spirals, seed);
        var points = new Matrix(samples, 2);
        var labels = new int[samples];
        int row = 0;
        for (int c = 0; c < classes; c++)
        {
            int arm = samples / classes + (c < samples % classes ? 1 : 0);
            for (int i = 0; i < arm; i++, row++)
            {
                double radius = (i + 1.0) / arm;
                double angle = 2 * Math.PI * c / classes + SpiralTurn * radius + noise * rng.Normal();
                points[row, 0] = radius * Math.Cos(angle);
                points[row, 1] = radius * Math.Sin(angle);
                labels[row] = c;
            }
        }
        // The noise is on the angle, not the coordinates: shuffle only.
        return ShuffledWithNoise("spirals", points, labels, classes, noise: 0, rng);
    }

    /// <summary>How far, in radians, a spiral arm turns from its start to its end at radius 1.</summary>
    public const double SpiralTurn = 4.0;
}
