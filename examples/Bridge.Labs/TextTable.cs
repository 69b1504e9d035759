using System.Text;

namespace Bridge.Labs;

/// <summary>A plain-text table with aligned columns: numbers right-aligned, text left-aligned.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params object?[] cells)
    {
        if (cells.Length != headers.Length)
            throw new ArgumentException($"A row of this table has {headers.Length} cells; {cells.Length} given.");
        _rows.Add(cells.Select(Format).ToArray());
        return this;
    }

    private static string Format(object? cell) => cell switch
    {
        null => "",
        double d => d.ToString("G6"),
        float f => f.ToString("G6"),
        _ => cell.ToString() ?? "",
    };

    public override string ToString()
    {
        var widths = headers.Select((h, c) => _rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells)
        {
            for (int c = 0; c < cells.Length; c++)
            {
                bool numeric = double.TryParse(cells[c].TrimEnd('%'), out _);
                text.Append(c == 0 ? "" : "  ").Append(numeric ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
            }
            text.Append('\n');
        }
        Line(headers);
        text.AppendJoin("  ", widths.Select(w => new string('─', w))).Append('\n');
        foreach (var row in _rows) Line(row);
        return text.ToString();
    }

    public void Print() => Console.Write(ToString());
}
