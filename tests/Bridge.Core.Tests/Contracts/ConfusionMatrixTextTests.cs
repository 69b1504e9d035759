using System.Text.RegularExpressions;

namespace Bridge.Tests.Contracts;

/// <summary>The printed confusion matrix: each class name in the header stands right above its column of counts.</summary>
public sealed class ConfusionMatrixTextTests
{
    [Theory]
    [InlineData(10, null)]
    [InlineData(3, new[] { "T-shirt/top", "Sneaker", "Bag" })]
    public void Header_names_end_where_their_counts_end(int classes, string[]? names)
    {
        var actual = Enumerable.Range(0, 450).Select(n => n % classes).ToArray();
        var predicted = actual.Select((a, n) => n % 7 == 0 ? (a + 1) % classes : a).ToArray();
        var lines = ConfusionMatrix.From(actual, predicted, classes, names).ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(classes + 1, lines.Count);
        // Right-aligned columns: the last classes fields of every line end at the same places.
        static int[] Ends(string line, int count) =>
            Regex.Matches(line, @"\S+").TakeLast(count).Select(m => m.Index + m.Length).ToArray();
        var header = Ends(lines[0], classes);
        foreach (var row in lines.Skip(1)) Assert.Equal(header, Ends(row, classes));
        // And the row names start every row, below the corner's label.
        Assert.StartsWith("actual\\pred", lines[0]);
    }
}
