using System.Buffers.Binary;

namespace Bridge.Formats;

/// <summary>
/// Checks an HDF5 file before PureHDF reads it, for two things PureHDF 2.2 does not guard against:
/// <list type="bullet">
/// <item>a file cut short: PureHDF reads lazily, so a cut past the objects a reader touches (Keras files end with the
/// optimizer's and the model's own groups, which Bridge does not read) would go unnoticed. The superblock, at the start
/// of every HDF5 file, states where the file ends.</item>
/// <item>soft and external links: PureHDF follows a soft link that leads back to itself until the process's stack
/// runs out (a crash no handler can catch; one flipped byte in a link's type makes one), and an external link makes it
/// open another file. Keras and Bridge write hard links only, so any other kind is refused. Links live in old-style
/// groups' symbol table nodes (SNOD, as h5py writes them) and in version-2 object headers and the continuation chunks
/// they point to (OHDR, OCHK, as PureHDF writes them); nodes and headers are found by their signatures and their
/// messages read by the rules PureHDF decodes them with.</item>
/// </list>
/// </summary>
internal static class Hdf5Screen
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    private const byte LinkMessage = 0x06;
    private const byte ContinuationMessage = 0x10;
    private const uint SoftLinkCache = 2;

    /// <exception cref="InvalidDataException">Not HDF5, shorter than its superblock says, or holding a link that is not a hard link.</exception>
    public static void Check(Stream stream, string name)
    {
        var bytes = new byte[stream.Length];
        stream.Position = 0;
        stream.ReadExactly(bytes);
        stream.Position = 0;
        EnsureWhole(bytes, name);
        EnsureHardLinksOnly(bytes, name);
    }

    private static void EnsureWhole(byte[] bytes, string name)
    {
        // The superblock sits at 0, or after a user block at 512, 1024, 2048, … bytes.
        for (long at = 0; at + 64 <= bytes.Length; at = at == 0 ? 512 : at * 2)
        {
            var head = bytes.AsSpan((int)at, 64);
            if (!head[..8].SequenceEqual(Signature)) continue;
            byte version = head[8];
            // Where the base address is ("end of file" follows 16 bytes later), and the width of addresses, by version.
            (int offsetSize, int baseAt) = version switch
            {
                0 => (head[13], 24),
                1 => (head[13], 28),
                2 or 3 => (head[9], 12),
                _ => throw new InvalidDataException($"{name} has HDF5 superblock version {version}, which Bridge does not read."),
            };
            if (offsetSize != 8)
                throw new InvalidDataException($"{name} is not a readable HDF5 file: its superblock gives {offsetSize}-byte addresses (damaged?).");
            ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(head[baseAt..]);
            ulong end = BinaryPrimitives.ReadUInt64LittleEndian(head[(baseAt + 16)..]);
            if (baseAddress > (ulong)bytes.Length || end > (ulong)bytes.Length - baseAddress)
                throw new InvalidDataException($"{name} is truncated: its HDF5 superblock says it is {baseAddress + end} bytes long, but it has {bytes.Length}.");
            return;
        }
        throw new InvalidDataException($"{name} is not a readable HDF5 file (no HDF5 signature: truncated, or another format).");
    }

    private static void EnsureHardLinksOnly(byte[] bytes, string name)
    {
        var span = bytes.AsSpan();
        for (int at = span.IndexOf("SNOD"u8); at >= 0; at = Next(span, at, "SNOD"u8))
        {
            // Symbol table node, version 1: signature, version, reserved, entry count, then 40-byte entries whose cache
            // type (at 16) 2 marks a soft link.
            if (at + 8 > span.Length || span[at + 4] != 1) continue;
            int count = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 6)..]);
            for (int e = 0; e < count && at + 8 + 40 * (e + 1) <= span.Length; e++)
                if (BinaryPrimitives.ReadUInt32LittleEndian(span[(at + 8 + 40 * e + 16)..]) == SoftLinkCache)
                    throw Refused(name, at);
        }
        for (int at = span.IndexOf("OHDR"u8); at >= 0; at = Next(span, at, "OHDR"u8))
            ScanHeader(span, at, name);
    }

    /// <summary>A version-2 object header (OHDR): its messages, and those of the continuation chunks (OCHK) it points to.</summary>
    private static void ScanHeader(ReadOnlySpan<byte> span, int at, string name)
    {
        int position = at + 4;
        if (position + 2 > span.Length || span[position] != 2) return;
        byte flags = span[position + 1];
        position += 2;
        if ((flags & 0x20) != 0) position += 16;  // access, modification, change and birth times
        if ((flags & 0x10) != 0) position += 4;   // attribute storage phase change values
        int sizeBytes = 1 << (flags & 0x03);
        if (position + sizeBytes > span.Length) return;
        ulong size = sizeBytes switch
        {
            1 => span[position],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(span[position..]),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(span[position..]),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(span[position..]),
        };
        position += sizeBytes;
        bool creationOrder = (flags & 0x04) != 0;
        var chunks = new Queue<(long Start, long End)>();
        chunks.Enqueue((position, position + (long)Math.Min(size, (ulong)span.Length)));
        var seen = new HashSet<long>();
        while (chunks.Count > 0 && seen.Count < 1024)
        {
            var (start, end) = chunks.Dequeue();
            if (!seen.Add(start)) continue;
            ScanMessages(span, (int)start, (int)Math.Min(end, span.Length), creationOrder, at, name, chunks);
        }
    }

    /// <summary>Messages from <paramref name="position"/> to <paramref name="end"/>: any link that is not hard is refused; continuations are queued.</summary>
    private static void ScanMessages(ReadOnlySpan<byte> span, int position, int end, bool creationOrder, int header, string name,
        Queue<(long Start, long End)> chunks)
    {
        int headerBytes = creationOrder ? 6 : 4;
        while (position >= 0 && position + headerBytes <= end)
        {
            byte type = span[position];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 1)..]);
            int data = position + headerBytes;
            if (data + size > end) return;
            if (type == LinkMessage && size >= 2 && span[data] == 1)
            {
                byte linkFlags = span[data + 1];
                // Link type present (flag bit 3) and not 0 (hard): 1 is soft, 64 external.
                if ((linkFlags & 0x08) != 0 && size >= 3 && span[data + 2] != 0) throw Refused(name, header);
            }
            if (type == ContinuationMessage && size >= 16)
            {
                // Offset and length of the next chunk: "OCHK", messages, a 4-byte checksum.
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(span[data..]);
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(span[(data + 8)..]);
                if (offset <= (ulong)span.Length - 8 && length >= 8 && span.Slice((int)offset, 4).SequenceEqual("OCHK"u8))
                    chunks.Enqueue(((long)offset + 4, (long)Math.Min(offset + length - 4, (ulong)span.Length)));
            }
            position = data + size;
        }
    }

    private static int Next(ReadOnlySpan<byte> span, int at, ReadOnlySpan<byte> signature)
    {
        int next = span[(at + 1)..].IndexOf(signature);
        return next < 0 ? -1 : at + 1 + next;
    }

    private static InvalidDataException Refused(string name, int at) =>
        new($"{name}: the HDF5 structure at byte {at} holds a soft or external link; Keras and Bridge write hard links only, " +
            "so the file is damaged or was written by something else. Bridge does not follow such links.");
}
