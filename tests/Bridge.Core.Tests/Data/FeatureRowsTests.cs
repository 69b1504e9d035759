using Bridge.Backends;
using Bridge.Data;

namespace Bridge.Tests.Data;

/// <summary>
/// 8-bit images are held as their bytes: the values they stand for are exactly those of the float64 matrix the reader
/// made before (byte × 1/255 in float64), subsets keep bytes, and the float64 matrix is made only when asked for.
/// </summary>
public class FeatureRowsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_images_file_of_bytes_is_held_as_bytes_worth_what_the_float64_reader_gave()
    {
        var images = IdxBytes.Images(5, 3, 4);
        _dir.Write("t10k-images-idx3-ubyte.gz", TempDirectory.Gzip(images));
        _dir.Write("t10k-labels-idx1-ubyte.gz", TempDirectory.Gzip(IdxBytes.Labels(1, 2, 3, 4, 5)));
        var data = Mnist.Load(_dir.Path, DataSplit.Test);
        Assert.True(data.FeatureRows.HoldsBytes);
        Assert.Equal(5 * 12, data.FeatureRows.Bytes.Length);
        var expected = Idx.Read(_dir.Path + "/t10k-images-idx3-ubyte.gz").ToMatrix(1.0 / 255);
        Assert.Equal(Bits(expected.Data), Bits(data.Features.Data));
        Assert.Same(data.Features, data.Features);
        for (int row = 0; row < 5; row++)
            for (int col = 0; col < 12; col++)
                Assert.Equal(expected[row, col], data.FeatureRows[row, col]);
    }

    [Fact]
    public void Subsets_and_rows_of_bytes_keep_the_bytes_and_their_scale()
    {
        byte[] bytes = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 255];
        var rows = FeatureRows.FromBytes(4, 3, bytes, 0.5);
        var data = Dataset.Classification("bytes", rows, [0, 1, 0, 1], 2);
        var subset = data.Subset([3, 0]);
        Assert.True(subset.FeatureRows.HoldsBytes);
        // The subset picks rows of the same bytes; a subset of it picks from them too.
        Assert.True(subset.FeatureRows.Bytes == rows.Bytes);
        Assert.Equal([3, 0], new[] { subset.FeatureRows.ByteRowOf(0), subset.FeatureRows.ByteRowOf(1) });
        var ofSubset = subset.FeatureRows.SelectRows([1, 1, 0]);
        var byteRows = new int[3];
        ofSubset.ByteRowsOf([0, 1, 2], byteRows);
        Assert.Equal([0, 0, 3], byteRows);
        Assert.Equal(0.5, subset.FeatureRows.Scale);
        Assert.Equal([1, 0], subset.Labels!);
        var row = new double[3];
        rows.CopyRow(3, row);
        Assert.Equal([15, 15.5, 127.5], row);
        Assert.Equal(Matrix.FromRows([15, 15.5, 127.5], [0, 0.5, 1]).Data, subset.Features.Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.CopyRow(4, row));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.SelectRows([0, 4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => subset.FeatureRows.SelectRows([2]));
        Assert.Equal(Matrix.FromRows([0, 0.5, 1], [0, 0.5, 1], [15, 15.5, 127.5]).Data, ofSubset.AsMatrix().Data);
    }

    [Fact]
    public void Bytes_that_do_not_fill_the_rows_or_a_scale_that_is_not_finite_are_refused()
    {
        Assert.Contains("need 6 bytes, got 5", Assert.Throws<ArgumentException>(() => FeatureRows.FromBytes(2, 3, new byte[5], 1)).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => FeatureRows.FromBytes(1, 1, [1], double.NaN)).Message);
    }

    [Fact]
    public void A_float64_matrix_is_held_as_it_is()
    {
        var matrix = Matrix.FromRows([1.0, 2], [3, 4]);
        var data = Dataset.Classification("values", matrix, [0, 1], 2);
        Assert.False(data.FeatureRows.HoldsBytes);
        Assert.Same(matrix, data.Features);
        Assert.Same(matrix, data.FeatureRows.Values);
        Assert.Equal(0, data.FeatureRows.Bytes.Length);
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
