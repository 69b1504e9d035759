namespace Bridge.Backends;

/// <summary>
/// A data set's features as the data set holds them, one row per sample: float64 values (any data), or, for 8-bit
/// images, the bytes themselves and the scale that makes a byte its value (value = byte × scale, multiplied in float64:
/// exactly the number a float64 matrix of the same images holds). Held as bytes, Fashion-MNIST's 60,000 images take
/// 47 MB instead of 376 MB as float64, reading them is decompressing them, and a backend converts the rows each step
/// reads straight into its own precision: the same numbers as from the float64 matrix, in either precision. A subset
/// of bytes picks rows of the same bytes by index instead of copying them (splitting off a test set touches no pixel);
/// it keeps all of them alive.
/// </summary>
public sealed class FeatureRows
{
    private readonly byte[]? _bytes;

    /// <summary>For a subset of bytes, the row of <see cref="Bytes"/> each of its rows is; null when they are all, in order.</summary>
    private readonly int[]? _picked;

    /// <summary>Rows of float64 values: the matrix itself, not a copy.</summary>
    public FeatureRows(Matrix values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        Rows = values.Rows;
        Cols = values.Cols;
    }

    private FeatureRows(int rows, int cols, byte[] bytes, double scale, int[]? picked)
    {
        Rows = rows;
        Cols = cols;
        _bytes = bytes;
        Scale = scale;
        _picked = picked;
    }

    /// <summary>
    /// Rows of bytes (row-major, not copied) whose values are byte × <paramref name="scale"/>: 1/255 maps 8-bit pixels to [0, 1].
    /// </summary>
    public static FeatureRows FromBytes(int rows, int cols, byte[] bytes, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length != (long)rows * cols)
            throw new ArgumentException($"{rows} rows of {cols} bytes need {(long)rows * cols} bytes, got {bytes.Length}.", nameof(bytes));
        if (!double.IsFinite(scale)) throw new ArgumentException($"The scale must be finite, got {scale}.", nameof(scale));
        return new FeatureRows(rows, cols, bytes, scale, null);
    }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>The float64 values, when the rows are held so; null when they are bytes.</summary>
    public Matrix? Values { get; }

    /// <summary>Whether the rows are held as bytes (see <see cref="Bytes"/> and <see cref="Scale"/>).</summary>
    public bool HoldsBytes => _bytes is not null;

    /// <summary>
    /// The bytes, row-major, when the rows are held as bytes (empty otherwise): Cols of them per row, row
    /// <see cref="ByteRowOf"/>(r) for row r (a subset picks its rows from bytes it shares with the set it came from).
    /// </summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>What one byte is worth: value = byte × Scale (0 when the rows are float64 values).</summary>
    public double Scale { get; }

    /// <summary>The row of <see cref="Bytes"/> that holds row <paramref name="row"/>.</summary>
    public int ByteRowOf(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        return _picked is null ? row : _picked[row];
    }

    /// <summary>The rows of <see cref="Bytes"/> that hold <paramref name="rows"/>, into <paramref name="byteRows"/>; the caller checks the indices.</summary>
    public void ByteRowsOf(ReadOnlySpan<int> rows, Span<int> byteRows)
    {
        if (_picked is null) rows.CopyTo(byteRows);
        else
            for (int k = 0; k < rows.Length; k++) byteRows[k] = _picked[rows[k]];
    }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="col"/>), in float64.</summary>
    public double this[int row, int col]
    {
        get
        {
            if (Values is { } values) return values[row, col];
            if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
                throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {col}) is outside {Rows}×{Cols} rows.");
            return _bytes![ByteRowOf(row) * Cols + col] * Scale;
        }
    }

    /// <summary>Row <paramref name="row"/>'s values into <paramref name="target"/> (Cols of them), in float64.</summary>
    public void CopyRow(int row, Span<double> target)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        if (Values is { } values)
        {
            values.Data.AsSpan(row * Cols, Cols).CopyTo(target);
            return;
        }
        var bytes = _bytes.AsSpan(ByteRowOf(row) * Cols, Cols);
        target = target[..Cols];
        for (int c = 0; c < bytes.Length; c++) target[c] = bytes[c] * Scale;
    }

    /// <summary>
    /// The rows named by <paramref name="indices"/>, in that order, held as these are: float64 values copied, bytes
    /// picked from the same bytes by index.
    /// </summary>
    public FeatureRows SelectRows(ReadOnlySpan<int> indices)
    {
        if (Values is { } values) return new FeatureRows(values.SelectRows(indices));
        var picked = new int[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            int row = indices[k];
            if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(indices), $"Row {row} is outside 0..{Rows - 1}.");
            picked[k] = _picked is null ? row : _picked[row];
        }
        return new FeatureRows(indices.Length, Cols, _bytes!, Scale, picked);
    }

    /// <summary>
    /// The values as a float64 matrix: the one held, or, for bytes, one made at the first call and kept (eight times the
    /// bytes' memory: what only code that needs float64 values asks for).
    /// </summary>
    public Matrix AsMatrix() => Values ?? (_matrix ??= ToMatrix());

    private Matrix? _matrix;

    private Matrix ToMatrix()
    {
        var matrix = new Matrix(Rows, Cols);
        var data = matrix.Data;
        double scale = Scale;
        for (int row = 0; row < Rows; row++)
        {
            var bytes = _bytes.AsSpan(ByteRowOf(row) * Cols, Cols);
            var converted = data.AsSpan(row * Cols, Cols);
            for (int c = 0; c < bytes.Length; c++) converted[c] = bytes[c] * scale;
        }
        return matrix;
    }

    public override string ToString() => $"{Rows}×{Cols} {(HoldsBytes ? "bytes" : "float64 values")}";
}
