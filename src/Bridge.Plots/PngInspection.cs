using SkiaSharp;

namespace Bridge.Plots;

/// <summary>
/// What a PNG file holds, for checking a picture without looking at it: whether it decodes, its size, and how much
/// of it differs from its background colour (a blank or single-colour picture has none).
/// </summary>
public sealed record PngInspection(int Width, int Height, int DistinctColors, double InkFraction)
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when the picture shows something: several colours and at least 0.5% of pixels off the background.</summary>
    public bool LooksDrawn => DistinctColors >= 3 && InkFraction >= 0.005;

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable PNG.</exception>
    public static PngInspection Of(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No picture at {path}.", path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new InvalidDataException($"{path} is not a PNG file (its first bytes are not the PNG signature).");
        using var bitmap = SKBitmap.Decode(bytes)
            ?? throw new InvalidDataException($"{path} has a PNG signature but does not decode.");
        var colors = new HashSet<uint>();
        var counts = new Dictionary<uint, int>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                uint c = (uint)bitmap.GetPixel(x, y);
                colors.Add(c);
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        int background = counts.Values.Max();
        int total = bitmap.Width * bitmap.Height;
        return new PngInspection(bitmap.Width, bitmap.Height, colors.Count, total == 0 ? 0 : 1.0 - (double)background / total);
    }
}
