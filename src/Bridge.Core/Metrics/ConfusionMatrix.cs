using System.Text;

namespace Bridge;

/// <summary>Counts[actual, predicted]: how often a sample of class <c>actual</c> was predicted as <c>predicted</c>.</summary>
public sealed class ConfusionMatrix
{
    private ConfusionMatrix(int[,] counts, IReadOnlyList<string>? classNames)
    {
        Counts = counts;
        ClassNames = classNames;
    }

    public int[,] Counts { get; }
    public IReadOnlyList<string>? ClassNames { get; }
    public int ClassCount => Counts.GetLength(0);

    public int this[int actual, int predicted] => Counts[actual, predicted];

    public int Total
    {
        get
        {
            int total = 0;
            foreach (int c in Counts) total += c;
            return total;
        }
    }

    public double Accuracy
    {
        get
        {
            int correct = 0;
            for (int c = 0; c < ClassCount; c++) correct += Counts[c, c];
            return Total == 0 ? double.NaN : (double)correct / Total;
        }
    }

    public static ConfusionMatrix From(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount,
        IReadOnlyList<string>? classNames = null)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"{actual.Length} labels but {predicted.Length} predictions.");
        var counts = new int[classCount, classCount];
        for (int n = 0; n < actual.Length; n++)
        {
            if ((uint)actual[n] >= (uint)classCount || (uint)predicted[n] >= (uint)classCount)
                throw new ArgumentException($"Sample {n}: class {actual[n]} or prediction {predicted[n]} is outside 0..{classCount - 1}.");
            counts[actual[n], predicted[n]]++;
        }
        return new ConfusionMatrix(counts, classNames);
    }

    public static ConfusionMatrix From(Matrix outputs, ReadOnlySpan<int> labels, int classCount,
        IReadOnlyList<string>? classNames = null, double threshold = 0.5) =>
        From(labels, Metrics.PredictedClasses(outputs, threshold), classCount, classNames);

    /// <summary>A plain-text table: rows are actual classes, columns predicted ones.</summary>
    public override string ToString()
    {
        var names = Enumerable.Range(0, ClassCount).Select(c => ClassNames?[c] ?? c.ToString()).ToArray();
        int width = Math.Max(names.Max(n => n.Length), Total.ToString().Length) + 1;
        // The first column holds the corner's label and the row names: as wide as the wider of them, so the header's
        // class names stand right above their counts.
        const string corner = "actual\\pred";
        int first = Math.Max(corner.Length, names.Max(n => n.Length)) + 1;
        var text = new StringBuilder();
        text.Append(corner.PadRight(first));
        foreach (var name in names) text.Append(name.PadLeft(width));
        text.AppendLine();
        for (int a = 0; a < ClassCount; a++)
        {
            text.Append(names[a].PadRight(first));
            for (int p = 0; p < ClassCount; p++) text.Append(Counts[a, p].ToString().PadLeft(width));
            text.AppendLine();
        }
        return text.ToString();
    }
}
