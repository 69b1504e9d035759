namespace Bridge;

/// <summary>
/// The floating-point type a model computes in. float64 is the precision of truth for gradient checks;
/// float32 is what the libraries use by default.
/// </summary>
public enum Precision
{
    Float32,
    Float64,
}

public static class PrecisionExtensions
{
    /// <summary>Rounds a value to the nearest number the precision can hold (float32: round to nearest even).</summary>
    public static double Round(this Precision precision, double value) =>
        precision == Precision.Float32 ? (float)value : value;

    /// <summary>Rounds every element in place.</summary>
    public static void Round(this Precision precision, Span<double> values)
    {
        if (precision == Precision.Float64) return;
        for (int i = 0; i < values.Length; i++) values[i] = (float)values[i];
    }

    /// <summary>The lower-case name used on the command line, in reports and by numpy: float32 or float64.</summary>
    public static string Name(this Precision precision) => precision == Precision.Float32 ? "float32" : "float64";

    public static Precision Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "float32" or "f32" or "single" or "float" => Precision.Float32,
        "float64" or "f64" or "double" => Precision.Float64,
        _ => throw new ArgumentException($"Unknown precision '{name}': expected float32 or float64.", nameof(name)),
    };
}
