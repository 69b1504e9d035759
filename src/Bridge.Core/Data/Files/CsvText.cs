using System.Globalization;
using System.Text;

namespace Bridge.Data;

/// <summary>Splitting CSV lines into cells and cells into numbers, with errors that name file, line and column.</summary>
internal static class CsvText
{
    /// <summary>
    /// The cells of one line, trimmed. A cell may be quoted ("a, b"), with "" standing for a quote inside it;
    /// quoted cells do not span lines.
    /// </summary>
    public static string[] Split(string line, char separator, string path, long lineNumber)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        int i = 0;
        while (true)
        {
            cell.Clear();
            while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i])) i++;
            if (i < line.Length && line[i] == '"')
            {
                int opened = i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw DataFile.Corrupt(path, $"line {lineNumber}",
                            $"the quote opened at character {opened + 1} is never closed (quoted cells cannot span lines).");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    cell.Append(line[i++]);
                }
                while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i])) i++;
                if (i < line.Length && line[i] != separator)
                    throw DataFile.Corrupt(path, $"line {lineNumber}",
                        $"unexpected '{line[i]}' at character {i + 1} after a closing quote (expected '{Printable(separator)}' or the line's end).");
                cells.Add(cell.ToString());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != separator) i++;
                cells.Add(line[start..i].Trim());
            }
            if (i >= line.Length) return [.. cells];
            i++; // past the separator
        }
    }

    /// <summary>Parses a number in invariant culture ("1.5", "-2e-3"), or returns false.</summary>
    public static bool TryParse(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>A finite number, or an <see cref="InvalidDataException"/> naming the file, line, column and cell.</summary>
    public static double ParseFinite(string cell, string path, long lineNumber, int column, string? columnName)
    {
        if (!TryParse(cell, out double value))
            throw DataFile.Corrupt(path, Where(lineNumber, column, columnName),
                cell.Length == 0 ? "the cell is empty; a number is needed." : $"'{Shorten(cell)}' is not a number.");
        if (!double.IsFinite(value))
            throw DataFile.Corrupt(path, Where(lineNumber, column, columnName),
                $"'{Shorten(cell)}' is {(double.IsNaN(value) ? "NaN" : "infinite")}; data must be finite numbers.");
        return value;
    }

    /// <summary>"line 5, column 3 (index 2, 'width')": lines and columns count from 1 as editors show them.</summary>
    public static string Where(long lineNumber, int column, string? columnName) =>
        $"line {lineNumber}, column {column + 1} (index {column}{(columnName is null ? "" : $", '{Shorten(columnName)}'")})";

    public static string Printable(char c) => c switch { '\t' => "\\t", _ => c.ToString() };

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
