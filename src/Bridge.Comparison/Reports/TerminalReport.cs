using System.Globalization;
using Spectre.Console;

namespace Bridge.Comparison;

/// <summary>The comparison as tables in the terminal: backends, checks (one column per backend), results, diagnoses.</summary>
public static class TerminalReport
{
    /// <param name="verdict">What the run amounts to (default: judged from the report alone, as a run that named no backend).</param>
    public static void Write(IAnsiConsole console, ComparisonReport report, Verdict? verdict = null)
    {
        verdict ??= Verdict.Of(report);
        console.Write(new Rule($"[bold]Bridge comparison[/] [grey]{Markup.Escape(report.Plan.Describe())}[/]").LeftJustified());

        var failures = BackendFailures.Of(report);
        var backends = new Table().Border(TableBorder.Rounded).Title("Backends");
        backends.AddColumn("backend").AddColumn("available").AddColumn("device / reason");
        foreach (var b in report.Backends)
        {
            string? failure = failures.GetValueOrDefault(b.Name);
            backends.AddRow(
                Markup.Escape(b.Name),
                failure is not null ? "[red]failed[/]" : b.Available ? "[green]yes[/]" : "[yellow]no[/]",
                failure is not null ? $"[red]{Markup.Escape(FirstLine(failure))}[/]" : Markup.Escape(b.Available ? b.Device ?? b.Reason : b.Reason));
        }
        console.Write(backends);

        WriteChecks(console, report);
        WriteResults(console, report);

        foreach (var d in report.Diagnoses())
            console.MarkupLine(d.FirstFailure.Name == CheckNames.Error
                ? $"[red]✗ {Markup.Escape(d.Backend)} failed while running:[/] {Markup.Escape(d.FirstFailure.Detail ?? "no message")}"
                : $"[red]✗ {Markup.Escape(d.Backend)}[/]: {Markup.Escape(d.Explanation)} " +
                  $"([grey]{Markup.Escape(d.FirstFailure.Name)} {Format(d.FirstFailure.Value)} > {Format(d.FirstFailure.Tolerance)}[/])");
        foreach (string gap in verdict.Gaps)
            console.MarkupLine($"[yellow]! {Markup.Escape(gap)}[/]");
        int failed = report.Failures.Count();
        string took = $"in {report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s";
        console.MarkupLine(verdict.ExitCode switch
        {
            ExitCodes.Agree => $"[green]All {report.Checks.Count} checks passed[/] {took}.",
            ExitCodes.Incomplete => $"[yellow]Incomplete, not a pass (exit code {ExitCodes.Incomplete}):[/] the {report.Checks.Count} checks that ran passed {took}, but the run did not compare what was asked.",
            _ => $"[red]{failed} of {report.Checks.Count} checks failed[/] {took}.",
        });
    }

    /// <summary>A message's first line, cut to fit a table cell; the full message follows the tables.</summary>
    internal static string FirstLine(string message, int limit = 100)
    {
        string line = message.Split('\n', 2)[0].TrimEnd();
        return line.Length <= limit ? line : line[..(limit - 1)] + "…";
    }

    private static void WriteChecks(IAnsiConsole console, ComparisonReport report)
    {
        var columns = report.Checks.Select(c => c.Backend).Distinct().ToList();
        if (columns.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Agreement with {Markup.Escape(report.Plan.Reference)} (relative error unless noted; tolerance in grey)");
        table.AddColumn(new TableColumn("check").NoWrap()).AddColumn(new TableColumn("layer").NoWrap());
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned().NoWrap());
        table.AddColumn(new TableColumn("tolerance").RightAligned());
        var rows = report.Checks.GroupBy(c => (c.Name, c.Layer)).ToList();
        foreach (var row in rows)
        {
            var cells = new List<string> { row.Key.Name == CheckNames.Error ? "failed while running" : Markup.Escape(row.Key.Name), Markup.Escape(row.Key.Layer ?? "") };
            foreach (var column in columns)
            {
                var check = row.FirstOrDefault(c => c.Backend == column);
                cells.Add(check is null ? ""
                    : check.Name == CheckNames.Error ? $"[red]✗ {Markup.Escape(FirstLine(check.Detail ?? "failed", 80))}[/]"
                    : (check.Passed ? "[green]" : "[red]") + Format(check.Value) + (check.Passed ? " ✓" : " ✗") + "[/]");
            }
            cells.Add(row.Key.Name == CheckNames.Error ? "" : "[grey]" + Format(row.First().Tolerance) + "[/]");
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }

    private static void WriteResults(IAnsiConsole console, ComparisonReport report)
    {
        if (report.Results.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded).Title("After training");
        table.AddColumn("backend").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned())
            .AddColumn(new TableColumn("final loss").RightAligned()).AddColumn(new TableColumn("training time").RightAligned());
        foreach (var r in report.Results)
            table.AddRow(
                Markup.Escape(r.Backend),
                Markup.Escape(r.Metric),
                FormatMetric(r.Metric, r.Value),
                r.History.Count == 0 ? "" : Format(r.History[^1].Loss),
                $"{r.TrainingTime.TotalSeconds:F2} s");
        console.Write(table);
    }

    /// <summary>A final metric as the tables show it: accuracy in percent, anything else as a number.</summary>
    internal static string FormatMetric(string metric, double value) =>
        metric.EndsWith("accuracy", StringComparison.Ordinal) ? value.ToString("P2", CultureInfo.InvariantCulture) : Format(value);

    internal static string Format(double value) =>
        double.IsNaN(value) ? "n/a"
        : double.IsInfinity(value) ? "∞"
        : value == 0 ? "0"
        : Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e5 ? value.ToString("0.0e+0", CultureInfo.InvariantCulture)
        : value.ToString("0.####", CultureInfo.InvariantCulture);
}
