using Bridge.Data;
using Bridge.Plots;

namespace Bridge.Plots.Tests;

/// <summary>Every chart renders to a PNG that decodes and shows something, and bad input is refused by name.</summary>
public sealed class ChartRenderingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-plots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_folder, name);

    private static Dataset TwoClusters()
    {
        var rng = new Rng(3);
        var features = new Matrix(40, 2);
        var labels = new int[40];
        for (int n = 0; n < 40; n++)
        {
            labels[n] = n % 2;
            features[n, 0] = rng.Normal(labels[n] * 3, 0.5);
            features[n, 1] = rng.Normal(labels[n] * 3, 0.5);
        }
        return Dataset.Classification("clusters", features, labels, 2);
    }

    [Fact]
    public void Line_chart_of_two_runs_is_drawn()
    {
        var plot = LineChart.Create("loss", "epoch", "loss", [("a", [3.0, 2, 1]), ("b", [3.0, 2.5, 2])]);
        var png = PngInspection.Of(Picture.SavePng(plot, Path("line.png"), 400, 300));
        Assert.Equal((400, 300), (png.Width, png.Height));
        Assert.True(png.LooksDrawn, $"{png}");
    }

    [Fact]
    public void Decision_boundary_shades_both_classes()
    {
        var data = TwoClusters();
        // A fixed rule stands in for a model: class 1 above the line x1 + x2 = 3.
        Matrix Rule(Matrix x)
        {
            var o = new Matrix(x.Rows, 1);
            for (int n = 0; n < x.Rows; n++) o[n, 0] = ActivationFunctions.Sigmoid(4 * (x[n, 0] + x[n, 1] - 3));
            return o;
        }
        var png = PngInspection.Of(Picture.SavePng(DecisionBoundaryChart.Create("rule", Rule, data), Path("boundary.png")));
        Assert.True(png.LooksDrawn);
        Assert.True(png.DistinctColors > 50, "the shading should blend many tones");
    }

    [Fact]
    public void Multi_class_boundary_and_scatter_and_confusion_matrix_are_drawn()
    {
        var data = TwoClusters();
        Matrix Argmax(Matrix x)
        {
            var o = new Matrix(x.Rows, 2);
            for (int n = 0; n < x.Rows; n++) o[n, x[n, 0] > 1.5 ? 1 : 0] = 1;
            return o;
        }
        Assert.True(PngInspection.Of(Picture.SavePng(DecisionBoundaryChart.Create("b", Argmax, data), Path("b.png"))).LooksDrawn);
        Assert.True(PngInspection.Of(Picture.SavePng(
            ClassScatterChart.Create("s", data.Features, data.Labels, 2), Path("s.png"))).LooksDrawn);
        var confusion = ConfusionMatrix.From([0, 0, 1, 1], [0, 1, 1, 1], 2);
        Assert.True(PngInspection.Of(Picture.SavePng(ConfusionMatrixChart.Create("c", confusion), Path("c.png"))).LooksDrawn);
    }

    [Fact]
    public void Image_grid_and_bars_and_side_by_side_are_drawn()
    {
        var images = Enumerable.Range(0, 6).Select(k => Enumerable.Range(0, 64).Select(p => (double)((p + k) % 9)).ToArray()).ToList();
        var grid = ImageGridChart.Create("digits", images, new ImageShape(8, 8), 3, ["0", "1", "2", "3", "4", "5"]);
        var bars = BarChart.Create("accuracy", "accuracy", [("managed", 0.97), ("torch", 0.96)]);
        var grouped = BarChart.Grouped("error", "relative error", ["dense_0", "dense_1"],
            [("torch", [1e-15, 2e-15]), ("keras", [3e-8, 1e-7])], logY: true);
        var path = Picture.SaveSideBySide(Path("panels.png"), 300, 300, grid, bars, grouped);
        var png = PngInspection.Of(path);
        Assert.Equal(900, png.Width);
        Assert.True(png.LooksDrawn);
        Assert.StartsWith("data:image/png;base64,", Picture.PngDataUri(bars, 100, 100));
    }

    [Fact]
    public void Inspection_tells_blank_and_broken_pictures_apart()
    {
        var blank = new ScottPlot.Plot();
        blank.Layout.Frameless();
        blank.HideGrid();
        blank.Axes.Frameless();
        Assert.False(PngInspection.Of(Picture.SavePng(blank, Path("blank.png"), 50, 50)).LooksDrawn);

        File.WriteAllBytes(Path("not.png"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.Contains("not a PNG", Assert.Throws<InvalidDataException>(() => PngInspection.Of(Path("not.png"))).Message);
        Assert.Throws<FileNotFoundException>(() => PngInspection.Of(Path("missing.png")));
    }

    [Fact]
    public void Bad_input_is_refused_with_a_reason()
    {
        Assert.Contains("2 columns", Assert.Throws<ArgumentException>(
            () => ClassScatterChart.Create("s", new Matrix(3, 3), [0, 1, 0], 2)).Message);
        Assert.Contains("pixels", Assert.Throws<ArgumentException>(
            () => ImageGridChart.Create("g", [new double[5]], new ImageShape(2, 2), 1)).Message);
        var threeD = Dataset.Classification("3d", new Matrix(2, 3), [0, 1], 2);
        Assert.Contains("2 inputs", Assert.Throws<ArgumentException>(
            () => DecisionBoundaryChart.Create("b", x => x, threeD)).Message);
    }
}
