using ScottPlot;

namespace Bridge.Plots;

/// <summary>One colour per class, the same in every picture, distinguishable for colour-blind readers up to 8 classes.</summary>
public static class ClassColors
{
    private static readonly IPalette Few = new ScottPlot.Palettes.ColorblindFriendly();
    private static readonly IPalette Many = new ScottPlot.Palettes.Category10();

    public static Color Of(int classIndex, int classCount) =>
        (classCount <= 8 ? Few : Many).GetColor(classIndex);
}
