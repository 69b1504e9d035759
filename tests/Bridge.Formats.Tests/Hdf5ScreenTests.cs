using System.Buffers.Binary;
using System.Text;

namespace Bridge.Formats.Tests;

/// <summary>
/// The HDF5 screen finds links that are not hard wherever PureHDF would meet them — in version-1 object headers (which
/// carry no signature), through hard links and continuation blocks, in a version-2 continuation chunk whatever length
/// its header claims — refuses groups in dense link storage, passes hard links, and refuses a file too large to
/// screen as such. The files are crafted here, byte by byte, with the HDF5 specification's layouts: a version-0
/// superblock whose root group entry points at the first object header, then the headers.
/// </summary>
public sealed class Hdf5ScreenTests
{
    private const int SuperblockBytes = 96;
    private const ushort LinkInfo = 0x02, Link = 0x06, Nil = 0x00, Continuation = 0x10;

    /// <summary>A version-0 superblock, then the blocks given, the first of which is the root group's object header.</summary>
    private static byte[] File(params byte[][] blocks)
    {
        var bytes = new byte[SuperblockBytes + blocks.Sum(b => b.Length)];
        new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n' }.CopyTo(bytes, 0);
        bytes[13] = 8; bytes[14] = 8;                                                    // sizes of offsets and lengths
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 4);                   // group leaf node K
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 16);                  // group internal node K
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(32), ulong.MaxValue);      // no free-space info
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), (ulong)bytes.Length); // end of file
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(48), ulong.MaxValue);      // no driver info
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(64), SuperblockBytes);     // the root group's object header
        int at = SuperblockBytes;
        foreach (var block in blocks)
        {
            block.CopyTo(bytes, at);
            at += block.Length;
        }
        return bytes;
    }

    /// <summary>Messages as a version-1 header holds them: type, size, flags, 3 reserved bytes, the data padded to 8.</summary>
    private static byte[] Version1Messages(params (ushort Type, byte[] Data)[] messages)
    {
        var bytes = new List<byte>();
        foreach (var (type, data) in messages)
        {
            int size = (data.Length + 7) / 8 * 8;
            var head = new byte[8];
            BinaryPrimitives.WriteUInt16LittleEndian(head, type);
            BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(2), (ushort)size);
            bytes.AddRange(head);
            bytes.AddRange(data);
            bytes.AddRange(new byte[size - data.Length]);
        }
        return [.. bytes];
    }

    /// <summary>A version-1 object header: version 1, reserved, message count, reference count, size, padding, messages.</summary>
    private static byte[] Version1Header(params (ushort Type, byte[] Data)[] messages)
    {
        var body = Version1Messages(messages);
        var head = new byte[16];
        head[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(2), (ushort)messages.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), (uint)body.Length);
        return [.. head, .. body];
    }

    /// <summary>A link message: version 1, flags (link type present), the type (0 hard, 1 soft), a 1-byte name length, the name, the link's value.</summary>
    private static byte[] LinkTo(byte linkType, string name, byte[] value) =>
        [1, 0x08, linkType, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), .. value];

    private static byte[] SoftLink(string name, string target) =>
        LinkTo(1, name, [.. U16((ushort)target.Length), .. Encoding.ASCII.GetBytes(target)]);

    private static byte[] HardLink(string name, ulong address) => LinkTo(0, name, U64(address));

    private static byte[] U16(ushort value) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, value); return b; }

    private static byte[] U64(ulong value) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, value); return b; }

    /// <summary>A Link Info message: version 0, no creation order, the fractal heap's and the name index's addresses.</summary>
    private static byte[] LinkInfoAt(ulong heap) => [0, 0, .. U64(heap), .. U64(ulong.MaxValue)];

    private static Exception? Screen(byte[] file) => Record.Exception(() => Hdf5Screen.Check(new MemoryStream(file), "crafted.h5"));

    private static void AssertRefusedAsLink(byte[] file)
    {
        var e = Assert.IsType<InvalidDataException>(Screen(file));
        Assert.Contains("soft or external link", e.Message);
    }

    [Fact]
    public void Hard_links_between_version_1_headers_pass()
    {
        var root = Version1Header((Link, HardLink("layers", 0)));
        var target = Version1Header((Nil, new byte[8]));
        root = Version1Header((Link, HardLink("layers", (ulong)(SuperblockBytes + root.Length))));
        Assert.Null(Screen(File(root, target)));
    }

    [Fact]
    public void A_soft_link_in_the_root_groups_version_1_header_is_refused()
    {
        // A link to itself: PureHDF would follow it until the stack overflowed.
        AssertRefusedAsLink(File(Version1Header((Link, SoftLink("layers", "/layers")))));
    }

    [Fact]
    public void A_soft_link_in_a_version_1_header_reached_by_a_hard_link_is_refused()
    {
        var root = Version1Header((Link, HardLink("layers", 0)));
        var target = Version1Header((Link, SoftLink("dense", "/layers")));
        root = Version1Header((Link, HardLink("layers", (ulong)(SuperblockBytes + root.Length))));
        AssertRefusedAsLink(File(root, target));
    }

    [Fact]
    public void A_soft_link_in_a_version_1_continuation_block_is_refused()
    {
        var block = Version1Messages((Link, SoftLink("layers", "/layers")));
        var root = Version1Header((Continuation, [.. U64(0), .. U64((ulong)block.Length)]));
        root = Version1Header((Continuation, [.. U64((ulong)(SuperblockBytes + root.Length)), .. U64((ulong)block.Length)]));
        AssertRefusedAsLink(File(root, block));
    }

    [Fact]
    public void A_group_in_dense_link_storage_is_refused_and_one_without_passes()
    {
        var e = Assert.IsType<InvalidDataException>(Screen(File(Version1Header((LinkInfo, LinkInfoAt(4096))))));
        Assert.Contains("dense storage", e.Message);
        Assert.Null(Screen(File(Version1Header((LinkInfo, LinkInfoAt(ulong.MaxValue))))));
    }

    [Theory]
    [InlineData(false)]   // the chunk's true length: "OCHK", the message, a checksum
    [InlineData(true)]    // a length so large that offset + length - 4 wraps round to just before the chunk
    public void A_soft_link_in_a_version_2_continuation_chunk_is_refused_whatever_length_is_claimed(bool wrapping)
    {
        var link = SoftLink("layers", "/layers");
        byte[] chunk = [.. "OCHK"u8, (byte)Link, .. U16((ushort)link.Length), 0, .. link, 0, 0, 0, 0];
        ulong length = wrapping ? ulong.MaxValue - 2 : (ulong)chunk.Length;
        // OHDR version 2, flags 0 (a 1-byte chunk size), one continuation message (type, size, flags, data), a checksum.
        byte[] Header(ulong at) => [.. "OHDR"u8, 2, 0, 20, (byte)Continuation, .. U16(16), 0, .. U64(at), .. U64(length), 0, 0, 0, 0];
        var root = Version1Header((Nil, new byte[8]));
        var header = Header(0);
        header = Header((ulong)(SuperblockBytes + root.Length + header.Length));
        AssertRefusedAsLink(File(root, header, chunk));
    }

    [Fact]
    public void Bridges_own_file_of_a_group_of_more_than_8_links_reads()
    {
        // HDF5 libraries move a new-style group of more than 8 links to dense storage; PureHDF keeps them in the header.
        var spec = new Mlp(3, Enumerable.Range(0, 12).Select(_ => new Dense(4, Activation.Tanh)).ToArray());
        var weights = Shapes.Weights(spec);
        string path = Path.Combine(Path.GetTempPath(), $"bridge-{Guid.NewGuid():N}.weights.h5");
        try
        {
            KerasWeightsFile.Save(weights, path);
            Assert.Equal(weights.Flatten(), KerasWeightsFile.Load(path, spec).Flatten());
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_file_larger_than_an_array_is_refused_as_too_large_before_anything_is_read()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasWeightsFile.Read(new LengthOnlyStream(3L << 30), "huge.weights.h5", new Perceptron(2)));
        Assert.Contains("huge.weights.h5 is 3221225472 bytes: too large for Bridge's weight files", e.Message);
    }

    /// <summary>A stream that states a length and has no bytes to give: reading it is a failure of the test.</summary>
    private sealed class LengthOnlyStream(long length) : Stream
    {
        public override long Length => length;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Position { get; set; }
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the stream was read");
        public override long Seek(long offset, SeekOrigin origin) => throw new InvalidOperationException("the stream was sought");
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
