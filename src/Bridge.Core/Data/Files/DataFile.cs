using System.IO.Compression;

namespace Bridge.Data;

/// <summary>
/// Opening data files: plain or gzip-compressed (recognised by the magic bytes 1F 8B, whatever the name says),
/// with errors that name the file and what is wrong.
/// </summary>
internal static class DataFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading, decompressing it when it starts with the gzip magic bytes.
    /// A missing file is a <see cref="FileNotFoundException"/> whose message ends with <paramref name="hint"/>.
    /// </summary>
    /// <param name="what">What the file is, for messages ("the CSV file", "the IDX images file").</param>
    public static DataStream Open(string path, string what, string? hint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw Missing(path, what, hint);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            return FromSeekable(path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps an open seekable stream (a file, or bytes in memory) the way <see cref="Open"/> does; the result owns it.
    /// <paramref name="name"/> stands for the file in messages.
    /// </summary>
    public static DataStream FromSeekable(string name, Stream seekable)
    {
        if (!seekable.CanSeek) throw new ArgumentException("The stream must be seekable.", nameof(seekable));
        Span<byte> magic = stackalloc byte[2];
        seekable.Position = 0;
        int read = seekable.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        seekable.Position = 0;
        if (read == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
            return new DataStream(name, new GzipChecked(seekable, name), compressed: true, seekable.Length);
        return new DataStream(name, seekable, compressed: false, seekable.Length);
    }

    public static FileNotFoundException Missing(string path, string what, string? hint) =>
        new($"{Capitalized(what)} '{Path.GetFullPath(path)}' does not exist." + (hint is null ? "" : " " + hint), path);

    public static InvalidDataException Corrupt(string path, string where, string problem) =>
        new($"{path}, {where}: {problem}");

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>An open data file, decompressed if it was gzip: the stream to read, and what is known about the file.</summary>
internal sealed class DataStream(string path, Stream stream, bool compressed, long fileLength) : IDisposable
{
    public string Path { get; } = path;

    /// <summary>The (decompressed) content.</summary>
    public Stream Stream { get; } = stream;

    public bool IsCompressed { get; } = compressed;

    /// <summary>The length of the file on disk (compressed length for gzip).</summary>
    public long FileLength { get; } = fileLength;

    public void Dispose() => Stream.Dispose();
}

/// <summary>
/// Gzip decompression that refuses truncated and corrupted files. .NET's GZipStream checks the CRC when the trailer
/// is there but ends silently when a file is cut short; this stream counts and checksums what it hands out and, at
/// the end, compares both with the trailer (the file's last 8 bytes: CRC-32 and length mod 2³²). A cut file ends in
/// compressed data instead of its trailer, so the comparison fails. Files of several gzip members are refused
/// unless the last member's trailer happens to describe all of the data; data sets are not distributed that way.
/// Errors of the decompressor are re-thrown naming the file and the decompressed offset reached.
/// </summary>
internal sealed class GzipChecked : Stream
{
    private readonly long _fileLength;
    private readonly GZipStream _gzip;
    private readonly string _path;
    private readonly uint _trailerCrc, _trailerLength;
    private readonly bool _hasTrailer;
    // Vectorised (carry-less multiplication): a byte-at-a-time table took as long as decompressing.
    private readonly System.IO.Hashing.Crc32 _crc = new();
    private long _position;
    private bool _verified;

    public GzipChecked(Stream file, string path)
    {
        _fileLength = file.Length;
        _path = path;
        if (file.Length >= 18)
        {
            Span<byte> trailer = stackalloc byte[8];
            file.Position = file.Length - 8;
            file.ReadExactly(trailer);
            file.Position = 0;
            _trailerCrc = BitConverter.ToUInt32(trailer[..4]);
            _trailerLength = BitConverter.ToUInt32(trailer[4..]);
            if (!BitConverter.IsLittleEndian)
            {
                _trailerCrc = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(_trailerCrc);
                _trailerLength = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(_trailerLength);
            }
            _hasTrailer = true;
        }
        _gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        int read;
        try
        {
            read = _gzip.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not FileNotFoundException)
        {
            throw new InvalidDataException(
                $"{_path}: the gzip data is corrupted (after {_position} decompressed bytes the decompressor reports: {e.Message}).", e);
        }
        if (read == 0)
        {
            Verify();
            return 0;
        }
        _crc.Append(buffer[..read]);
        _position += read;
        return read;
    }

    private void Verify()
    {
        if (_verified) return;
        _verified = true;
        uint crc = _crc.GetCurrentHashAsUInt32();
        if (!_hasTrailer || crc != _trailerCrc || (uint)_position != _trailerLength)
            throw new InvalidDataException(
                $"{_path}: the gzip file is truncated or corrupted: it decompressed to {_position} bytes, " +
                (_hasTrailer
                    ? $"but its trailer records {_trailerLength} bytes (mod 2^32) with CRC-32 {_trailerCrc:x8} and the data's CRC-32 is {crc:x8}."
                    : $"and at {_fileLength} bytes it is too short to hold a gzip header and trailer."));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gzip.Dispose();
        base.Dispose(disposing);
    }
}
