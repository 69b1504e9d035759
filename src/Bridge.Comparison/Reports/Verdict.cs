namespace Bridge.Comparison;

/// <summary>
/// What a comparison run amounts to, beyond its checks. A pass needs every check to pass, every backend asked for by
/// name to have run, and at least one backend compared with the reference: finite differences on the reference alone
/// prove nothing about agreement. The default run (no --backends) asks for no backend by name, so backends that cannot
/// run here are listed with their reason and the rest can still pass.
/// </summary>
/// <param name="ExitCode"><see cref="ExitCodes.Agree"/>, <see cref="ExitCodes.Disagree"/> (a failed check comes first)
/// or <see cref="ExitCodes.Incomplete"/>.</param>
/// <param name="Gaps">Why the run is incomplete, one sentence each; empty when it is not.</param>
public sealed record Verdict(int ExitCode, IReadOnlyList<string> Gaps)
{
    public bool Passed => ExitCode == ExitCodes.Agree;

    /// <summary>passed, failed or incomplete: the exit code in a word, as the JSON report's <c>outcome</c>.</summary>
    public string Outcome => ExitCode switch
    {
        ExitCodes.Agree => "passed",
        ExitCodes.Incomplete => "incomplete",
        _ => "failed",
    };

    /// <param name="askedByName">The backends the user named (--backends), or null for the default run.</param>
    public static Verdict Of(ComparisonReport report, IReadOnlyCollection<string>? askedByName = null)
    {
        var gaps = new List<string>();
        if (askedByName is not null)
            foreach (var backend in report.Backends.Where(b => !b.Available && askedByName.Contains(b.Name)))
                gaps.Add($"{backend.Name} was asked for but could not run: {backend.Reason.TrimEnd('.')}.");
        bool compared = report.Checks.Any(c => c.Name is not (CheckNames.FiniteDifference or CheckNames.Error));
        bool failedWhileRunning = report.Checks.Any(c => c.Name == CheckNames.Error);
        if (!compared && !failedWhileRunning)
            gaps.Add($"Nothing was compared: no backend besides the reference, {report.Plan.Reference}, ran.");
        int code = !report.Passed ? ExitCodes.Disagree : gaps.Count > 0 ? ExitCodes.Incomplete : ExitCodes.Agree;
        return new Verdict(code, gaps);
    }
}
