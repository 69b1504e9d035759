namespace Bridge.Tests.Contracts;

public class MatrixTests
{
    [Fact]
    public void Is_row_major_and_bounds_checked()
    {
        var m = Matrix.FromRows([1.0, 2, 3], [4.0, 5, 6]);
        Assert.Equal((2, 3, "[2, 3]"), (m.Rows, m.Cols, m.ShapeText));
        Assert.Equal(6, m.Data[5]);
        Assert.Equal(4, m[1, 0]);
        Assert.Equal([4.0, 5, 6], m.Row(1).ToArray());
        Assert.Contains("(2, 0) is outside a 2×3 matrix", Assert.Throws<ArgumentOutOfRangeException>(() => m[2, 0]).Message);
        Assert.Contains("Row -1 is outside 0..1", Assert.Throws<ArgumentOutOfRangeException>(() => m.Row(-1)).Message);
        Assert.Contains("needs 6 values, got 5", Assert.Throws<ArgumentException>(() => new Matrix(2, 3, new double[5])).Message);
        Assert.Contains("Row 1 has 1 values; row 0 has 2", Assert.Throws<ArgumentException>(() => Matrix.FromRows([1.0, 2], [3.0])).Message);
        Assert.Equal(Matrix.FromRows(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).Data, m.Data);
    }

    [Fact]
    public void Selections_copy()
    {
        var m = Matrix.FromRows([1.0, 2, 3], [4.0, 5, 6], [7.0, 8, 9]);
        var rows = m.SelectRows([2, 0, 2]);
        Assert.Equal([7.0, 8, 9, 1, 2, 3, 7, 8, 9], rows.Data);
        var cols = m.SelectColumns(1, 2);
        Assert.Equal([2.0, 3, 5, 6, 8, 9], cols.Data);
        rows[0, 0] = -1;
        var clone = m.Clone();
        clone[0, 0] = -2;
        Assert.Equal(1, m[0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.SelectColumns(2, 2));
        Assert.Equal([0.5, 2], Matrix.Column(0.5, 2).Data);
    }

    [Fact]
    public void Finds_the_largest_per_row_and_the_first_non_finite_value()
    {
        var m = Matrix.FromRows([1.0, 3, 3], [-1.0, -2, -0.5]);
        Assert.Equal([1, 2], m.ArgMaxPerRow()); // ties: the first
        Assert.True(m.AllFinite());
        m[1, 1] = double.NegativeInfinity;
        Assert.Equal((1, 1), m.FirstNonFinite());
        Assert.False(m.AllFinite());
    }
}
