using System.Buffers.Binary;

namespace Bridge.Tests;

/// <summary>Builds IDX files byte by byte, as the format describes them, for tests.</summary>
public static class IdxBytes
{
    public static byte[] Make(byte type, int[] shape, byte[] data)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    /// <summary>An unsigned-byte images file: count images of rows × cols, pixel (n, i) = (n·7 + i) mod 256.</summary>
    public static byte[] Images(int count, int rows, int cols)
    {
        var data = new byte[count * rows * cols];
        for (int n = 0; n < count; n++)
            for (int i = 0; i < rows * cols; i++)
                data[n * rows * cols + i] = (byte)((n * 7 + i) % 256);
        return Make(0x08, [count, rows, cols], data);
    }

    public static byte[] Labels(params byte[] labels) => Make(0x08, [labels.Length], labels);
}
