using ScottPlot;

namespace Bridge.Plots;

/// <summary>Curves over a shared x axis: loss per epoch for several backends, error against noise level.</summary>
public static class LineChart
{
    /// <summary>One line per series; x is 1, 2, 3, … (epochs) unless given.</summary>
    public static Plot Create(string title, string xLabel, string yLabel,
        IEnumerable<(string Name, IReadOnlyList<double> Values)> series, IReadOnlyList<double>? xs = null, bool logY = false,
        IReadOnlyList<Color>? colors = null)
    {
        var plot = new Plot();
        int index = 0;
        var named = series.ToList();
        if (colors is not null && colors.Count != named.Count)
            throw new ArgumentException($"{named.Count} series but {colors.Count} colours.", nameof(colors));
        foreach (var (name, values) in named)
        {
            double[] x = xs?.ToArray() ?? Enumerable.Range(1, values.Count).Select(i => (double)i).ToArray();
            double[] y = values.Select(v => logY ? Math.Log10(Math.Max(v, 1e-300)) : v).ToArray();
            var line = plot.Add.Scatter(x, y);
            line.LegendText = name;
            line.Color = colors?[index] ?? ClassColors.Of(index, named.Count);
            index++;
            line.LineWidth = 2;
            line.MarkerSize = values.Count > 40 ? 0 : 4;
            // Several backends often trace the same curve; dashes keep the lower ones visible.
            if (index > 1) line.LinePattern = LinePattern.Dashed;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        // Outside the data area: a legend inside it hides whatever is plotted in its corner.
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Loss per epoch of several training runs, overlaid.</summary>
    public static Plot LossCurves(IEnumerable<(string Name, History History)> runs, string title = "Loss per epoch") =>
        Create(title, "epoch", "loss", runs.Select(r => (r.Name, (IReadOnlyList<double>)r.History.Losses())));
}
