using System.Globalization;
using System.Net;
using System.Text;
using Bridge.Plots;

namespace Bridge.Comparison;

/// <summary>
/// The comparison as one self-contained HTML page: the tables of the terminal report and three pictures embedded
/// as PNG data (loss curves of all backends overlaid, per-layer gradient error, final metric per backend).
/// No script, no external resource: it opens anywhere, offline.
/// </summary>
public static class HtmlReport
{
    public static string Render(ComparisonReport report)
    {
        var html = new StringBuilder();
        string status = report.Passed ? "passed" : "failed";
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Bridge comparison: {{Encode(report.Plan.Spec.Describe())}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
            th:first-child, td:first-child, td.text { text-align: left; }
            .pass { color: #1a7f37; } .fail { color: #cf222e; font-weight: bold; } .muted { color: #777; }
            .status { font-size: 1.3em; } figure { display: inline-block; margin: 0.5em; } img { border: 1px solid #ddd; }
            </style></head><body>
            <h1>Bridge comparison</h1>
            <p class="status {{(report.Passed ? "pass" : "fail")}}">{{report.Checks.Count - report.Failures.Count()}} of {{report.Checks.Count}} checks passed: {{status}}.</p>
            <p>{{Encode(report.Plan.Describe())}}. Reference backend: <b>{{Encode(report.Plan.Reference)}}</b>. Took {{report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}} s.</p>
            """);
        foreach (var d in report.Diagnoses())
            html.Append($"<p class=\"fail\">{Encode(d.Backend)}: {Encode(d.Explanation)}</p>\n");

        html.Append("<h2>Backends</h2><table><tr><th>backend</th><th>available</th><th>device / reason</th></tr>\n");
        foreach (var b in report.Backends)
            html.Append($"<tr><td>{Encode(b.Name)}</td><td class=\"text {(b.Available ? "pass" : "muted")}\">{(b.Available ? "yes" : "no")}</td>" +
                        $"<td class=\"text\">{Encode(b.Available ? b.Device ?? b.Reason : b.Reason)}</td></tr>\n");
        html.Append("</table>\n");

        html.Append("<h2>Pictures</h2>\n");
        foreach (var (caption, uri) in Pictures(report))
            html.Append($"<figure><img alt=\"{Encode(caption)}\" src=\"{uri}\"><figcaption>{Encode(caption)}</figcaption></figure>\n");

        AppendChecks(html, report);
        AppendResults(html, report);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    public static void Save(ComparisonReport report, string path) => AtomicFile.WriteAllText(path, Render(report));

    private static void AppendChecks(StringBuilder html, ComparisonReport report)
    {
        var columns = report.Checks.Select(c => c.Backend).Distinct().ToList();
        html.Append($"<h2>Agreement with {Encode(report.Plan.Reference)}</h2><table><tr><th>check</th><th>layer</th>");
        foreach (var c in columns) html.Append($"<th>{Encode(c)}</th>");
        html.Append("<th>tolerance</th></tr>\n");
        foreach (var row in report.Checks.GroupBy(c => (c.Name, c.Layer)))
        {
            html.Append($"<tr><td>{Encode(row.Key.Name)}</td><td class=\"text\">{Encode(row.Key.Layer ?? "")}</td>");
            foreach (var column in columns)
            {
                var check = row.FirstOrDefault(c => c.Backend == column);
                html.Append(check is null ? "<td></td>"
                    : $"<td class=\"{(check.Passed ? "pass" : "fail")}\" title=\"{Encode(check.Detail ?? check.Metric)}\">{Encode(TerminalReport.Format(check.Value))}</td>");
            }
            html.Append($"<td class=\"muted\">{Encode(TerminalReport.Format(row.First().Tolerance))}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void AppendResults(StringBuilder html, ComparisonReport report)
    {
        html.Append("<h2>After training</h2><table><tr><th>backend</th><th>metric</th><th>value</th><th>final loss</th><th>training time</th></tr>\n");
        foreach (var r in report.Results)
            html.Append($"<tr><td>{Encode(r.Backend)}</td><td class=\"text\">{Encode(r.Metric)}</td><td>{Encode(TerminalReport.Format(r.Value))}</td>" +
                        $"<td>{(r.History.Count == 0 ? "" : Encode(TerminalReport.Format(r.History[^1].Loss)))}</td>" +
                        $"<td>{r.TrainingTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s</td></tr>\n");
        html.Append("</table>\n");
    }

    /// <summary>The pictures of the page, each with its caption, as data URIs.</summary>
    internal static IEnumerable<(string Caption, string DataUri)> Pictures(ComparisonReport report)
    {
        var losses = report.Results.Where(r => r.History.Count > 0)
            .Select(r => (r.Backend, (IReadOnlyList<double>)r.History.Select(e => e.Loss).ToArray())).ToList();
        if (losses.Count > 0)
            yield return ("Loss per epoch, every backend overlaid",
                Picture.PngDataUri(LineChart.Create("Loss per epoch", "epoch", "loss", losses), 640, 400));

        var gradientChecks = report.Checks.Where(c => c.Name == CheckNames.Gradient).ToList();
        if (gradientChecks.Count > 0)
        {
            var layers = gradientChecks.Select(c => c.Layer!).Distinct().ToList();
            var series = gradientChecks.GroupBy(c => c.Backend)
                .Select(g => (g.Key, (IReadOnlyList<double>)layers.Select(l => Math.Max(g.FirstOrDefault(c => c.Layer == l)?.Value ?? 0, 1e-18)).ToArray()))
                .ToList();
            yield return ($"Gradient relative error per layer against {report.Plan.Reference} (log scale)",
                Picture.PngDataUri(BarChart.Grouped("Gradient error per layer", "relative error", layers, series, logY: true), 640, 400));
        }

        if (report.Results.Count > 0)
        {
            string metric = report.Results[0].Metric;
            yield return ($"{metric} after training",
                Picture.PngDataUri(BarChart.Create(metric, metric, report.Results.Select(r => (r.Backend, r.Value)).ToList()), 640, 400));
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
