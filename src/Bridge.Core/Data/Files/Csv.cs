using System.Text;

namespace Bridge.Data;

/// <summary>
/// Reads a data set from a CSV file (plain or gzip-compressed): one sample per line, separator and header detected
/// unless given, the target chosen by <see cref="CsvOptions.Target"/> (by default the last column holds class
/// labels). Every problem is reported before a data set is returned: a missing file as
/// <see cref="FileNotFoundException"/>; a malformed file (ragged rows, empty cells, text, NaN or ∞ where a number
/// belongs, a single class) as <see cref="InvalidDataException"/> naming the file, line and column; a target
/// column that does not exist as <see cref="ArgumentException"/> naming the columns there are. Blank lines are
/// skipped.
/// </summary>
public static class Csv
{
    /// <summary>Reads <paramref name="path"/>; see <see cref="Csv"/>.</summary>
    public static Dataset Read(string path, CsvOptions? options = null)
    {
        using var data = DataFile.Open(path, "the CSV file", "Pass the path of an existing CSV file.");
        return Read(data, options ?? new CsvOptions(), DefaultName(path));
    }

    /// <summary>Reads CSV text held in memory; <paramref name="name"/> names the data set and stands for the file in messages.</summary>
    public static Dataset Parse(string text, CsvOptions? options = null, string name = "csv")
    {
        ArgumentNullException.ThrowIfNull(text);
        using var data = DataFile.FromSeekable(name, new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false));
        return Read(data, options ?? new CsvOptions(), name);
    }

    internal static Dataset Read(DataStream data, CsvOptions options, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(options.Target);
        string path = data.Path;
        using var reader = new StreamReader(data.Stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var lines = new LineSource(reader);

        if (!lines.TryNext(out long firstLine, out string? firstText))
            throw DataFile.Corrupt(path, "line 1", "the file is empty (no line holds any data).");
        char separator = options.Separator ?? DetectSeparator(firstText);
        var firstCells = CsvText.Split(firstText, separator, path, firstLine);
        string[]? secondCells = null;
        long secondLine = 0;
        if (lines.TryNext(out secondLine, out string? secondText))
            secondCells = CsvText.Split(secondText, separator, path, secondLine);
        bool hasHeader = options.HasHeader ?? LooksLikeHeader(firstCells, secondCells);
        string[]? header = hasHeader ? firstCells : null;
        int columnCount = firstCells.Length;

        var layout = ColumnLayout.Resolve(options.Target, header, columnCount, path, separator);
        var table = new TableBuilder(path, layout, columnCount, header, firstLine);
        if (!hasHeader) table.Add(firstCells, firstLine);
        if (secondCells is not null) table.Add(secondCells, secondLine);
        while (lines.TryNext(out long number, out string? text))
            table.Add(CsvText.Split(text, separator, path, number), number);

        if (table.Rows == 0)
            throw DataFile.Corrupt(path, $"line {firstLine}", "the file has a header but no data rows.");
        return table.Build(options.Name ?? defaultName, options.Image);
    }

    private static string DefaultName(string path)
    {
        string name = Path.GetFileName(path);
        foreach (var suffix in new[] { ".gz", ".csv", ".tsv", ".txt" })
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) name = name[..^suffix.Length];
        return name.Length == 0 ? "csv" : name;
    }

    private static char DetectSeparator(string line)
    {
        char best = ',';
        int bestCount = 0;
        foreach (char candidate in new[] { ',', ';', '\t' })
        {
            int count = line.Count(c => c == candidate);
            if (count > bestCount) (best, bestCount) = (candidate, count);
        }
        return best;
    }

    /// <summary>A header has a cell that is not a number in a column where the next line has one.</summary>
    private static bool LooksLikeHeader(string[] first, string[]? second)
    {
        if (second is null) return first.Any(cell => !CsvText.TryParse(cell, out _));
        for (int c = 0; c < Math.Min(first.Length, second.Length); c++)
            if (!CsvText.TryParse(first[c], out _) && CsvText.TryParse(second[c], out _)) return true;
        return false;
    }

    /// <summary>The non-blank lines of a reader, with their 1-based line numbers.</summary>
    private sealed class LineSource(TextReader reader)
    {
        private long _lineNumber;

        public bool TryNext(out long lineNumber, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
        {
            while (reader.ReadLine() is { } line)
            {
                _lineNumber++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                lineNumber = _lineNumber;
                text = line;
                return true;
            }
            lineNumber = _lineNumber;
            text = null;
            return false;
        }
    }

    /// <summary>Which column plays which part.</summary>
    private sealed record ColumnLayout(int[] Features, int? Label, int[]? Values)
    {
        public static ColumnLayout Resolve(CsvTarget target, string[]? header, int columnCount, string path, char separator)
        {
            int? label = null;
            int[]? values = null;
            switch (target)
            {
                case CsvTarget.ClassLabelColumn c:
                    label = IndexOf(c.Column, "label", header, columnCount, path);
                    break;
                case CsvTarget.ValueColumns v:
                    values = v.Columns.Select(column => IndexOf(column, "target", header, columnCount, path)).ToArray();
                    if (values.Distinct().Count() != values.Length)
                        throw new ArgumentException($"The target columns of {path} name the same column twice.");
                    break;
            }
            var taken = new HashSet<int>(values ?? []);
            if (label is int l) taken.Add(l);
            var features = Enumerable.Range(0, columnCount).Where(c => !taken.Contains(c)).ToArray();
            if (features.Length == 0)
                throw new ArgumentException(
                    $"{path} has {columnCount} column{(columnCount == 1 ? "" : "s")} (separated by '{CsvText.Printable(separator)}') " +
                    "and all of them are targets: no feature column is left. Choose another target (CsvOptions.Target) or separator.");
            return new ColumnLayout(features, label, values);
        }

        private static int IndexOf(CsvColumn column, string role, string[]? header, int columnCount, string path)
        {
            if (column.Name is { } name)
            {
                if (header is null)
                    throw new ArgumentException($"The {role} column {column} is chosen by name, but {path} has no header line; choose it by index (0..{columnCount - 1}).");
                int found = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.Ordinal));
                if (found < 0) found = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
                if (found < 0)
                    throw new ArgumentException(
                        $"{path} has no column named '{name}' for the {role}; its columns are: {string.Join(", ", header.Select(h => $"'{CsvText.Shorten(h)}'"))}.");
                return found;
            }
            int index = column.Index!.Value;
            int resolved = index < 0 ? columnCount + index : index;
            if ((uint)resolved >= (uint)columnCount)
                throw new ArgumentException(
                    $"The {role} column index {index} is outside the {columnCount} column{(columnCount == 1 ? "" : "s")} of {path} " +
                    $"(valid: 0..{columnCount - 1}, or −{columnCount}..−1 from the end).");
            return resolved;
        }
    }

    /// <summary>Collects rows, checking each as it comes; memory grows with the data actually read.</summary>
    private sealed class TableBuilder(string path, ColumnLayout layout, int columnCount, string[]? header, long firstLine)
    {
        private readonly List<double> _features = [];
        private readonly List<double> _values = [];
        private readonly List<string> _labels = [];
        private readonly List<long> _labelLines = [];

        public int Rows { get; private set; }

        public void Add(string[] cells, long lineNumber)
        {
            if (cells.Length != columnCount)
                throw DataFile.Corrupt(path, $"line {lineNumber}",
                    $"the line has {cells.Length} cell{(cells.Length == 1 ? "" : "s")}, but line {firstLine}" +
                    $"{(header is null ? "" : " (the header)")} has {columnCount}.");
            if ((long)(Rows + 1) * layout.Features.Length > Array.MaxLength)
                throw DataFile.Corrupt(path, $"line {lineNumber}", "the file holds more values than one array can hold.");
            foreach (int c in layout.Features) _features.Add(CsvText.ParseFinite(cells[c], path, lineNumber, c, header?[c]));
            if (layout.Values is { } valueColumns)
                foreach (int c in valueColumns) _values.Add(CsvText.ParseFinite(cells[c], path, lineNumber, c, header?[c]));
            if (layout.Label is int l)
            {
                if (cells[l].Length == 0)
                    throw DataFile.Corrupt(path, CsvText.Where(lineNumber, l, header?[l]), "the class label is empty.");
                _labels.Add(cells[l]);
                _labelLines.Add(lineNumber);
            }
            Rows++;
        }

        public Dataset Build(string name, ImageShape? image)
        {
            var features = new Matrix(Rows, layout.Features.Length, [.. _features]);
            if (layout.Values is { } valueColumns)
                return Dataset.Regression(name, features, new Matrix(Rows, valueColumns.Length, [.. _values]), image);
            if (layout.Label is not int labelColumn)
                return Dataset.Unlabeled(name, features, image);
            var (labels, classNames) = EncodeLabels(labelColumn);
            return Dataset.Classification(name, features, labels, classNames.Length, classNames, image);
        }

        /// <summary>Maps labels to 0..k−1: numerically sorted when all are numbers, else in ordinal order.</summary>
        private (int[] Labels, string[] Names) EncodeLabels(int column)
        {
            bool numeric = _labels.All(l => CsvText.TryParse(l, out double v) && double.IsFinite(v));
            var firstText = new Dictionary<string, string>(StringComparer.Ordinal);
            string Key(string label) => numeric && CsvText.TryParse(label, out double v) ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : label;
            foreach (var label in _labels) firstText.TryAdd(Key(label), label);
            var keys = firstText.Keys.ToList();
            if (numeric)
                keys.Sort((a, b) => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(double.Parse(b, System.Globalization.CultureInfo.InvariantCulture)));
            else
                keys.Sort(StringComparer.Ordinal);
            if (keys.Count < 2)
                throw DataFile.Corrupt(path, CsvText.Where(_labelLines[0], column, header?[column]),
                    $"every row has the class label '{CsvText.Shorten(_labels[0])}'; classification needs at least 2 classes " +
                    "(for values to regress on, use CsvTarget.RegressionValues).");
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int k = 0; k < keys.Count; k++) index[keys[k]] = k;
            var labels = new int[_labels.Count];
            for (int n = 0; n < labels.Length; n++) labels[n] = index[Key(_labels[n])];
            return (labels, keys.Select(k => firstText[k]).ToArray());
        }
    }
}
