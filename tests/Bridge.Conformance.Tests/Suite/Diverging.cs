namespace Bridge.Conformance.Tests;

/// <summary>
/// A run that diverges part-way through its third epoch (step 8 in float32, 10 in float64, on the managed engine), on
/// a network every backend can express: two identity layers, whose product is the net's one weight matrix, on targets
/// of 10⁴·x·y with a rate just too large for them. Each step's overshoot grows the product faster than the last,
/// until the loss overflows.
/// </summary>
internal static class Diverging
{
    public static Mlp Spec(Precision precision) =>
        new(2, new Dense(8, Activation.Linear), new Dense(1, Activation.Linear))
        {
            Loss = Loss.HalfSquaredError, Optimizer = new Sgd(1.2e-6), Precision = precision,
        };

    public static Dataset Data()
    {
        var rng = new Rng(3);
        var x = new Matrix(256, 2);
        var y = new Matrix(256, 1);
        for (int i = 0; i < 256; i++)
        {
            x[i, 0] = rng.Uniform(-10, 10);
            x[i, 1] = rng.Uniform(-10, 10);
            y[i, 0] = 1e4 * x[i, 0] * x[i, 1];
        }
        return Dataset.Regression("steep", x, y);
    }
}
