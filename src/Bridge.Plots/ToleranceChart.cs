using System.Globalization;
using ScottPlot;

namespace Bridge.Plots;

/// <summary>
/// Errors measured against their tolerance: for each group (a layer), one bar per series (a backend), its height
/// log10(error ÷ tolerance). The tolerance is the drawn line at 0, so a bar hangs down from it by as many orders of
/// magnitude as the error is below tolerance, and rises above it, red, when it fails. Each bar carries the error itself.
/// </summary>
public static class ToleranceChart
{
    public static readonly Color ToleranceColor = new(0xcf, 0x22, 0x2e);

    public static Plot Create(string title, IReadOnlyList<string> groups,
        IReadOnlyList<(string Series, IReadOnlyList<(double Error, double Tolerance)> Values)> series,
        IReadOnlyList<Color>? colors = null)
    {
        if (colors is not null && colors.Count != series.Count)
            throw new ArgumentException($"{series.Count} series but {colors.Count} colours.", nameof(colors));
        foreach (var (name, values) in series)
            if (values.Count != groups.Count)
                throw new ArgumentException($"{groups.Count} groups but series '{name}' has {values.Count} values.", nameof(series));
        var ratios = series.SelectMany(s => s.Values).Select(v => Log10Ratio(v.Error, v.Tolerance)).ToList();
        var finite = ratios.Where(double.IsFinite).ToList();
        // An exact agreement (error 0) has no logarithm: its bar reaches the bottom of the axis and says "0".
        double bottom = Math.Min(-1, Math.Floor(finite.DefaultIfEmpty(0).Min()) - 1);
        double top = Math.Max(1, Math.Ceiling(finite.DefaultIfEmpty(0).Max()) + 1);

        var plot = new Plot();
        double width = 0.8 / Math.Max(1, series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups.Count; g++)
            {
                var (error, tolerance) = series[s].Values[g];
                double ratio = Log10Ratio(error, tolerance);
                double shown = double.IsNaN(ratio) || double.IsPositiveInfinity(ratio) ? top : double.IsNegativeInfinity(ratio) ? bottom : ratio;
                bool failed = !(error <= tolerance);
                bars.Add(new Bar
                {
                    Position = g - 0.4 + width * (s + 0.5),
                    Value = shown,
                    ValueBase = 0,
                    Size = width * 0.9,
                    FillColor = failed ? ToleranceColor : colors?[s] ?? ClassColors.Of(s, series.Count),
                    Label = FormatError(error) + (failed ? " fails" : ""),  // the plot font has no ✗
                });
            }
            var added = plot.Add.Bars(bars);
            added.LegendText = series[s].Series;
        }
        var line = plot.Add.HorizontalLine(0, 2, ToleranceColor);
        line.LegendText = "tolerance";

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(groups.Select((g, i) => new Tick(i, g)).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        var ticks = new List<Tick>();
        int step = Math.Max(1, (int)Math.Ceiling((top - bottom) / 8));
        // Multiples of the step, so that 0, the tolerance, is always among them.
        for (int k = step * (int)Math.Floor(bottom / step); k <= (int)top; k += step)
            ticks.Add(new Tick(k, k == 0 ? "tolerance" : $"tol × 1e{k.ToString(CultureInfo.InvariantCulture)}"));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.SetLimitsY(bottom - 1, top);
        plot.Title(title);
        plot.YLabel("error ÷ tolerance (log scale)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>log10(error ÷ tolerance): negative below tolerance, −∞ for an exact agreement, +∞ or NaN for a failure.</summary>
    public static double Log10Ratio(double error, double tolerance) =>
        double.IsNaN(error) ? double.NaN
        : error == 0 ? double.NegativeInfinity
        : tolerance <= 0 ? double.PositiveInfinity
        : Math.Log10(error / tolerance);

    private static string FormatError(double error) =>
        double.IsNaN(error) ? "n/a"
        : double.IsPositiveInfinity(error) ? "∞"
        : error == 0 ? "0 (exact)"
        : error.ToString("0.0e+0", CultureInfo.InvariantCulture);
}
