namespace Bridge.Comparison;

/// <summary>
/// How close two backends must be for a check to pass, by precision. All are norm-wise relative errors
/// (<see cref="Agreement"/>) except the final-metric ones, which are absolute differences.
/// <para>float64: forward outputs and loss 1e-12 (one rounding per operation, a few dozen operations);
/// gradients and weights after one step 1e-10; weights after k steps 1e-8 (rounding differences compound);
/// finite differences 1e-7 (limited by the difference quotient itself).</para>
/// <para>float32: forward and loss 1e-5, gradients and one step 1e-4, k steps 1e-3 (float32's 6e-8 unit roundoff,
/// amplified by summation order and the optimizer).</para>
/// <para>After training: accuracy within 1 percentage point (float64) or 2 (float32); reconstruction error within
/// 1% relative (float64) or 5% (float32) — training is chaotic enough that tiny differences can flip a few samples.</para>
/// </summary>
public sealed record Tolerances(
    double Forward,
    double Loss,
    double Gradient,
    double OneStep,
    double KSteps,
    double FiniteDifference,
    double AccuracyPoints,
    double ReconstructionRelative)
{
    public static Tolerances Float64 { get; } = new(1e-12, 1e-12, 1e-10, 1e-10, 1e-8, 1e-7, 0.01, 0.01);

    public static Tolerances Float32 { get; } = new(1e-5, 1e-5, 1e-4, 1e-4, 1e-3, double.NaN, 0.02, 0.05);

    public static Tolerances For(Precision precision) => precision == Precision.Float64 ? Float64 : Float32;
}
