using ScottPlot;

namespace Bridge.Plots;

/// <summary>One bar per name: accuracy per backend, error per layer.</summary>
public static class BarChart
{
    /// <param name="valueText">The text printed on each bar (default: the value, up to four decimals).</param>
    public static Plot Create(string title, string yLabel, IReadOnlyList<(string Label, double Value)> bars, bool logY = false,
        Func<double, string>? valueText = null)
    {
        var plot = new Plot();
        var values = bars.Select(b => logY ? Math.Log10(Math.Max(b.Value, 1e-300)) : b.Value).ToArray();
        var added = plot.Add.Bars(values);
        for (int i = 0; i < added.Bars.Count; i++)
        {
            added.Bars[i].FillColor = ClassColors.Of(i, bars.Count);
            // Bars of nearly equal height look identical: the printed value is what tells them apart.
            added.Bars[i].Label = valueText?.Invoke(bars[i].Value) ?? bars[i].Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
        }
        added.ValueLabelStyle.FontSize = 14;
        var ticks = bars.Select((b, i) => new Tick(i, b.Label)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Title(title);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        if (!logY) plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>Grouped bars: for each group (a layer), one bar per series (a backend).</summary>
    public static Plot Grouped(string title, string yLabel, IReadOnlyList<string> groups,
        IReadOnlyList<(string Series, IReadOnlyList<double> Values)> series, bool logY = false)
    {
        var plot = new Plot();
        double width = 0.8 / Math.Max(1, series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups.Count; g++)
            {
                double v = series[s].Values[g];
                double shown = logY ? Math.Log10(Math.Max(v, 1e-300)) : v;
                bars.Add(new Bar
                {
                    Position = g - 0.4 + width * (s + 0.5),
                    Value = shown,
                    ValueBase = logY ? Math.Min(0, Math.Floor(shown)) - 1 : 0,
                    Size = width * 0.9,
                    FillColor = ClassColors.Of(s, series.Count),
                });
            }
            var added = plot.Add.Bars(bars);
            added.LegendText = series[s].Series;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            groups.Select((g, i) => new Tick(i, g)).ToArray());
        plot.Title(title);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        // Outside the data area: a legend inside it hides whatever is plotted in its corner.
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
