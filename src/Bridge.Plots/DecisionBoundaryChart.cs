using ScottPlot;

namespace Bridge.Plots;

/// <summary>
/// What a classifier of two inputs decides everywhere in the plane: the background is coloured by the predicted
/// class (or, with one output, shaded by the output o from 0 to 1), the training points on top.
/// </summary>
public static class DecisionBoundaryChart
{
    /// <param name="predict">The model's outputs for a batch of 2-D inputs (for example <c>model.Forward</c>).</param>
    /// <param name="lines">Lines to draw over the shading: for example each hidden node's w1·x1 + w2·x2 + b = 0.</param>
    public static Plot Create(string title, Func<Matrix, Matrix> predict, Dataset data, int resolution = 150,
        double margin = 0.25, IReadOnlyList<NodeLine>? lines = null)
    {
        if (data.FeatureCount != 2) throw new ArgumentException($"A decision boundary needs 2 inputs; '{data.Name}' has {data.FeatureCount}.");
        if (data.Labels is null) throw new ArgumentException($"A decision boundary needs class labels; '{data.Name}' has none.");
        var (xMin, xMax) = Range(data.Features, 0, margin);
        var (yMin, yMax) = Range(data.Features, 1, margin);
        var grid = new Matrix(resolution * resolution, 2);
        for (int r = 0; r < resolution; r++)
            for (int c = 0; c < resolution; c++)
            {
                // Row 0 of a heatmap is drawn at the top, so it holds the largest y.
                grid[r * resolution + c, 0] = xMin + (xMax - xMin) * (c + 0.5) / resolution;
                grid[r * resolution + c, 1] = yMax - (yMax - yMin) * (r + 0.5) / resolution;
            }
        var outputs = predict(grid);
        var plot = new Plot();
        var cells = new double[resolution, resolution];
        bool single = outputs.Cols == 1;
        var classes = single ? null : outputs.ArgMaxPerRow();
        for (int r = 0; r < resolution; r++)
            for (int c = 0; c < resolution; c++)
                cells[r, c] = single ? outputs[r * resolution + c, 0] : classes![r * resolution + c];
        var heatmap = plot.Add.Heatmap(cells);
        // Rectangle sets the outer edges of the cells (Extent would set their centres and overhang by half a cell).
        heatmap.Rectangle = new CoordinateRect(xMin, xMax, yMin, yMax);
        if (single)
        {
            heatmap.Colormap = new TwoClassColormap();
            heatmap.ManualRange = new ScottPlot.Range(0, 1);
            // The shading is a number, the net's output o: without its scale a reader cannot tell 0.6 from 0.9.
            var scale = plot.Add.ColorBar(heatmap);
            scale.Label = "net output o";
        }
        else
        {
            heatmap.Colormap = new ClassColormap(data.ClassCount);
            heatmap.ManualRange = new ScottPlot.Range(0, data.ClassCount - 1);
        }
        for (int l = 0; l < (lines?.Count ?? 0); l++)
        {
            var line = lines![l];
            // A node whose line misses the picture answers (nearly) the same everywhere in it: the legend says so,
            // and the segment drawn lies outside the axis limits.
            var inside = line.Within(xMin, xMax, yMin, yMax);
            double far = 1e6 * Math.Max(xMax - xMin, yMax - yMin);
            var segment = inside ?? line.Within(xMin - far, xMax + far, yMin - far, yMax + far)
                                 ?? ((xMax + far, yMax + far), (xMax + 2 * far, yMax + 2 * far));
            var drawn = plot.Add.Line(segment.From.X, segment.From.Y, segment.To.X, segment.To.Y);
            drawn.LineColor = NodeLineColors[l % NodeLineColors.Length];
            drawn.LineWidth = 2;
            drawn.LinePattern = LinePattern.Dashed;
            drawn.LegendText = inside is null ? $"{line.Label}: outside" : line.Label;
        }
        ClassScatterChart.AddPoints(plot, data.Features, data.Labels, data.ClassCount, data.ClassNames, markerSize: 7);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Title(title);
        plot.XLabel("x1");
        plot.YLabel("x2");
        // Outside the plane, so that it hides neither points nor shading.
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Dark, distinct from the class colours and from one another, so the lines read on any shading.</summary>
    internal static readonly Color[] NodeLineColors =
        [new(0x22, 0x22, 0x22), new(0x6a, 0x3d, 0x9a), new(0x8c, 0x2d, 0x04), new(0x00, 0x5a, 0x32), new(0x99, 0x00, 0x4c), new(0x00, 0x3c, 0x78)];

    private static (double Min, double Max) Range(Matrix m, int col, double margin)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int r = 0; r < m.Rows; r++)
        {
            min = Math.Min(min, m[r, col]);
            max = Math.Max(max, m[r, col]);
        }
        double pad = Math.Max(max - min, 1e-9) * margin;
        return (min - pad, max + pad);
    }

    /// <summary>
    /// How much of a class colour the shading takes: pale enough for the points to stand out on it. The colour maps
    /// are pale themselves (rather than the heatmap translucent) so that the colour scale shows the colours drawn.
    /// </summary>
    private const double ShadingStrength = 0.45;

    private static Color Pale(Color color, double weight)
    {
        byte Mix(byte channel) => (byte)Math.Round(255 + (channel - 255) * weight * ShadingStrength);
        return new Color(Mix(color.R), Mix(color.G), Mix(color.B));
    }

    /// <summary>Class k's colour for intensity k/(K − 1).</summary>
    private sealed class ClassColormap(int classCount) : IColormap
    {
        public string Name => "classes";

        public Color GetColor(double normalizedIntensity)
        {
            int k = (int)Math.Round(Math.Clamp(normalizedIntensity, 0, 1) * (classCount - 1));
            return Pale(ClassColors.Of(k, classCount), 1);
        }
    }

    /// <summary>From class 0's colour (o = 0) through white (o = 0.5) to class 1's colour (o = 1).</summary>
    private sealed class TwoClassColormap : IColormap
    {
        public string Name => "two classes";

        public Color GetColor(double normalizedIntensity)
        {
            double t = Math.Clamp(normalizedIntensity, 0, 1);
            var end = t < 0.5 ? ClassColors.Of(0, 2) : ClassColors.Of(1, 2);
            return Pale(end, Math.Abs(t - 0.5) * 2);
        }
    }
}
