using System.Buffers.Binary;
using System.IO.Compression;

namespace Bridge.Formats.Tests;

/// <summary>
/// A zip record's stated size is judged before anything is allocated: more than the caller's limit, more than the
/// file can hold (a damaged archive), or within the file but more than one array can hold — each said as such. The
/// archive is crafted here: a deflated record of 3 MB of random bytes (incompressible, so the file could hold about
/// 3.3 GB of it), whose size in the central directory is then rewritten.
/// </summary>
public sealed class ZipRecordTests
{
    private static ZipArchiveEntry RecordClaiming(uint bytes, out long fileLength)
    {
        var content = new byte[3 << 20];
        new Random(7).NextBytes(content);
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry("archive/data/0", CompressionLevel.Fastest).Open())
            entry.Write(content);
        var file = stream.ToArray();
        // The central directory's entry (signature PK\1\2) states the uncompressed size at offset 24.
        int central = file.AsSpan().LastIndexOf("PK\u0001\u0002"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(central + 24), bytes);
        fileLength = file.Length;
        return new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read).Entries.Single();
    }

    [Fact]
    public void A_record_within_the_file_but_larger_than_an_array_is_refused_as_such()
    {
        var entry = RecordClaiming(3_000_000_000, out long length);
        var e = Assert.Throws<InvalidDataException>(() => ZipRecord.Read(entry, "big.pt", length, long.MaxValue));
        Assert.Contains("big.pt: the record archive/data/0 claims 3000000000 bytes, more than one array can hold", e.Message);
        Assert.DoesNotContain("damaged", e.Message);
    }

    [Fact]
    public void A_record_larger_than_the_file_can_hold_is_refused_as_damaged()
    {
        var entry = RecordClaiming(4_000_000_000, out long length);
        var e = Assert.Throws<InvalidDataException>(() => ZipRecord.Read(entry, "big.pt", length, long.MaxValue));
        Assert.Contains("more than this file can hold (damaged archive)", e.Message);
    }

    [Fact]
    public void A_record_larger_than_the_callers_limit_is_refused_naming_the_limit()
    {
        var entry = RecordClaiming(3_000_000_000, out long length);
        var e = Assert.Throws<InvalidDataException>(() => ZipRecord.Read(entry, "big.pt", length, 1 << 20));
        Assert.Contains("more than the 1048576 Bridge reads", e.Message);
    }
}
