namespace Bridge.Conformance.Tests;

/// <summary>
/// Everything a model holds, as bits: its weights and its optimizer state. Taken before a call that must change
/// nothing and compared after it.
/// </summary>
internal sealed record ModelState(long[] Weights, long Steps, IReadOnlyDictionary<string, long[]> Slots)
{
    public static ModelState Of(IModel model)
    {
        var state = model.GetOptimizerState();
        return new ModelState(Bits(model.GetWeights()), state.Steps, state.Slots.ToDictionary(s => s.Key, s => Bits(s.Value)));
    }

    /// <summary>Asserts that <paramref name="model"/> holds exactly this state, bit for bit.</summary>
    public void AssertHeldBy(IModel model, string after)
    {
        var now = Of(model);
        AssertSameBits(Weights, now.Weights, $"the weights changed after {after}");
        Assert.True(Steps == now.Steps, $"the optimizer's step count changed after {after}: {Steps} → {now.Steps}");
        Assert.Equal(Slots.Keys.Order(), now.Slots.Keys.Order());
        foreach (var (name, bits) in Slots) AssertSameBits(bits, now.Slots[name], $"optimizer slot '{name}' changed after {after}");
    }

    public static long[] Bits(WeightSet weights) => Bits(weights.Flatten());

    public static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    public static void AssertSameBits(long[] expected, long[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values against {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i])
                Assert.Fail($"{what}: value {i} is {BitConverter.Int64BitsToDouble(actual[i]):R}, expected {BitConverter.Int64BitsToDouble(expected[i]):R}");
    }

    /// <summary>
    /// Asserts that two weight sets agree within <paramref name="tolerance"/> (relative, per layer), or bit for bit when
    /// it is 0, and that they have the same precision.
    /// </summary>
    public static void AssertClose(WeightSet expected, WeightSet actual, double tolerance, string what)
    {
        Assert.True(expected.Precision == actual.Precision, $"{what}: {actual.Precision} where {expected.Precision} was expected");
        if (tolerance == 0)
        {
            AssertSameBits(Bits(expected), Bits(actual), what);
            return;
        }
        var errors = Agreement.PerLayer(expected, actual);
        Assert.True(errors.Max() <= tolerance, $"{what}: relative errors per layer {string.Join(", ", errors.Select(e => e.ToString("E2")))} above {tolerance:E0}");
    }

    /// <summary>Two optimizer states: the same step count and slot names, and slots that agree as <see cref="AssertClose(WeightSet, WeightSet, double, string)"/>.</summary>
    public static void AssertClose(OptimizerState expected, OptimizerState actual, double tolerance, string what)
    {
        Assert.True(expected.Steps == actual.Steps, $"{what}: {actual.Steps} steps, expected {expected.Steps}");
        Assert.Equal(expected.Slots.Keys.Order(), actual.Slots.Keys.Order());
        foreach (var (name, slot) in expected.Slots) AssertClose(slot, actual.Slots[name], tolerance, $"{what}, slot '{name}'");
    }

    public static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        if (tolerance == 0) Assert.True(expected.Equals(actual), $"{what}: {actual:R}, expected {expected:R}");
        else Assert.True(Agreement.RelativeError(expected, actual) <= tolerance, $"{what}: {actual:R} against {expected:R}, beyond {tolerance:E0}");
    }

    public static void AssertClose(Matrix expected, Matrix actual, double tolerance, string what)
    {
        Assert.True((expected.Rows, expected.Cols) == (actual.Rows, actual.Cols), $"{what}: {actual.ShapeText}, expected {expected.ShapeText}");
        if (tolerance == 0) AssertSameBits(Bits(expected.Data), Bits(actual.Data), what);
        else
        {
            double error = Agreement.RelativeError(expected, actual);
            Assert.True(error <= tolerance, $"{what}: relative error {error:E2} above {tolerance:E0}");
        }
    }
}
