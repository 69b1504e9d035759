using System.Globalization;
using System.Net;
using System.Text;

namespace Bridge.Comparison;

/// <summary>
/// Every check at a glance, as an HTML table: one row per check and layer, one column per backend; each cell holds
/// the error, a ✓ or ✗, and how far below (or above) its tolerance it lies, and is coloured by that distance,
/// log10(error ÷ tolerance): amber at the tolerance, greener the further below, red above it.
/// </summary>
internal static class AgreementGrid
{
    /// <summary>How many orders of magnitude below tolerance count as "as close as it gets": the far end of the scale.</summary>
    internal const double FarBelow = 12;

    internal const string FailColor = "#f6a5a5";

    /// <summary>The scale's stops, from at the tolerance (0) to <see cref="FarBelow"/> orders below it (1).</summary>
    private static readonly (double At, (int R, int G, int B) Color)[] Stops =
        [(0, (0xff, 0xd3, 0x6b)), (0.35, (0xd4, 0xee, 0x9f)), (1, (0x6c, 0xc4, 0x83))];

    /// <summary>log10(error ÷ tolerance) of a check: −∞ for an exact agreement, NaN when it has no finite tolerance to compare with.</summary>
    internal static double Margin(Check check) =>
        check.Value == 0 ? double.NegativeInfinity
        : double.IsNaN(check.Value) || !double.IsFinite(check.Tolerance) || check.Tolerance <= 0 || double.IsInfinity(check.Value) ? double.NaN
        : Math.Log10(check.Value / check.Tolerance);

    /// <summary>The cell's background, as #rrggbb.</summary>
    internal static string CellColor(Check check)
    {
        if (!check.Passed) return FailColor;
        double margin = Margin(check);
        double s = double.IsNaN(margin) ? 1 : Math.Clamp(-margin / FarBelow, 0, 1);
        int i = 0;
        while (i < Stops.Length - 2 && s > Stops[i + 1].At) i++;
        var (a, ca) = Stops[i];
        var (b, cb) = Stops[i + 1];
        double t = (s - a) / (b - a);
        int Mix(int x, int y) => (int)Math.Round(x + (y - x) * t);
        return $"#{Mix(ca.R, cb.R):x2}{Mix(ca.G, cb.G):x2}{Mix(ca.B, cb.B):x2}";
    }

    /// <summary>"10^-5.3 × tol", "exact", or what went wrong, for the small line under a cell's value.</summary>
    internal static string MarginText(Check check)
    {
        if (check.Name == CheckNames.Error) return "did not run";
        double margin = Margin(check);
        if (double.IsNegativeInfinity(margin)) return "exact";
        if (double.IsNaN(margin)) return double.IsNaN(check.Value) ? "not a number" : "";
        return $"tol × 10<sup>{margin.ToString("0.0", CultureInfo.InvariantCulture).Replace("-", "−")}</sup>";
    }

    public static void Append(StringBuilder html, ComparisonReport report)
    {
        var columns = report.Checks.Select(c => c.Backend).Distinct().ToList();
        html.Append("<table class=\"grid\"><thead><tr><th>check</th><th>layer</th>");
        foreach (var c in columns) html.Append($"<th>{Encode(c)}</th>");
        html.Append("<th>tolerance</th></tr></thead><tbody>\n");
        foreach (var row in report.Checks.GroupBy(c => (c.Name, c.Layer)))
        {
            html.Append($"<tr><td class=\"text\">{Encode(row.Key.Name)}</td><td class=\"text\">{Encode(row.Key.Layer ?? "")}</td>");
            foreach (var column in columns)
            {
                var check = row.FirstOrDefault(c => c.Backend == column);
                if (check is null)
                {
                    html.Append("<td class=\"none\"></td>");
                    continue;
                }
                string value = check.Name == CheckNames.Error ? "error" : TerminalReport.Format(check.Value);
                html.Append($"<td class=\"cell {(check.Passed ? "pass" : "fail")}\" style=\"background:{CellColor(check)}\" " +
                            $"data-check=\"{Encode(check.Name + (check.Layer is null ? "" : " " + check.Layer))}\" data-backend=\"{Encode(check.Backend)}\" " +
                            $"title=\"{Encode($"{check.Backend} against {check.Reference}: {check.Metric} {check.Value.ToString("R", CultureInfo.InvariantCulture)}, tolerance {TerminalReport.Format(check.Tolerance)}{(check.Detail is null ? "" : "; " + check.Detail)}")}\">" +
                            $"{Encode(value)} <span class=\"mark\">{(check.Passed ? "✓" : "✗")}</span><small>{MarginText(check)}</small></td>");
            }
            var first = row.First();
            html.Append($"<td class=\"muted\">{(first.Name == CheckNames.Error ? "" : Encode(TerminalReport.Format(first.Tolerance)))}</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
        AppendScale(html);
    }

    /// <summary>The colour scale, as swatches with their meaning.</summary>
    private static void AppendScale(StringBuilder html)
    {
        html.Append("<p class=\"scale\">Colour: error ÷ tolerance. ");
        foreach (double below in new[] { 0, 3, 6, 9, FarBelow })
        {
            var sample = new Check("scale", "", "", null, "", below == FarBelow ? 0 : Math.Pow(10, -below), 1);
            string label = below == 0 ? "at tolerance" : below == FarBelow ? $"10<sup>−{below:0}</sup> or exact" : $"10<sup>−{below:0}</sup>";
            html.Append($"<span class=\"swatch\" style=\"background:{CellColor(sample)}\">{label}</span>");
        }
        html.Append($"<span class=\"swatch\" style=\"background:{FailColor}\">above: fails ✗</span></p>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
