using ScottPlot;

namespace Bridge.Plots;

/// <summary>Two-dimensional points (a data set, PCA components, an autoencoder's code) coloured by class.</summary>
public static class ClassScatterChart
{
    public static Plot Create(string title, Matrix points, ReadOnlySpan<int> labels, int classCount,
        IReadOnlyList<string>? classNames = null, string xLabel = "1", string yLabel = "2", double markerSize = 4)
    {
        if (points.Cols != 2) throw new ArgumentException($"A scatter needs 2 columns; the points are {points.ShapeText}.", nameof(points));
        if (labels.Length != points.Rows) throw new ArgumentException($"{points.Rows} points but {labels.Length} labels.", nameof(labels));
        var plot = new Plot();
        AddPoints(plot, points, labels, classCount, classNames, markerSize);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Outside the data area: a legend inside it hides whatever is plotted in its corner.
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    internal static void AddPoints(Plot plot, Matrix points, ReadOnlySpan<int> labels, int classCount,
        IReadOnlyList<string>? classNames, double markerSize)
    {
        for (int c = 0; c < classCount; c++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int n = 0; n < labels.Length; n++)
            {
                if (labels[n] != c) continue;
                xs.Add(points[n, 0]);
                ys.Add(points[n, 1]);
            }
            if (xs.Count == 0) continue;
            var series = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            series.Color = ClassColors.Of(c, classCount);
            series.MarkerSize = (float)markerSize;
            series.LegendText = classNames?[c] ?? c.ToString();
        }
    }
}
