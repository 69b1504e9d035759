using Bridge.Data;
using ScottPlot;

namespace Bridge.Plots.Tests;

/// <summary>
/// What a reader sees, checked on the rendered pixels: text readable on its cell, cells under their tick labels and
/// inside the picture, square pixels stay square, legends beside the data rather than on it, a scale for every shading.
/// </summary>
public sealed class ReadabilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-readable-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Renders <paramref name="plot"/>; with BRIDGE_KEEP_PICTURES=FOLDER the picture is kept there to be looked at.</summary>
    private PngPixels Render(Plot plot, string name, int width, int height)
    {
        string path = Picture.SavePng(plot, Path.Combine(_folder, name + ".png"), width, height);
        if (Environment.GetEnvironmentVariable("BRIDGE_KEEP_PICTURES") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(path, Path.Combine(keep, name + ".png"), overwrite: true);
        }
        return PngPixels.Of(path);
    }

    private static (int X, int Y) PixelOf(Plot plot, double x, double y)
    {
        var p = plot.GetPixel(new Coordinates(x, y));
        return ((int)Math.Round(p.X), (int)Math.Round(p.Y));
    }

    private static PixelRect DataArea(Plot plot) => plot.RenderManager.LastRender.DataRect;

    /// <summary>Ten classes, each mostly right, a few mistakes, and one class never confused: every shade from white to full.</summary>
    private static ConfusionMatrix TenDigits()
    {
        var actual = new List<int>();
        var predicted = new List<int>();
        var rng = new Rng(5);
        for (int c = 0; c < 10; c++)
            for (int n = 0; n < 45; n++)
            {
                actual.Add(c);
                predicted.Add(c == 9 || rng.Uniform(0, 1) < 0.85 ? c : (c + 1 + (int)(rng.Uniform(0, 1) * 3)) % 10);
            }
        return ConfusionMatrix.From(actual.ToArray(), predicted.ToArray(), 10);
    }

    [Fact]
    public void Every_count_of_the_confusion_matrix_reads_on_its_cell()
    {
        var confusion = TenDigits();
        var plot = ConfusionMatrixChart.Create("digits", confusion);
        var png = Render(plot, "confusion", 560, 520);
        for (int a = 0; a < 10; a++)
            for (int p = 0; p < 10; p++)
            {
                var (left, top) = PixelOf(plot, p - 0.4, 9 - a + 0.4);
                var (right, bottom) = PixelOf(plot, p + 0.4, 9 - a - 0.4);
                var cell = png.Dominant(left, top, right, bottom);
                double best = png.In(left, top, right, bottom).Max(c => Contrast.Ratio(c, cell));
                Assert.True(best >= 4.5, $"the count {confusion[a, p]} in cell ({a}, {p}) has contrast {best:F1} against its cell {cell}");
            }
    }

    [Fact]
    public void Confusion_cells_sit_on_their_tick_labels_and_the_last_one_is_whole()
    {
        // Only the diagonal is filled: each diagonal cell is dark all over, its right-hand neighbour white.
        var confusion = ConfusionMatrix.From([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10);
        var plot = ConfusionMatrixChart.Create("diagonal", confusion);
        var png = Render(plot, "confusion-diagonal", 560, 520);
        var area = DataArea(plot);
        var full = ConfusionMatrixChart.Shading.GetColor(1);
        for (int c = 0; c < 10; c++)
        {
            foreach (var (dx, dy) in new[] { (-0.42, -0.42), (-0.42, 0.42), (0.42, -0.42), (0.42, 0.42) })
            {
                var (x, y) = PixelOf(plot, c + dx, 9 - c + dy);
                Assert.True(x > area.Left && x < area.Right && y > area.Top && y < area.Bottom, $"corner of cell {c}/{c} at ({x}, {y}) is outside the plot {area}");
                Assert.True(PngPixels.Distance(png.At(x, y), (full.R, full.G, full.B)) < 10,
                    $"near the corner of cell {c}/{c} the colour is {png.At(x, y)}, not the full-row shade: cells are off their ticks");
            }
        }
        var (ox, oy) = PixelOf(plot, 1.42, 9 - 0 + 0.42);   // inside cell (0, 1): none
        Assert.True(PngPixels.Distance(png.At(ox, oy), (255, 255, 255)) < 10, $"cell 0/1 is {png.At(ox, oy)}, not white");
    }

    [Fact]
    public void An_image_grid_keeps_each_image_in_proportion()
    {
        // Each 8×8 image is inked in its left half: a 4 wide, 8 high block, whatever the size of the picture.
        var half = Enumerable.Range(0, 64).Select(i => i % 8 < 4 ? 1.0 : 0.0).ToArray();
        foreach (var (width, height) in new[] { (720, 420), (400, 700) })
        {
            var plot = ImageGridChart.Create("halves", [half, half, half], new ImageShape(8, 8), columns: 3);
            var png = Render(plot, $"grid-{width}x{height}", width, height);
            var dark = new List<(int X, int Y)>();
            for (int y = 0; y < png.Height; y++)
                for (int x = 0; x < png.Width / 3; x++)   // the first image's third of the picture
                    if (png.At(x, y).R < 60) dark.Add((x, y));
            Assert.NotEmpty(dark);
            double w = dark.Max(p => p.X) - dark.Min(p => p.X) + 1, h = dark.Max(p => p.Y) - dark.Min(p => p.Y) + 1;
            Assert.InRange(h / w, 1.8, 2.2);
        }
    }

    [Fact]
    public void Captions_stand_above_their_images_without_covering_them()
    {
        var half = Enumerable.Range(0, 64).Select(i => i % 8 < 4 ? 1.0 : 0.0).ToArray();
        var plot = ImageGridChart.Create("captioned", [half, half, half], new ImageShape(8, 8), columns: 3, captions: ["5→9", "1→8", "3→5"]);
        var png = Render(plot, "grid-captions", 720, 420);
        // The first image's inked half: its bounding box is dark all through, no caption drawn over it.
        var dark = new List<(int X, int Y)>();
        for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width / 3; x++)
                if (png.At(x, y).R < 60 && png.At(x, y).G < 60) dark.Add((x, y));
        int left = dark.Min(p => p.X) + 1, right = dark.Max(p => p.X) - 1, top = dark.Min(p => p.Y) + 1, bottom = dark.Max(p => p.Y) - 1;
        var light = png.In(left, top, right, bottom).Count(c => c.R >= 60);
        Assert.True(light == 0, $"{light} pixels inside the inked block ({left}..{right}, {top}..{bottom}) are not ink: a caption covers the image");
        // The caption is there, in dark red, above the block.
        Assert.Contains(png.In(left, 0, right + 1, top), c => c.R > 100 && c.G < 60 && c.B < 60);
    }

    [Fact]
    public void A_legend_covers_no_point_of_a_scatter()
    {
        // Points in every corner, the upper right included, where a legend inside the plot would sit.
        var rng = new Rng(2);
        int n = 400;
        var points = new Matrix(n, 2);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 10;
            points[i, 0] = rng.Uniform(0, 1);
            points[i, 1] = rng.Uniform(0, 1);
        }
        var plot = ClassScatterChart.Create("everywhere", points, labels, 10, markerSize: 5);
        var png = Render(plot, "scatter", 520, 480);
        AssertEveryPointShows(plot, png, Enumerable.Range(0, n).Select(i => (points[i, 0], points[i, 1], ClassColors.Of(labels[i], 10))));
    }

    [Fact]
    public void A_legend_covers_no_point_of_a_line_chart()
    {
        // Accuracy per epoch: both curves end high on the right, in the upper right corner.
        double[] training = Enumerable.Range(1, 30).Select(e => 1 - 0.9 / e).ToArray();
        double[] test = Enumerable.Range(1, 30).Select(e => 0.98 - 0.9 / e).ToArray();
        var plot = LineChart.Create("accuracy", "epoch", "accuracy", [("training", training), ("test", test)]);
        var png = Render(plot, "lines", 640, 480);
        AssertEveryPointShows(plot, png, training.Select((v, e) => (e + 1.0, v, ClassColors.Of(0, 2)))
            .Concat(test.Select((v, e) => (e + 1.0, v, ClassColors.Of(1, 2)))));
    }

    private static void AssertEveryPointShows(Plot plot, PngPixels png, IEnumerable<(double X, double Y, Color Color)> points)
    {
        foreach (var (x, y, color) in points)
        {
            var (px, py) = PixelOf(plot, x, y);
            // The point's own colour, or another point's drawn over it: anything but the page or a legend's white.
            var seen = png.In(px - 1, py - 1, px + 2, py + 2).ToList();
            Assert.True(seen.Any(c => PngPixels.Distance(c, (255, 255, 255)) > 60),
                $"the point ({x:F2}, {y:F2}) at pixel ({px}, {py}) does not show: something white is drawn over it");
        }
    }

    private static Dataset TwoClusters()
    {
        var rng = new Rng(3);
        var features = new Matrix(40, 2);
        var labels = new int[40];
        for (int n = 0; n < 40; n++)
        {
            labels[n] = n % 2;
            features[n, 0] = rng.Normal(labels[n] * 3, 0.4);
            features[n, 1] = rng.Normal(labels[n] * 3, 0.4);
        }
        return Dataset.Classification("clusters", features, labels, 2);
    }

    private static Matrix Sigmoid(Matrix x)
    {
        var o = new Matrix(x.Rows, 1);
        for (int n = 0; n < x.Rows; n++) o[n, 0] = ActivationFunctions.Sigmoid(2 * (x[n, 0] + x[n, 1] - 3));
        return o;
    }

    [Fact]
    public void A_shaded_boundary_has_a_colour_scale_beside_it()
    {
        var plot = DecisionBoundaryChart.Create("o", Sigmoid, TwoClusters());
        var png = Render(plot, "boundary-scale", 640, 480);
        var area = DataArea(plot);
        // Somewhere right of the plane, one column runs through the shades of o from 0 to 1.
        int best = 0;
        for (int x = (int)area.Right + 2; x < png.Width; x++)
            best = Math.Max(best, png.In(x, (int)area.Top, x + 1, (int)area.Bottom).Distinct().Count());
        Assert.True(best >= 100, $"no colour scale beside the shading: the richest column right of the plot has {best} colours");
    }

    [Fact]
    public void The_hidden_nodes_lines_are_drawn_where_their_net_input_is_zero()
    {
        var data = TwoClusters();
        // Node 1: x1 = x2 (through the empty middle between the clusters); node 2: x1 + x2 = 3.
        NodeLine[] lines = [new("node 1", 1, -1, 0), new("node 2", 1, 1, -3)];
        var plot = DecisionBoundaryChart.Create("lines", Sigmoid, data, lines: lines);
        var png = Render(plot, "boundary-lines", 640, 480);
        foreach (var (line, at) in lines.Zip(new[] { (0.8, 0.8), (2.2, 0.8) }))
        {
            int index = Array.IndexOf(lines, line);
            var color = DecisionBoundaryChart.NodeLineColors[index];
            var (px, py) = PixelOf(plot, at.Item1, at.Item2);
            // The line is dashed: somewhere within a few pixels along it, its colour.
            var near = new List<(byte R, byte G, byte B)>();
            for (int d = -12; d <= 12; d++)
            {
                double t = d * 0.02;
                var (qx, qy) = PixelOf(plot, at.Item1 + t, at.Item2 + (index == 0 ? t : -t));
                near.AddRange(png.In(qx - 1, qy - 1, qx + 2, qy + 2));
            }
            Assert.True(near.Any(c => PngPixels.Distance(c, (color.R, color.G, color.B)) < 40), $"{line.Label}'s line is not drawn at ({px}, {py})");
        }
        // A node whose line misses the picture is named in the legend as outside, and does not widen the axes.
        var withOutside = DecisionBoundaryChart.Create("outside", Sigmoid, data, lines: [.. lines, new("node 3", 1, 0, -100)]);
        Render(withOutside, "boundary-outside", 640, 480);
        Assert.Contains(withOutside.GetPlottables().OfType<ScottPlot.Plottables.LinePlot>(), p => p.LegendText == "node 3: outside");
        var limits = withOutside.Axes.GetLimits();
        Assert.True(limits.Right < 10 && limits.Left > -10, $"the axes widened to {limits}");
        Assert.Null(new NodeLine("off", 1, 0, -100).Within(0, 1, 0, 1));
        Assert.Null(new NodeLine("ignores both inputs", 0, 0, 1).Within(0, 1, 0, 1));
    }

    [Fact]
    public void Errors_hang_below_a_drawn_tolerance_line_and_a_failure_rises_above_it()
    {
        var plot = ToleranceChart.Create("gradients", ["dense_0", "dense_1"],
            [("torch", [(1e-15, 1e-10), (0.0, 1e-10)]), ("keras", [(1e-12, 1e-10), (1e-6, 1e-10)])]);
        var png = Render(plot, "tolerance", 800, 400);
        var red = ToleranceChart.ToleranceColor;
        double width = 0.8 / 2;
        double Position(int group, int series) => group - 0.4 + width * (series + 0.5);
        // The tolerance line between the groups, at 0.
        var (lx, ly) = PixelOf(plot, 0.5, 0);
        Assert.Contains(png.In(lx - 2, ly - 2, lx + 3, ly + 3), c => PngPixels.Distance(c, (red.R, red.G, red.B)) < 30);
        // torch at dense_0: 1e-15 is five orders below 1e-10, so its bar fills the space from 0 down to −5.
        var torch = ClassColors.Of(0, 2);
        var (tx, ty) = PixelOf(plot, Position(0, 0), -4);
        Assert.True(PngPixels.Distance(png.At(tx, ty), (torch.R, torch.G, torch.B)) < 10, $"torch's bar is not below the line: {png.At(tx, ty)}");
        // keras at dense_1 fails by four orders: a red bar above the line.
        var (kx, ky) = PixelOf(plot, Position(1, 1), 2);
        Assert.True(PngPixels.Distance(png.At(kx, ky), (red.R, red.G, red.B)) < 10, $"keras's failing bar is not red above the line: {png.At(kx, ky)}");
        // Every bar says its error.
        var labels = plot.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().SelectMany(b => b.Bars).Select(b => b.Label).ToList();
        Assert.Equal(["1.0e-15", "0 (exact)", "1.0e-12", "1.0e-6 fails"], labels);
    }

    [Fact]
    public void Bars_print_their_values()
    {
        var plot = BarChart.Create("accuracy", "accuracy", [("managed", 0.9749), ("torch", 0.9749)], valueText: v => v.ToString("P2"));
        Render(plot, "bars", 640, 400);
        var labels = plot.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().SelectMany(b => b.Bars).Select(b => b.Label).ToList();
        Assert.Equal([0.9749.ToString("P2"), 0.9749.ToString("P2")], labels);
    }
}
