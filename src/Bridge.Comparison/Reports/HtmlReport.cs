using System.Globalization;
using System.Net;
using System.Text;
using Bridge.Formats;
using Bridge.Plots;

namespace Bridge.Comparison;

/// <summary>
/// The comparison as one self-contained HTML page, laid out to answer first "do the backends agree, and by how
/// much below tolerance": the headline and any failure (with its message) on top; then the results after training
/// (a few rows) and the grid of every check coloured by its distance to tolerance (<see cref="AgreementGrid"/>);
/// below them two pictures embedded as PNG data (gradient error against the tolerance line, loss curves).
/// No script, no external resource: it opens anywhere, offline.
/// </summary>
public static class HtmlReport
{
    /// <param name="verdict">What the run amounts to (<see cref="Verdict.Of"/>, with the backends asked for by name); by default judged from the report alone.</param>
    public static string Render(ComparisonReport report, Verdict? verdict = null)
    {
        verdict ??= Verdict.Of(report);
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Bridge comparison: {{Encode(report.Plan.Spec.Describe())}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 1.2em 2em; color: #222; }
            h1 { font-size: 1.4em; margin: 0 0 0.2em; } h2 { font-size: 1.1em; margin: 0.8em 0 0.3em; }
            .plan { color: #555; margin: 0 0 0.6em; }
            table { border-collapse: collapse; margin: 0.3em 0; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; vertical-align: top; }
            th { background: #f2f2f2; } th:first-child, td:first-child, td.text { text-align: left; }
            .headline { font-size: 1.3em; font-weight: 600; padding: 0.4em 0.7em; border-radius: 4px; margin: 0.4em 0; }
            .headline.pass { background: #dff3e4; color: #14532d; } .headline.fail { background: #fde2e2; color: #8b1111; }
            .failures { border-left: 4px solid #cf222e; padding: 0.2em 0.8em; margin: 0.5em 0; background: #fff6f6; }
            .failures pre { white-space: pre-wrap; margin: 0.2em 0 0.6em; font-size: 0.95em; }
            .muted { color: #666; } .pass { color: #14532d; } .fail { color: #8b1111; }
            .grid td.text { white-space: nowrap; } .results th { white-space: nowrap; } td.bar { min-width: 12em; } .nowrap { white-space: nowrap; } .backends td.text { font-size: 0.9em; }
            .grid td.cell { color: #111; min-width: 6.5em; } .grid td.cell small { display: block; color: #333; font-size: 0.78em; }
            .grid td.fail { font-weight: bold; } .mark { font-weight: bold; }
            .scale { font-size: 0.85em; color: #444; } .swatch { display: inline-block; padding: 0.1em 0.5em; margin: 0 0.2em; border: 1px solid #ccc; }
            .agreement { display: flex; flex-wrap: wrap; gap: 1em 2em; align-items: flex-start; } .agreement > figure { flex: 1 1 28em; max-width: 60em; }
            .pictures { display: grid; grid-template-columns: repeat(auto-fill, minmax(28em, 44em)); gap: 1em; margin-top: 1em; }
            figure { margin: 0; } figure img { width: 100%; height: auto; border: 1px solid #ddd; } figcaption { color: #555; }
            </style></head><body>
            <h1>Bridge comparison</h1>
            <p class="plan">{{Encode(report.Plan.Describe())}}. Reference backend: <b>{{Encode(report.Plan.Reference)}}</b>. Took {{report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}} s.</p>

            """);
        AppendHeadline(html, report, verdict);
        var missing = report.Backends.Where(b => !b.Available).Select(b => b.Name).ToList();
        if (missing.Count > 0)
            html.Append($"<p class=\"muted\">Not compared: {Encode(string.Join(", ", missing))}, not available here (the reasons are under Backends, at the end).</p>\n");
        AppendFailures(html, report);

        AppendResults(html, report);
        var pictures = Pictures(report).ToList();
        html.Append($"<h2>Agreement with {Encode(report.Plan.Reference)}</h2>\n<div class=\"agreement\"><div>");
        AgreementGrid.Append(html, report);
        html.Append("</div>");
        // The gradient chart beside the grid, where the page has room: the same question, as bars against the tolerance line.
        foreach (var picture in pictures.Where(p => p.Beside)) AppendFigure(html, picture);
        html.Append("</div>\n");

        html.Append("<div class=\"pictures\">\n");
        foreach (var picture in pictures.Where(p => !p.Beside)) AppendFigure(html, picture);
        html.Append("</div>\n");
        AppendBackends(html, report);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendFigure(StringBuilder html, (string Caption, string DataUri, bool Beside) picture) =>
        html.Append($"<figure><img alt=\"{Encode(picture.Caption)}\" src=\"{picture.DataUri}\"><figcaption>{Encode(picture.Caption)}</figcaption></figure>\n");

    public static void Save(ComparisonReport report, string path, Verdict? verdict = null) => AtomicFile.WriteAllText(path, Render(report, verdict));

    /// <summary>One sentence: agree or not, and for agreement the check that came closest to its tolerance.</summary>
    private static void AppendHeadline(StringBuilder html, ComparisonReport report, Verdict verdict)
    {
        int failed = report.Failures.Count();
        if (report.Checks.Count == 0)
        {
            html.Append("<p class=\"headline fail\">✗ Nothing was compared: no check ran.</p>\n");
            return;
        }
        if (failed > 0)
        {
            var backends = report.Failures.Select(c => c.Backend).Distinct().ToList();
            html.Append($"<p class=\"headline fail\">✗ {failed} of {report.Checks.Count} checks failed, on {Encode(string.Join(", ", backends))}.</p>\n");
            return;
        }
        if (verdict.ExitCode == ExitCodes.Incomplete)
        {
            // Every check passed, yet the run does not show agreement: a backend asked for did not run, or nothing was compared.
            html.Append($"<p class=\"headline fail\">✗ Incomplete. {Encode(string.Join(" ", verdict.Gaps))} " +
                        $"(The {report.Checks.Count} checks that ran passed.)</p>\n");
            return;
        }
        var closest = report.Checks.Where(c => double.IsFinite(AgreementGrid.Margin(c))).MaxBy(AgreementGrid.Margin);
        string detail = closest is null ? "every error is exactly zero"
            : $"the closest to its tolerance is {Encode(closest.Name)}{(closest.Layer is null ? "" : " of " + Encode(closest.Layer))} on {Encode(closest.Backend)}: " +
              $"{Encode(TerminalReport.Format(closest.Value))} against {Encode(TerminalReport.Format(closest.Tolerance))}, " +
              $"{(-AgreementGrid.Margin(closest)).ToString("0.0", CultureInfo.InvariantCulture)} orders of magnitude below";
        html.Append($"<p class=\"headline pass\">✓ The backends agree: all {report.Checks.Count} checks passed; {detail}.</p>\n");
    }

    /// <summary>Every failure in words: a backend that broke shows its error message; a disagreement shows where it starts.</summary>
    private static void AppendFailures(StringBuilder html, ComparisonReport report)
    {
        var errors = report.Failures.Where(c => c.Name == CheckNames.Error).ToList();
        var diagnoses = report.Diagnoses().Where(d => d.FirstFailure.Name != CheckNames.Error).ToList();
        if (errors.Count == 0 && diagnoses.Count == 0) return;
        html.Append("<section class=\"failures\"><h2>What failed</h2>\n");
        foreach (var e in errors)
            html.Append($"<p><b>{Encode(e.Backend)}</b> ✗ stopped with an error, so none of its checks ran:</p><pre>{Encode(e.Detail ?? "no message")}</pre>\n");
        foreach (var d in diagnoses)
            html.Append($"<p><b>{Encode(d.Backend)}</b> ✗ {Encode(d.Explanation)} " +
                        $"<span class=\"muted\">({Encode(d.FirstFailure.Name)}{(d.FirstFailure.Layer is null ? "" : " " + Encode(d.FirstFailure.Layer))}: " +
                        $"{Encode(TerminalReport.Format(d.FirstFailure.Value))} &gt; {Encode(TerminalReport.Format(d.FirstFailure.Tolerance))})</span></p>\n");
        html.Append("</section>\n");
    }

    /// <summary>The accuracy or error after training per backend, each on a bar with its value, and its difference from the reference.</summary>
    private static void AppendResults(StringBuilder html, ComparisonReport report)
    {
        if (report.Results.Count == 0) return;
        var reference = report.Results.FirstOrDefault(r => r.Backend == report.Plan.Reference);
        double top = report.Results.Max(r => double.IsFinite(r.Value) ? Math.Abs(r.Value) : 0);
        string metric = report.Results.Select(r => r.Metric).Distinct().Count() == 1 ? report.Results[0].Metric : "value";
        html.Append($"<h2>After training</h2><table class=\"results\"><tr><th>backend</th><th>{Encode(metric)}</th>" +
                    $"<th title=\"difference from {Encode(report.Plan.Reference)}\">vs {Encode(report.Plan.Reference)}</th><th>final loss</th><th>time</th></tr>\n");
        foreach (var r in report.Results)
        {
            bool accuracy = IsAccuracy(r.Metric);
            double share = accuracy ? r.Value : top == 0 ? 0 : Math.Abs(r.Value) / top;
            string percent = (100 * Math.Clamp(double.IsFinite(share) ? share : 0, 0, 1)).ToString("0.#", CultureInfo.InvariantCulture);
            string difference = reference is null || r == reference ? "" : Difference(r.Value - reference.Value, accuracy);
            string value = FormatResult(r.Metric, r.Value) + (metric == "value" ? " " + r.Metric : "");
            html.Append($"<tr><td class=\"text nowrap\">{Encode(r.Backend)}</td>" +
                        $"<td class=\"bar\" style=\"background: linear-gradient(to right, {ResultBarColor} {percent}%, transparent {percent}%)\">{Encode(value)}</td>" +
                        $"<td>{Encode(difference)}</td>" +
                        $"<td>{(r.History.Count == 0 ? "" : Encode(TerminalReport.Format(r.History[^1].Loss)))}</td>" +
                        $"<td>{r.TrainingTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>The colour of the bar behind each result.</summary>
    internal const string ResultBarColor = "#bcd7f5";

    private static void AppendBackends(StringBuilder html, ComparisonReport report)
    {
        html.Append("<h2>Backends</h2><table class=\"backends\"><tr><th>backend</th><th>available</th><th>device / reason</th></tr>\n");
        foreach (var b in report.Backends)
            html.Append($"<tr><td>{Encode(b.Name)}</td><td class=\"text {(b.Available ? "pass" : "muted")}\">{(b.Available ? "yes ✓" : "no")}</td>" +
                        $"<td class=\"text\">{Encode(b.Available ? b.Device ?? b.Reason : b.Reason)}</td></tr>\n");
        html.Append("</table>\n");
    }

    private static bool IsAccuracy(string metric) => metric.EndsWith("accuracy", StringComparison.Ordinal);

    /// <summary>An accuracy as a percentage, as the terminal report writes it (97.49 %); anything else as a number.</summary>
    internal static string FormatResult(string metric, double value) =>
        IsAccuracy(metric) && double.IsFinite(value) ? value.ToString("P2", CultureInfo.InvariantCulture) : TerminalReport.Format(value);

    private static string Difference(double difference, bool accuracy) =>
        difference == 0 ? "same"
        : accuracy ? (100 * difference).ToString("+0.00;−0.00", CultureInfo.InvariantCulture) + " points"
        : (difference > 0 ? "+" : "−") + TerminalReport.Format(Math.Abs(difference));

    /// <summary>The pictures of the page, each with its caption, as data URIs, and whether it goes beside the grid.</summary>
    internal static IEnumerable<(string Caption, string DataUri, bool Beside)> Pictures(ComparisonReport report)
    {
        // One colour per backend, the same in every picture.
        var names = report.Backends.Select(b => b.Name).Concat(report.Checks.Select(c => c.Backend)).Distinct().ToList();
        ScottPlot.Color ColorOf(string backend) => ClassColors.Of(names.IndexOf(backend), names.Count);

        var gradientChecks = report.Checks.Where(c => c.Name == CheckNames.Gradient).ToList();
        if (gradientChecks.Count > 0)
        {
            var layers = gradientChecks.Select(c => c.Layer!).Distinct().ToList();
            var series = gradientChecks.GroupBy(c => c.Backend)
                .Select(g => (g.Key, (IReadOnlyList<(double, double)>)layers
                    .Select(l => g.FirstOrDefault(c => c.Layer == l) is { } c ? (c.Value, c.Tolerance) : (double.NaN, double.NaN)).ToArray()))
                .ToList();
            yield return ($"Gradient error per layer against {report.Plan.Reference}: each bar hangs below the tolerance line by as many orders of magnitude as the error is below it",
                Picture.PngDataUri(ToleranceChart.Create("Gradient error ÷ tolerance", layers, series, series.Select(x => ColorOf(x.Key)).ToList()), PictureWidth, PictureHeight, scale: 2), true);
        }

        var losses = report.Results.Where(r => r.History.Count > 0)
            .Select(r => (r.Backend, (IReadOnlyList<double>)r.History.Select(e => e.Loss).ToArray())).ToList();
        if (losses.Count > 0)
            yield return ("Loss per epoch, every backend overlaid (dashed lines lie on top of one another where they agree)",
                Picture.PngDataUri(LineChart.Create("Loss per epoch", "epoch", "loss", losses, colors: losses.Select(l => ColorOf(l.Backend)).ToList()), PictureWidth, PictureHeight, scale: 2), false);
    }

    /// <summary>The size a picture is shown at in a 1400 px window (two side by side); drawn at twice that for sharp text.</summary>
    private const int PictureWidth = 660, PictureHeight = 360;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
