namespace Bridge.Data;

/// <summary>How <see cref="Csv"/> reads a file. Every setting has a default that reads the common case.</summary>
public sealed record CsvOptions
{
    /// <summary>
    /// The character between cells. Default (null): detected from the first line, the most frequent of
    /// comma, semicolon and tab (comma when none occurs).
    /// </summary>
    public char? Separator { get; init; }

    /// <summary>
    /// Whether the first line names the columns. Default (null): detected; the first line is a header when one of
    /// its cells is not a number where the second line has a number.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>Which columns are targets. Default: the last column holds class labels.</summary>
    public CsvTarget Target { get; init; } = CsvTarget.LastColumnLabel;

    /// <summary>The data set's name. Default: the file's name without .gz and .csv.</summary>
    public string? Name { get; init; }

    /// <summary>When every row is an image, its width and height (row-major pixels). Default: none.</summary>
    public ImageShape? Image { get; init; }
}

/// <summary>
/// A CSV column, by 0-based index (negative counts from the end: −1 is the last column) or by its header name.
/// Converts implicitly from <see cref="int"/> and <see cref="string"/>.
/// </summary>
public readonly record struct CsvColumn
{
    private CsvColumn(int? index, string? name)
    {
        Index = index;
        Name = name;
    }

    /// <summary>The column's 0-based index (negative: from the end), or null when it is chosen by name.</summary>
    public int? Index { get; }

    /// <summary>The column's header name, or null when it is chosen by index.</summary>
    public string? Name { get; }

    public static CsvColumn At(int index) => new(index, null);

    public static CsvColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(null, name);
    }

    public static implicit operator CsvColumn(int index) => At(index);

    public static implicit operator CsvColumn(string name) => Named(name);

    public override string ToString() => Name is not null ? $"'{Name}'" : Index!.Value.ToString();
}

/// <summary>
/// What a CSV file's target columns are: one column of class labels (classification), one or more columns of
/// values (regression), or none (features only, for autoencoders). Every other column is a feature.
/// </summary>
public abstract record CsvTarget
{
    private CsvTarget() { }

    /// <summary>The last column holds class labels: the default.</summary>
    public static CsvTarget LastColumnLabel { get; } = new ClassLabelColumn(CsvColumn.At(-1));

    /// <summary>No target: every column is a feature.</summary>
    public static CsvTarget None { get; } = new NoTarget();

    /// <summary>
    /// Class labels in <paramref name="column"/>: any text or numbers, mapped to 0..k−1 in sorted order (numerically
    /// when every label is a number, else ordinally); the original labels become the class names.
    /// </summary>
    public static CsvTarget ClassLabel(CsvColumn column) => new ClassLabelColumn(column);

    /// <summary>Numeric target values (regression) in <paramref name="columns"/>, in that order.</summary>
    public static CsvTarget RegressionValues(params CsvColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0) throw new ArgumentException("Name at least one target column.", nameof(columns));
        return new ValueColumns(columns);
    }

    internal sealed record ClassLabelColumn(CsvColumn Column) : CsvTarget;

    internal sealed record ValueColumns(CsvColumn[] Columns) : CsvTarget;

    internal sealed record NoTarget : CsvTarget;
}
