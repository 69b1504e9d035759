using System.Buffers.Binary;

namespace Bridge.Formats;

/// <summary>
/// Checks an HDF5 file before PureHDF reads it, for three things PureHDF 2.2 does not guard against:
/// <list type="bullet">
/// <item>a file cut short: PureHDF reads lazily, so a cut past the objects a reader touches (Keras files end with the
/// optimizer's and the model's own groups, which Bridge does not read) would go unnoticed. The superblock, at the start
/// of every HDF5 file, states where the file ends.</item>
/// <item>soft and external links: PureHDF follows a soft link that leads back to itself until the process's stack
/// runs out (a crash no handler can catch; one flipped byte in a link's type makes one), and an external link makes it
/// open another file. Keras and Bridge write hard links only, so any other kind is refused. The links screened are
/// those of old-style groups' symbol table nodes (SNOD, as h5py writes them, found anywhere by their signature), the
/// link messages of version-2 object headers (OHDR, as PureHDF writes them, found anywhere by their signature) and of
/// version-1 object headers (which have no signature: those reached from the root group, a symbol table entry or a
/// hard link are read), with the continuation chunks each header points to; messages are read by the rules PureHDF
/// decodes them with.</item>
/// <item>dense link storage (a Link Info message naming a fractal heap, where a new-style group of many links keeps
/// them): its links are not screened, so such a group is refused. Neither Keras (h5py writes old-style groups, however
/// many links) nor Bridge (PureHDF keeps links in the header) writes one.</item>
/// </list>
/// </summary>
internal static class Hdf5Screen
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    private const int LinkInfoMessage = 0x02;
    private const int LinkMessage = 0x06;
    private const int ContinuationMessage = 0x10;
    private const uint SoftLinkCache = 2;
    private const ulong UndefinedAddress = ulong.MaxValue;

    /// <exception cref="InvalidDataException">Not HDF5, larger than an array holds, shorter than its superblock says, holding a link that is not a hard link, or a group in dense link storage.</exception>
    public static void Check(Stream stream, string name)
    {
        // The file is screened whole in memory: one array bounds it, and Bridge's weight files are far smaller.
        if (stream.Length > Array.MaxLength)
            throw new InvalidDataException($"{name} is {stream.Length} bytes: too large for Bridge's weight files (at most {Array.MaxLength} bytes are read).");
        var bytes = new byte[stream.Length];
        stream.Position = 0;
        stream.ReadExactly(bytes);
        stream.Position = 0;
        var (baseAddress, root) = EnsureWhole(bytes, name);
        EnsureHardLinksOnly(bytes, baseAddress, root, name);
    }

    /// <summary>Checks the superblock's length of the file; returns its base address and the root group's object header address (relative to the base).</summary>
    private static (long BaseAddress, ulong Root) EnsureWhole(byte[] bytes, string name)
    {
        // The superblock sits at 0, or after a user block at 512, 1024, 2048, … bytes.
        for (long at = 0; at + 64 <= bytes.Length; at = at == 0 ? 512 : at * 2)
        {
            var head = bytes.AsSpan((int)at, 64);
            if (!head[..8].SequenceEqual(Signature)) continue;
            byte version = head[8];
            // Where the base address is ("end of file" follows 16 bytes later), the width of addresses, and where the
            // root group's object header address is (in the root's symbol table entry before version 2), by version.
            (int offsetSize, int baseAt, int rootAt) = version switch
            {
                0 => (head[13], 24, 24 + 40),
                1 => (head[13], 28, 28 + 40),
                2 or 3 => (head[9], 12, 12 + 24),
                _ => throw new InvalidDataException($"{name} has HDF5 superblock version {version}, which Bridge does not read."),
            };
            if (offsetSize != 8)
                throw new InvalidDataException($"{name} is not a readable HDF5 file: its superblock gives {offsetSize}-byte addresses (damaged?).");
            ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(head[baseAt..]);
            ulong end = BinaryPrimitives.ReadUInt64LittleEndian(head[(baseAt + 16)..]);
            if (baseAddress > (ulong)bytes.Length || end > (ulong)bytes.Length - baseAddress)
                throw new InvalidDataException($"{name} is truncated: its HDF5 superblock says it is {baseAddress + end} bytes long, but it has {bytes.Length}.");
            ulong root = at + rootAt + 8 <= bytes.Length ? BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)at + rootAt)) : UndefinedAddress;
            return ((long)baseAddress, root);
        }
        throw new InvalidDataException($"{name} is not a readable HDF5 file (no HDF5 signature: truncated, or another format).");
    }

    private static void EnsureHardLinksOnly(byte[] bytes, long baseAddress, ulong root, string name)
    {
        var span = bytes.AsSpan();
        // Object headers of version 1 have no signature: they are found through the addresses that lead to them.
        var headers = new Queue<ulong>();
        headers.Enqueue(root);
        for (int at = span.IndexOf("SNOD"u8); at >= 0; at = Next(span, at, "SNOD"u8))
        {
            // Symbol table node, version 1: signature, version, reserved, entry count, then 40-byte entries: the name's
            // heap offset, the object header address, and the cache type, 2 for a soft link.
            if (at + 8 > span.Length || span[at + 4] != 1) continue;
            int count = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 6)..]);
            for (int e = 0; e < count && at + 8 + 40 * (e + 1) <= span.Length; e++)
            {
                var entry = span[(at + 8 + 40 * e)..];
                if (BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]) == SoftLinkCache) throw Refused(name, at);
                headers.Enqueue(BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
            }
        }
        for (int at = span.IndexOf("OHDR"u8); at >= 0; at = Next(span, at, "OHDR"u8))
            ScanHeader(span, at, baseAddress, name, headers);
        var seen = new HashSet<ulong>();
        while (headers.Count > 0)
        {
            ulong address = headers.Dequeue();
            if (seen.Add(address) && address < (ulong)(span.Length - baseAddress))
                ScanVersion1Header(span, (int)(baseAddress + (long)address), baseAddress, name, headers);
        }
    }

    /// <summary>A version-2 object header (OHDR): its messages, and those of the continuation chunks (OCHK) it points to.</summary>
    private static void ScanHeader(ReadOnlySpan<byte> span, int at, long baseAddress, string name, Queue<ulong> headers)
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
        ScanChunks(span, 2, (flags & 0x04) != 0, position, size, at, baseAddress, name, headers);
    }

    /// <summary>
    /// A version-1 object header: version 1, a reserved byte, the message count, the reference count, the size of the
    /// messages, padding to 16 bytes, then the messages. Anything else at the address (a version-2 header, scanned by
    /// its signature, or damage PureHDF will meet itself) is passed over.
    /// </summary>
    private static void ScanVersion1Header(ReadOnlySpan<byte> span, int at, long baseAddress, string name, Queue<ulong> headers)
    {
        if (at > span.Length - 16 || span[at] != 1 || span[at + 1] != 0) return;
        ulong size = BinaryPrimitives.ReadUInt32LittleEndian(span[(at + 8)..]);
        ScanChunks(span, 1, creationOrder: false, at + 16, size, at, baseAddress, name, headers);
    }

    /// <summary>The messages of a header's first chunk (<paramref name="size"/> bytes from <paramref name="start"/>) and of the continuation chunks they point to.</summary>
    private static void ScanChunks(ReadOnlySpan<byte> span, int version, bool creationOrder, int start, ulong size, int header, long baseAddress,
        string name, Queue<ulong> headers)
    {
        var chunks = new Queue<(int Start, int End)>();
        chunks.Enqueue((start, End(span, start, size)));
        var seen = new HashSet<int>();
        while (chunks.Count > 0 && seen.Count < 1024)
        {
            var (from, end) = chunks.Dequeue();
            if (seen.Add(from)) ScanMessages(span, version, from, end, creationOrder, header, baseAddress, name, chunks, headers);
        }
    }

    /// <summary>
    /// Messages from <paramref name="position"/> to <paramref name="end"/>: a link that is not hard, or links in dense
    /// storage, are refused; continuations are queued in <paramref name="chunks"/>, hard links' targets in <paramref name="headers"/>.
    /// </summary>
    private static void ScanMessages(ReadOnlySpan<byte> span, int version, int position, int end, bool creationOrder, int header, long baseAddress,
        string name, Queue<(int Start, int End)> chunks, Queue<ulong> headers)
    {
        // A message's type, size and flags: in version 1, 2 + 2 + 1 bytes and 3 reserved; in version 2, 1 + 2 + 1
        // bytes and the message's creation order (2) where the header tracks it.
        int headerBytes = version == 1 ? 8 : creationOrder ? 6 : 4;
        while (position >= 0 && position + headerBytes <= end)
        {
            int type = version == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(span[position..]) : span[position];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(span[(position + (version == 1 ? 2 : 1))..]);
            int data = position + headerBytes;
            if (size > end - data) return;
            var message = span.Slice(data, size);
            if (type == LinkMessage) ScanLink(message, header, baseAddress, name, headers);
            if (type == LinkInfoMessage && message.Length >= 2 && message[0] == 0)
            {
                // Version 0, flags, the maximum creation index where flag bit 0 says it is tracked, then the fractal
                // heap's address: defined only when the group keeps its links in dense storage.
                int heapAt = 2 + ((message[1] & 0x01) != 0 ? 8 : 0);
                if (message.Length >= heapAt + 8 && BinaryPrimitives.ReadUInt64LittleEndian(message[heapAt..]) != UndefinedAddress)
                    throw new InvalidDataException($"{name}: the HDF5 group at byte {header} keeps its links in dense storage (a fractal heap), which " +
                        "neither Keras nor Bridge writes for a network's weights, so the file is damaged or was written by something else. Bridge does not read such groups.");
            }
            if (type == ContinuationMessage && size >= 16)
            {
                // Offset and length of the next chunk: in version 2 "OCHK", messages, a 4-byte checksum; in version 1
                // messages only.
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(message) + (ulong)baseAddress;
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(message[8..]);
                if (version == 1 && offset < (ulong)span.Length)
                    chunks.Enqueue(((int)offset, End(span, (int)offset, length)));
                if (version == 2 && offset <= (ulong)span.Length - 8 && length >= 8 && span.Slice((int)offset, 4).SequenceEqual("OCHK"u8))
                    chunks.Enqueue(((int)offset + 4, End(span, (int)offset + 4, length - 8)));
            }
            position = data + size;
        }
    }

    /// <summary>A link message: refused unless hard; a hard link's target is queued.</summary>
    private static void ScanLink(ReadOnlySpan<byte> message, int header, long baseAddress, string name, Queue<ulong> headers)
    {
        // Version 1, flags, the link type where flag bit 3 says it is present (0 hard, 1 soft, 64 external; hard when
        // absent), the creation order (bit 2), the name's character set (bit 4), the name's length in 1 << (flags & 3)
        // bytes, the name, then for a hard link the target's object header address.
        if (message.Length < 2 || message[0] != 1) return;
        byte flags = message[1];
        int position = 2;
        if ((flags & 0x08) != 0)
        {
            if (message.Length < 3) return;
            if (message[position++] != 0) throw Refused(name, header);
        }
        if ((flags & 0x04) != 0) position += 8;
        if ((flags & 0x10) != 0) position += 1;
        int lengthBytes = 1 << (flags & 0x03);
        if (position + lengthBytes > message.Length) return;
        ulong nameLength = lengthBytes switch
        {
            1 => message[position],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(message[position..]),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(message[position..]),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(message[position..]),
        };
        position += lengthBytes;
        if (message.Length - position < 8 || nameLength > (ulong)(message.Length - position - 8)) return;
        headers.Enqueue(BinaryPrimitives.ReadUInt64LittleEndian(message[(position + (int)nameLength)..]));
    }

    /// <summary>Where a chunk of <paramref name="length"/> bytes from <paramref name="start"/> ends, or the file's end where it claims more (no sum that can wrap).</summary>
    private static int End(ReadOnlySpan<byte> span, int start, ulong length) =>
        length <= (ulong)(span.Length - start) ? start + (int)length : span.Length;

    private static int Next(ReadOnlySpan<byte> span, int at, ReadOnlySpan<byte> signature)
    {
        int next = span[(at + 1)..].IndexOf(signature);
        return next < 0 ? -1 : at + 1 + next;
    }

    private static InvalidDataException Refused(string name, int at) =>
        new($"{name}: the HDF5 structure at byte {at} holds a soft or external link; Keras and Bridge write hard links only, " +
            "so the file is damaged or was written by something else. Bridge does not follow such links.");
}
