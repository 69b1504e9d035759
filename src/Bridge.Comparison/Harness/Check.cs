namespace Bridge.Comparison;

/// <summary>
/// One agreement check: <paramref name="Metric"/> of <paramref name="Backend"/> against <paramref name="Reference"/>
/// (for a layer, or for the whole model when <paramref name="Layer"/> is null) measured <paramref name="Value"/>,
/// allowed <paramref name="Tolerance"/>.
/// </summary>
/// <param name="Name">forward, loss, gradient, one-step, k-steps, finite-difference, accuracy, reconstruction-error.</param>
/// <param name="Metric">What Value measures: "relative error", "absolute difference".</param>
/// <param name="Diagnosis">For a failing check, what the numbers say went wrong, in words a student can act on (a
/// constant factor, a transposed kernel, the wrong derivative, …); also appended to <paramref name="Detail"/>.</param>
public sealed record Check(
    string Name,
    string Backend,
    string Reference,
    string? Layer,
    string Metric,
    double Value,
    double Tolerance,
    string? Detail = null,
    string? Diagnosis = null)
{
    public bool Passed => Value <= Tolerance && !double.IsNaN(Value);
}
