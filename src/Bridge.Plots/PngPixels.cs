using SkiaSharp;

namespace Bridge.Plots;

/// <summary>
/// A decoded PNG's pixels, for checking what a reader would see at a place in a picture: the colour under a cell's
/// text, the width and height of a drawn image, whether a legend hides a point.
/// </summary>
public sealed class PngPixels
{
    private readonly uint[] _argb;

    private PngPixels(int width, int height, uint[] argb)
    {
        Width = width;
        Height = height;
        _argb = argb;
    }

    public int Width { get; }
    public int Height { get; }

    public static PngPixels Of(string path) => Decode(File.ReadAllBytes(path), path);

    public static PngPixels Decode(byte[] png, string what = "the picture")
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException($"{what} does not decode as an image.");
        var argb = new uint[bitmap.Width * bitmap.Height];
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                argb[y * bitmap.Width + x] = (uint)bitmap.GetPixel(x, y);
        return new PngPixels(bitmap.Width, bitmap.Height, argb);
    }

    /// <summary>The colour at (x, y), counted from the top left; alpha is ignored (pictures here are opaque).</summary>
    public (byte R, byte G, byte B) At(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {Width}×{Height} picture.");
        uint c = _argb[y * Width + x];
        return ((byte)(c >> 16), (byte)(c >> 8), (byte)c);
    }

    /// <summary>Every pixel of the rectangle [left, right) × [top, bottom), clipped to the picture.</summary>
    public IEnumerable<(byte R, byte G, byte B)> In(int left, int top, int right, int bottom)
    {
        for (int y = Math.Max(0, top); y < Math.Min(Height, bottom); y++)
            for (int x = Math.Max(0, left); x < Math.Min(Width, right); x++)
                yield return At(x, y);
    }

    /// <summary>The most frequent colour of a rectangle: a cell's background under its text.</summary>
    public (byte R, byte G, byte B) Dominant(int left, int top, int right, int bottom) =>
        In(left, top, right, bottom).GroupBy(c => c).MaxBy(g => g.Count())!.Key;

    /// <summary>How far apart two colours are: the largest difference of one channel.</summary>
    public static int Distance((byte R, byte G, byte B) a, (byte R, byte G, byte B) b) =>
        Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));
}
