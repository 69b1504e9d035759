namespace Bridge.Conformance.Tests;

/// <summary>
/// How far a backend's numbers may lie from the reference engine's, as a norm-wise relative error
/// (<see cref="Agreement"/>). Each bound sits orders of magnitude above what rounding explains and orders below what a
/// mistake costs: a missing ½, a wrong derivative, a transposed kernel or a wrong optimizer formula is off by 1e-2 or
/// more from the first step.
/// </summary>
internal static class Tolerance
{
    /// <summary>
    /// float64 outputs and loss. Each output is a chain of a few short sums and activations; a backend that adds in
    /// another order, or fuses a multiply-add the reference rounds twice, changes the last bits (≈ 1e-16 per operation).
    /// </summary>
    public const double Float64Outputs = 1e-12;

    /// <summary>
    /// float64 gradients: the backward pass sums over the batch and multiplies through every layer, and starts from
    /// o − t, where nearly equal numbers cancel and their rounding grows relative to the difference.
    /// </summary>
    public const double Float64Gradients = 1e-10;

    /// <summary>
    /// float64 weights, losses and optimizer slots after a dozen optimizer steps: each step's rounding differences feed
    /// the next step's gradient, and Adam divides by √v̂ ≈ |g|, which passes a gradient's relative error on whole.
    /// </summary>
    public const double Float64Steps = 1e-10;

    /// <summary>
    /// float32 against the reference in float64 (outputs, loss, gradients) or in float32 (training steps): the unit
    /// roundoff is 6e-8, and a few layers of sums, the cancellation in o − t and a dozen steps' accumulation raise it
    /// by up to three orders.
    /// </summary>
    public const double Float32 = 1e-4;

    /// <summary>
    /// Gradients against central finite differences in float64 (<see cref="GradientCheck"/>): its five-point stencil with
    /// h = 1e-4 has truncation error ≈ h⁴ and rounding error ≈ 1e-16·E/h, both near 1e-12; nets without relu kinks.
    /// </summary>
    public const double FiniteDifferences = 1e-7;

    public static double Outputs(Precision precision) => precision == Precision.Float64 ? Float64Outputs : Float32;

    public static double Gradients(Precision precision) => precision == Precision.Float64 ? Float64Gradients : Float32;

    public static double Steps(Precision precision) => precision == Precision.Float64 ? Float64Steps : Float32;
}
