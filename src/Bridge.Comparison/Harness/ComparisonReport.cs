namespace Bridge.Comparison;

/// <summary>Everything a comparison found: the backends, every check, every training result.</summary>
public sealed record ComparisonReport(
    ComparisonPlan Plan,
    IReadOnlyList<BackendStatus> Backends,
    IReadOnlyList<Check> Checks,
    IReadOnlyList<BackendResult> Results,
    TimeSpan Elapsed)
{
    public bool Passed => Checks.All(c => c.Passed);

    public IEnumerable<Check> Failures => Checks.Where(c => !c.Passed);

    /// <summary>
    /// For each backend that failed, where the disagreement starts: the first layer whose output leaves tolerance
    /// (forward order); failing that the loss; failing that the last layer, counting back from the output, whose
    /// gradient leaves tolerance (errors in a backward pass spread towards the input); failing that the first
    /// failing check.
    /// </summary>
    public IReadOnlyList<Diagnosis> Diagnoses()
    {
        var result = new List<Diagnosis>();
        foreach (var group in Checks.GroupBy(c => c.Backend))
        {
            var failed = group.Where(c => !c.Passed).ToList();
            if (failed.Count == 0) continue;
            var forward = failed.Where(c => c.Name == CheckNames.Forward).OrderBy(c => LayerIndex(c.Layer)).FirstOrDefault();
            var loss = failed.FirstOrDefault(c => c.Name == CheckNames.Loss);
            var gradient = failed.Where(c => c.Name == CheckNames.Gradient).OrderByDescending(c => LayerIndex(c.Layer)).FirstOrDefault();
            var first = forward ?? loss ?? gradient ?? failed[0];
            string where = first.Name switch
            {
                CheckNames.Forward => $"the output of layer {first.Layer} is the first to leave tolerance: look at that layer's weights and activation",
                CheckNames.Loss => "every layer's output agrees but the loss does not: look at the loss and its reduction",
                CheckNames.Gradient => $"outputs and loss agree, and the gradients disagree from layer {first.Layer} towards the input: look at that layer's backward pass",
                CheckNames.Error => $"failed while running: {first.Detail ?? "no message"}",
                _ => $"{first.Name}{(first.Layer is null ? "" : $" of {first.Layer}")} leaves tolerance",
            };
            // What the numbers say went wrong, when they name a mistake (MistakeDiagnosis): after the where.
            var mistakes = failed.Select(c => c.Diagnosis).OfType<string>().Distinct().ToList();
            result.Add(new Diagnosis(group.Key, first, mistakes.Count == 0 ? where : $"{where}. {string.Join(" ", mistakes)}"));
        }
        return result;
    }

    private static int LayerIndex(string? layer) =>
        layer is not null && layer.StartsWith("dense_", StringComparison.Ordinal) && int.TryParse(layer.AsSpan(6), out int i) ? i : int.MaxValue;
}

/// <summary>Where one backend's disagreement starts.</summary>
public sealed record Diagnosis(string Backend, Check FirstFailure, string Explanation);

/// <summary>The names of the checks, as they appear in every report.</summary>
public static class CheckNames
{
    public const string Build = "build";
    public const string Forward = "forward";
    public const string Loss = "loss";
    public const string Gradient = "gradient";
    public const string OneStep = "weights-after-1-step";
    public const string KSteps = "weights-after-k-steps";
    public const string FiniteDifference = "finite-difference";
    public const string Accuracy = "accuracy";
    public const string ReconstructionError = "reconstruction-error";
    public const string Error = "error";
}
