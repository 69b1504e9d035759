using Bridge.Backends;

namespace Bridge;

/// <summary>
/// A dense row-major matrix of doubles: rows are samples, columns are features or nodes.
/// Every value crossing the backend contract travels in this type; a float32 backend rounds on the way in
/// and widens (exactly) on the way out, so one type serves both precisions.
/// </summary>
public sealed class Matrix
{
    public Matrix(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        Data = new double[checked(rows * cols)];
    }

    /// <summary>Wraps <paramref name="data"/> (row-major, not copied).</summary>
    public Matrix(int rows, int cols, double[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * cols)
            throw new ArgumentException($"A {rows}×{cols} matrix needs {(long)rows * cols} values, got {data.Length}.", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }
    public int Cols { get; }

    /// <summary>The values, row-major: element (r, c) is at r·Cols + c.</summary>
    public double[] Data { get; }

    public double this[int row, int col]
    {
        get => Data[Index(row, col)];
        set => Data[Index(row, col)] = value;
    }

    public Span<double> Row(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        return Data.AsSpan(row * Cols, Cols);
    }

    public string ShapeText => $"[{Rows}, {Cols}]";

    public static Matrix FromRows(params double[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        var m = new Matrix(rows.Length, cols);
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r].Length != cols)
                throw new ArgumentException($"Row {r} has {rows[r].Length} values; row 0 has {cols}.", nameof(rows));
            rows[r].CopyTo(m.Data, r * cols);
        }
        return m;
    }

    public static Matrix FromRows(double[,] values)
    {
        var m = new Matrix(values.GetLength(0), values.GetLength(1));
        for (int r = 0; r < m.Rows; r++)
            for (int c = 0; c < m.Cols; c++)
                m[r, c] = values[r, c];
        return m;
    }

    /// <summary>A single column.</summary>
    public static Matrix Column(params double[] values) => new(values.Length, 1, (double[])values.Clone());

    public Matrix Clone() => new(Rows, Cols, (double[])Data.Clone());

    /// <summary>The rows named by <paramref name="indices"/>, in that order, as a new matrix.</summary>
    public Matrix SelectRows(ReadOnlySpan<int> indices)
    {
        var m = new Matrix(indices.Length, Cols);
        for (int k = 0; k < indices.Length; k++) Row(indices[k]).CopyTo(m.Data.AsSpan(k * Cols, Cols));
        return m;
    }

    /// <summary>The columns [start, start + count) as a new matrix.</summary>
    public Matrix SelectColumns(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Cols)
            throw new ArgumentOutOfRangeException(nameof(start), $"Columns {start}..{start + count - 1} are outside 0..{Cols - 1}.");
        var m = new Matrix(Rows, count);
        for (int r = 0; r < Rows; r++) Data.AsSpan(r * Cols + start, count).CopyTo(m.Data.AsSpan(r * count, count));
        return m;
    }

    /// <summary>The index of the largest value in each row (the first one on ties).</summary>
    public int[] ArgMaxPerRow()
    {
        var result = new int[Rows];
        for (int r = 0; r < Rows; r++)
        {
            var row = Data.AsSpan(r * Cols, Cols);
            int best = 0;
            for (int c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
            result[r] = best;
        }
        return result;
    }

    /// <summary>Whether every value is finite (no NaN, no ±∞).</summary>
    public bool AllFinite() => FirstNonFinite() is null;

    /// <summary>The (row, column) of the first NaN or ±∞, or null when every value is finite.</summary>
    public (int Row, int Col)? FirstNonFinite()
    {
        int i = FiniteScan.FirstNonFinite<double>(Data);
        return i < 0 ? null : (i / Cols, i % Cols);
    }

    public override string ToString() => $"Matrix{ShapeText}";

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
            throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {col}) is outside a {Rows}×{Cols} matrix.");
        return row * Cols + col;
    }
}
