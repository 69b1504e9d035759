using ScottPlot;

namespace Bridge.Plots;

/// <summary>
/// Text legibility as the WCAG defines it: the contrast ratio of two colours from their relative luminance,
/// 1 (the same colour) to 21 (black on white). 4.5 is the accepted minimum for normal text.
/// </summary>
public static class Contrast
{
    public static double RelativeLuminance(byte r, byte g, byte b)
    {
        static double Linear(byte channel)
        {
            double c = channel / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
    }

    public static double Ratio((byte R, byte G, byte B) a, (byte R, byte G, byte B) b)
    {
        double la = RelativeLuminance(a.R, a.G, a.B), lb = RelativeLuminance(b.R, b.G, b.B);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>Black or white, whichever reads better on <paramref name="background"/>.</summary>
    public static Color ReadableOn(Color background)
    {
        var bg = (background.R, background.G, background.B);
        return Ratio(bg, (0, 0, 0)) >= Ratio(bg, (255, 255, 255)) ? Colors.Black : Colors.White;
    }
}
