using Bridge.Student;

namespace Bridge.Comparison;

/// <summary>
/// Puts the mistakes <see cref="MistakeDiagnosis"/> finds on the failing checks they explain: a gradient finding on
/// the failing gradient checks (of its layer, or of every layer), a forward finding on that layer's forward check, a
/// step finding on the one-step checks. The text goes into <see cref="Check.Diagnosis"/> and is appended to
/// <see cref="Check.Detail"/>, so every report shows it.
/// </summary>
internal static class CheckDiagnoses
{
    public static IReadOnlyList<Check> Attach(IReadOnlyList<Check> checks, ModelSpec spec, WeightSet initial, Batch batch,
        ObservedNumbers tested, ObservedNumbers reference, Tolerances tolerances)
    {
        if (checks.All(c => c.Passed)) return checks;
        IReadOnlyList<Finding> findings;
        try
        {
            findings = MistakeDiagnosis.Find(spec, initial, batch, tested, reference, tolerances.Gradient);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // A diagnosis is advice on top of the checks: numbers it cannot set side by side leave the checks as they are.
            return checks;
        }
        if (findings.Count == 0) return checks;
        return checks.Select(check =>
        {
            if (check.Passed) return check;
            var texts = findings.Where(f => Explains(f, check)).Select(f => f.Text).ToList();
            if (texts.Count == 0) return check;
            string diagnosis = string.Join(" ", texts);
            return check with { Diagnosis = diagnosis, Detail = check.Detail is null ? diagnosis : $"{check.Detail}. {diagnosis}" };
        }).ToList();
    }

    private static bool Explains(Finding finding, Check check) => finding.Stage switch
    {
        DiagnosedStage.Forward => check.Name == CheckNames.Forward && check.Layer == LayerName(finding.Layer),
        DiagnosedStage.Gradient => check.Name == CheckNames.Gradient && (finding.Layer is null || check.Layer == LayerName(finding.Layer)),
        DiagnosedStage.Step => check.Name == CheckNames.OneStep,
        _ => false,
    };

    private static string? LayerName(int? layer) => layer is int l ? WeightSet.LayerName(l) : null;
}
