using Bridge.Data;
using ScottPlot;

namespace Bridge.Plots;

/// <summary>
/// Small images in a grid (digits, clothes, reconstructions, first-layer weights), each with an optional caption.
/// </summary>
public static class ImageGridChart
{
    /// <param name="images">Row-major pixel values, one array per image.</param>
    /// <param name="inkIsHigh">Draw high values dark (ink on paper), as digits are read.</param>
    /// <param name="scaleEachImage">Stretch each image to its own range (for weights, whose scale varies).</param>
    public static Plot Create(string title, IReadOnlyList<double[]> images, ImageShape shape, int columns,
        IReadOnlyList<string>? captions = null, bool inkIsHigh = true, bool scaleEachImage = false)
    {
        if (images.Count == 0) throw new ArgumentException("No images to draw.", nameof(images));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), "At least one column.");
        int pixels = shape.Width * shape.Height;
        foreach (var image in images)
            if (image.Length != pixels)
                throw new ArgumentException($"A {shape.Width}×{shape.Height} image has {pixels} pixels; one image has {image.Length}.");
        int rows = (images.Count + columns - 1) / columns;
        const int gap = 1;
        // Captions get a band of their own above each image, so that they never cover a pixel of it.
        int band = captions is null ? 0 : Math.Max(3, shape.Height / 3);
        int cellWidth = shape.Width + gap, cellHeight = shape.Height + gap + band;
        var cells = new double[rows * cellHeight, columns * cellWidth];
        for (int r = 0; r < cells.GetLength(0); r++)
            for (int c = 0; c < cells.GetLength(1); c++)
                cells[r, c] = double.NaN;
        double globalMin = images.Min(i => i.Min()), globalMax = images.Max(i => i.Max());
        for (int k = 0; k < images.Count; k++)
        {
            var image = images[k];
            double min = scaleEachImage ? image.Min() : globalMin;
            double max = scaleEachImage ? image.Max() : globalMax;
            double span = max - min == 0 ? 1 : max - min;
            int top = (k / columns) * cellHeight + band, left = (k % columns) * cellWidth;
            for (int y = 0; y < shape.Height; y++)
                for (int x = 0; x < shape.Width; x++)
                    cells[top + y, left + x] = (image[y * shape.Width + x] - min) / span;
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = inkIsHigh ? new ScottPlot.Colormaps.GrayscaleReversed() : new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.NaNCellColor = Colors.White;
        // Rectangle sets the outer edges of the pixels (Extent would set their centres and overhang by half a pixel).
        heatmap.Rectangle = new CoordinateRect(0, cells.GetLength(1), 0, cells.GetLength(0));
        if (captions is not null)
            for (int k = 0; k < Math.Min(captions.Count, images.Count); k++)
            {
                int row = k / columns, col = k % columns;
                var text = plot.Add.Text(captions[k], col * cellWidth + shape.Width / 2.0, cells.GetLength(0) - row * cellHeight - band / 2.0);
                text.LabelFontSize = 12;
                text.LabelFontColor = Colors.DarkRed;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        plot.Axes.SetLimits(0, cells.GetLength(1), 0, cells.GetLength(0));
        // A pixel is as wide as it is high, whatever the picture's size: an 8×8 digit stays square.
        plot.Axes.SquareUnits();
        plot.HideGrid();
        plot.Axes.Frameless();
        plot.Title(title);
        return plot;
    }
}
