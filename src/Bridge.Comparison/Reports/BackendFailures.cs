namespace Bridge.Comparison;

/// <summary>
/// The backends that failed while running, with their messages. The runner records such a failure as a check named
/// <see cref="CheckNames.Error"/> whose detail is the exception's message; every report shows that message itself.
/// </summary>
public static class BackendFailures
{
    public static IReadOnlyDictionary<string, string> Of(ComparisonReport report) =>
        report.Checks.Where(c => c.Name == CheckNames.Error)
            .GroupBy(c => c.Backend)
            .ToDictionary(g => g.Key, g => g.First().Detail ?? "no message");
}
