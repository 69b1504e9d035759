using ScottPlot;

namespace Bridge.Plots;

/// <summary>A confusion matrix as a heatmap with the count in every cell: rows actual classes, columns predicted ones.</summary>
public static class ConfusionMatrixChart
{
    /// <summary>The shading: white for none of the row, navy for all of it.</summary>
    internal static readonly IColormap Shading = new WhiteToNavy();

    public static Plot Create(string title, ConfusionMatrix confusion)
    {
        int k = confusion.ClassCount;
        var cells = new double[k, k];
        for (int a = 0; a < k; a++)
        {
            double rowTotal = 0;
            for (int p = 0; p < k; p++) rowTotal += confusion[a, p];
            // Shading by the share of the row keeps rare classes readable next to frequent ones.
            for (int p = 0; p < k; p++) cells[a, p] = rowTotal == 0 ? 0 : confusion[a, p] / rowTotal;
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = Shading;
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // Rectangle sets the heatmap's outer edges, so cell (a, p) is centred on (p, k − 1 − a), where its tick labels are.
        heatmap.Rectangle = new CoordinateRect(-0.5, k - 0.5, -0.5, k - 0.5);
        for (int a = 0; a < k; a++)
            for (int p = 0; p < k; p++)
            {
                var text = plot.Add.Text(confusion[a, p].ToString(), p, k - 1 - a);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = k > 12 ? 8 : 12;
                // The text colour follows the colour actually drawn under it, whatever the colour map.
                text.LabelFontColor = Contrast.ReadableOn(Shading.GetColor(cells[a, p]));
            }
        string Name(int c) => confusion.ClassNames?[c] ?? c.ToString();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, k).Select(c => new Tick(c, Name(c))).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, k).Select(c => new Tick(k - 1 - c, Name(c))).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.XLabel("predicted");
        plot.YLabel("actual");
        plot.Title(title);
        plot.HideGrid();
        return plot;
    }

    private sealed class WhiteToNavy : IColormap
    {
        public string Name => "white to navy";

        public Color GetColor(double normalizedIntensity)
        {
            double t = Math.Clamp(double.IsNaN(normalizedIntensity) ? 0 : normalizedIntensity, 0, 1);
            byte Mix(byte navy) => (byte)Math.Round(255 + (navy - 255) * t);
            return new Color(Mix(8), Mix(48), Mix(107));
        }
    }
}
