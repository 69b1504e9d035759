using System.Buffers.Binary;
using Bridge.Data;

namespace Bridge.Tests.Data;

public class IdxTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_an_unsigned_byte_array_plain_or_gzip(bool compressed)
    {
        var bytes = IdxBytes.Images(5, 3, 4);
        string path = _dir.Write("images.idx", compressed ? TempDirectory.Gzip(bytes) : bytes);
        var array = Idx.Read(path);
        Assert.Equal(IdxElementType.UnsignedByte, array.ElementType);
        Assert.Equal([5, 3, 4], array.Shape);
        Assert.Equal((5, 5, 12), (array.Count, array.DeclaredCount, array.ItemSize));
        var m = array.ToMatrix(scale: 0.5);
        Assert.Equal((5, 12), (m.Rows, m.Cols));
        for (int n = 0; n < 5; n++)
            for (int i = 0; i < 12; i++)
                Assert.Equal((n * 7 + i) % 256 * 0.5, m[n, i]);
    }

    [Fact]
    public void Reads_every_element_type_big_endian()
    {
        var data = new byte[8 * 2];
        BinaryPrimitives.WriteDoubleBigEndian(data, -1.25);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), 3e100);
        Assert.Equal([-1.25, 3e100], Values(IdxBytes.Make(0x0E, [2], data)));

        var floats = new byte[4 * 2];
        BinaryPrimitives.WriteSingleBigEndian(floats, 0.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -7f);
        Assert.Equal([0.5, -7], Values(IdxBytes.Make(0x0D, [2], floats)));

        var ints = new byte[4 * 2];
        BinaryPrimitives.WriteInt32BigEndian(ints, -70000);
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(4), 123456789);
        Assert.Equal([-70000.0, 123456789], Values(IdxBytes.Make(0x0C, [2], ints)));

        var shorts = new byte[2 * 2];
        BinaryPrimitives.WriteInt16BigEndian(shorts, -300);
        BinaryPrimitives.WriteInt16BigEndian(shorts.AsSpan(2), 300);
        Assert.Equal([-300.0, 300], Values(IdxBytes.Make(0x0B, [2], shorts)));

        Assert.Equal([-1.0, 127, -128], Values(IdxBytes.Make(0x09, [3], [0xFF, 0x7F, 0x80])));
    }

    private double[] Values(byte[] file)
    {
        var array = Idx.Read(_dir.Write(Guid.NewGuid().ToString("N"), file));
        return Enumerable.Range(0, array.Count).Select(i => array[i]).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_limit_reads_only_the_first_items(bool compressed)
    {
        var bytes = IdxBytes.Images(50, 2, 2);
        var array = Idx.Read(_dir.Write("i", compressed ? TempDirectory.Gzip(bytes) : bytes), limit: 3);
        Assert.Equal([3, 2, 2], array.Shape);
        Assert.Equal(50, array.DeclaredCount);
        Assert.Equal(2 * 7 + 3, array[2 * 4 + 3]);
    }

    [Fact]
    public void A_wrong_magic_number_is_refused()
    {
        var bytes = IdxBytes.Images(2, 2, 2);
        bytes[0] = 0x50; // "PK": a zip file, say
        bytes[1] = 0x4B;
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("zip.idx", bytes)));
        Assert.Contains("bytes 0-1: found 50 4b; an IDX file starts with two zero bytes", error.Message);
        Assert.Contains("zip.idx", error.Message);
    }

    [Fact]
    public void An_unknown_element_type_or_rank_is_refused()
    {
        var bytes = IdxBytes.Images(2, 2, 2);
        bytes[2] = 0x07;
        Assert.Contains("byte 2: 0x07 is not an IDX element type", Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("t", bytes))).Message);
        bytes = IdxBytes.Images(2, 2, 2);
        bytes[3] = 0;
        Assert.Contains("byte 3: the header declares 0 dimensions", Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("r", bytes))).Message);
    }

    [Fact]
    public void A_truncated_header_is_refused()
    {
        var bytes = IdxBytes.Images(2, 2, 2)[..9];
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("h", bytes)));
        Assert.Contains("the header ends early: 3 dimensions need 12 bytes after the magic number, found 5", error.Message);
        Assert.Contains("is 2 bytes long", Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("m", bytes[..2]))).Message);
    }

    [Fact]
    public void A_truncated_plain_file_is_refused_before_reading_the_data()
    {
        var bytes = IdxBytes.Images(10, 4, 4);
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("cut", bytes[..^5])));
        Assert.Contains("byte 16: the header declares 10×4×4 elements (160 bytes of data), but the file holds only 155: it is truncated", error.Message);
    }

    [Fact]
    public void Bytes_after_the_declared_data_are_refused()
    {
        var bytes = IdxBytes.Images(2, 2, 2).Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.Contains("3 bytes follow the data", Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("x", bytes))).Message);
        Assert.Contains("more data follows",
            Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("xg", TempDirectory.Gzip(bytes)))).Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_refused()
    {
        var gz = TempDirectory.Gzip(IdxBytes.Images(200, 8, 8));
        foreach (int cut in new[] { 1, 4, 8, 9, gz.Length / 2 })
        {
            var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write($"cut{cut}.gz", gz[..^cut])));
            Assert.Matches("truncated|corrupted", error.Message);
            Assert.Contains($"cut{cut}.gz", error.Message);
        }
    }

    [Fact]
    public void A_gzip_file_with_a_wrong_checksum_is_refused()
    {
        var gz = TempDirectory.Gzip(IdxBytes.Images(20, 4, 4));
        gz[^6] ^= 0x10; // inside the CRC-32
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("crc.gz", gz)));
        Assert.Contains("crc.gz", error.Message);
    }

    [Theory]
    [InlineData(int.MaxValue, false)]
    [InlineData(int.MaxValue, true)]
    [InlineData(1_000_000_000, false)]
    [InlineData(1_000_000_000, true)]
    public void A_header_claiming_a_billion_images_in_a_tiny_file_is_refused_without_allocating(int claimed, bool compressed)
    {
        var bytes = IdxBytes.Make(0x08, [claimed, 1, 1], [1, 2, 3]);
        string path = _dir.Write("huge", compressed ? TempDirectory.Gzip(bytes) : bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(claimed.ToString(), error.Message);
        Assert.True(allocated < 8 << 20, $"refusing the file allocated {allocated} bytes");
    }

    [Fact]
    public void A_header_declaring_more_than_an_array_holds_is_refused()
    {
        var bytes = IdxBytes.Make(0x0E, [60000, 60000, 60000], []);
        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("big", bytes)));
        Assert.Contains("more than one array can hold", error.Message);
        bytes = IdxBytes.Make(0x08, [5, -1], []);
        Assert.Contains("dimension 1 is -1", Assert.Throws<InvalidDataException>(() => Idx.Read(_dir.Write("neg", bytes))).Message);
    }

    [Fact]
    public void A_missing_file_names_its_path()
    {
        string path = _dir.File("nothing-idx3-ubyte.gz");
        var error = Assert.Throws<FileNotFoundException>(() => Idx.Read(path));
        Assert.Contains(path, error.Message);
    }
}
