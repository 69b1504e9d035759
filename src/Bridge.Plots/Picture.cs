using Bridge.Formats;
using ScottPlot;

namespace Bridge.Plots;

/// <summary>Saving charts: PNG files (written atomically), side-by-side panels, and data URIs for HTML pages.</summary>
public static class Picture
{
    /// <summary>Writes <paramref name="plot"/> as a PNG to <paramref name="path"/>, through a temporary file and a rename.</summary>
    public static string SavePng(Plot plot, string path, int width = 640, int height = 480) =>
        WriteAtomically(path, plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>Several charts in one row, each <paramref name="panelWidth"/> wide, saved as one PNG.</summary>
    public static string SaveSideBySide(string path, int panelWidth, int height, params Plot[] plots)
    {
        if (plots.Length == 0) throw new ArgumentException("Nothing to save: no plots given.", nameof(plots));
        var multiplot = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        string temporary = TemporaryPathFor(path);
        try
        {
            multiplot.SavePng(temporary, panelWidth * plots.Length, height);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return path;
    }

    /// <summary>The chart as a data URI (data:image/png;base64,…) to embed in a self-contained HTML page.</summary>
    /// <param name="scale">Pixels per layout unit: 2 draws a <paramref name="width"/> × <paramref name="height"/> chart with
    /// twice the pixels, sharp where a page shows it at its nominal size on a high-density screen or zoomed.</param>
    public static string PngDataUri(Plot plot, int width = 640, int height = 400, double scale = 1)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), $"The scale must be positive; {scale} given.");
        plot.ScaleFactor = (float)scale;
        return "data:image/png;base64," + Convert.ToBase64String(
            plot.GetImageBytes((int)Math.Round(width * scale), (int)Math.Round(height * scale), ImageFormat.Png));
    }

    internal static string WriteAtomically(string path, byte[] bytes)
    {
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    private static string TemporaryPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp.png");
    }
}
