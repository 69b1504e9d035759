using System.Buffers.Binary;

namespace Bridge.Data;

/// <summary>
/// Reads IDX files, the format of MNIST, Fashion-MNIST and their relatives: a magic number (two zero bytes, the
/// element type, the number of dimensions), each dimension as a big-endian 32-bit integer, then the elements,
/// big-endian, row-major. Gzip-compressed files are recognised by their first bytes and decompressed on the fly.
/// The header is checked against the file before any large allocation: a header that declares more data than the
/// file holds, or more than an array can hold, is refused; for a compressed file, memory grows only with the data
/// actually decompressed, and a file that ends early, has bytes beyond the declared data, or fails its gzip
/// check is refused. Errors are <see cref="InvalidDataException"/>s naming the file, the byte offset and what
/// is wrong; a missing file is a <see cref="FileNotFoundException"/>.
/// </summary>
public static class Idx
{
    /// <summary>More dimensions than any IDX data set uses; a header claiming more is taken as corrupted.</summary>
    public const int MaxDimensions = 16;

    /// <summary>Reads <paramref name="path"/>; see <see cref="Idx"/>.</summary>
    /// <param name="limit">When set, reads only the first <paramref name="limit"/> items (the rest of a compressed file is neither decompressed nor checked).</param>
    public static IdxArray Read(string path, int? limit = null)
    {
        using var data = DataFile.Open(path, "the IDX file", "Pass the path of an existing IDX file (for example train-images-idx3-ubyte.gz).");
        return Read(data, limit);
    }

    internal static IdxArray Read(DataStream data, int? limit)
    {
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The item limit must be at least 1.");
        string path = data.Path;
        var stream = data.Stream;

        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw DataFile.Corrupt(path, "byte 0", $"the {(data.IsCompressed ? "decompressed data is" : "file is")} {got} bytes long; an IDX file starts with a 4-byte magic number.");
        if (magic[0] != 0 || magic[1] != 0)
            throw DataFile.Corrupt(path, "bytes 0-1",
                $"found {magic[0]:x2} {magic[1]:x2}; an IDX file starts with two zero bytes. Is this an IDX file?");
        var type = (IdxElementType)magic[2];
        if (!Enum.IsDefined(type))
            throw DataFile.Corrupt(path, "byte 2",
                $"0x{magic[2]:x2} is not an IDX element type (0x08 unsigned byte, 0x09 signed byte, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64).");
        int rank = magic[3];
        if (rank is < 1 or > MaxDimensions)
            throw DataFile.Corrupt(path, "byte 3", $"the header declares {rank} dimensions; expected 1 to {MaxDimensions}.");

        int headerLength = 4 + 4 * rank;
        Span<byte> dims = stackalloc byte[4 * MaxDimensions];
        got = stream.ReadAtLeast(dims[..(4 * rank)], 4 * rank, throwOnEndOfStream: false);
        if (got < 4 * rank)
            throw DataFile.Corrupt(path, $"byte {4 + got}", $"the header ends early: {rank} dimensions need {4 * rank} bytes after the magic number, found {got}.");
        var shape = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dims[(4 * d)..]);
            if (size == 0 || size > int.MaxValue)
                throw DataFile.Corrupt(path, $"byte {4 + 4 * d}", $"dimension {d} is {(int)size}; dimensions must be between 1 and {int.MaxValue}.");
            shape[d] = (int)size;
            elements = Math.Min(elements * size, long.MaxValue / int.MaxValue); // stays exact until it exceeds any array
        }
        int elementSize = IdxArray.ElementSize(type);
        long declaredBytes = elements * elementSize;
        string shapeText = string.Join("×", shape);
        if (declaredBytes > Array.MaxLength)
            throw DataFile.Corrupt(path, "bytes 4-" + (headerLength - 1),
                $"the header declares {shapeText} elements of {elementSize} byte{(elementSize == 1 ? "" : "s")}, more than one array can hold ({Array.MaxLength} bytes).");
        if (!data.IsCompressed && data.FileLength != headerLength + declaredBytes)
            throw DataFile.Corrupt(path, $"byte {headerLength}",
                data.FileLength < headerLength + declaredBytes
                    ? $"the header declares {shapeText} elements ({declaredBytes} bytes of data), but the file holds only {data.FileLength - headerLength}: it is truncated."
                    : $"the header declares {shapeText} elements ({declaredBytes} bytes of data), but the file holds {data.FileLength - headerLength}: {data.FileLength - headerLength - declaredBytes} bytes follow the data.");

        int declaredCount = shape[0];
        int count = limit is int l ? Math.Min(l, declaredCount) : declaredCount;
        long itemBytes = declaredBytes / declaredCount;
        int wanted = checked((int)(itemBytes * count));
        var bytes = ReadData(stream, path, headerLength, wanted, declaredBytes, data.IsCompressed, data.FileLength);
        if (count == declaredCount)
        {
            // Reading past the end makes a compressed stream check its trailer too.
            if (stream.ReadByte() >= 0)
                throw DataFile.Corrupt(path, $"decompressed byte {headerLength + declaredBytes}",
                    $"the header declares {shapeText} elements ({declaredBytes} bytes of data), but more data follows.");
        }
        shape[0] = count;
        return new IdxArray(type, shape, declaredCount, bytes);
    }

    /// <summary>
    /// Reads <paramref name="wanted"/> bytes. A compressed stream's buffer starts at what the file can hold at most
    /// (deflate expands no more than 1032 to 1; at least 1 MiB) and grows, doubling, with what arrives, so a lying header
    /// in a small file costs no more memory than the file can decompress to, and a real one is read into one buffer.
    /// </summary>
    private static byte[] ReadData(Stream stream, string path, int headerLength, int wanted, long declaredBytes, bool compressed, long fileLength)
    {
        const int firstChunk = 1 << 20;
        const long deflateExpansion = 1032;
        var buffer = new byte[compressed ? (int)Math.Min(wanted, Math.Max(firstChunk, fileLength * deflateExpansion)) : wanted];
        int filled = 0;
        while (filled < wanted)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, wanted));
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
                throw DataFile.Corrupt(path, $"{(compressed ? "decompressed " : "")}byte {headerLength + filled}",
                    $"the data ends after {filled} of the {declaredBytes} bytes the header declares: the file is truncated.");
            filled += read;
        }
        return buffer;
    }
}
