using System.Buffers.Binary;

namespace Bridge.Data;

/// <summary>The element types an IDX file can hold: the third byte of its magic number.</summary>
public enum IdxElementType : byte
{
    UnsignedByte = 0x08,
    SignedByte = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}

/// <summary>
/// The content of an IDX file (the MNIST family's format): an n-dimensional array of one element type.
/// The first dimension counts items (images, labels); the others give each item's shape.
/// </summary>
public sealed class IdxArray
{
    private readonly byte[] _data;

    internal IdxArray(IdxElementType type, int[] shape, int declaredCount, byte[] data)
    {
        ElementType = type;
        Shape = shape;
        DeclaredCount = declaredCount;
        _data = data;
    }

    public IdxElementType ElementType { get; }

    /// <summary>The dimensions as read, the first one cut to the items actually read when a limit was given.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of items read (the first dimension).</summary>
    public int Count => Shape[0];

    /// <summary>The number of items the file's header declares (more than <see cref="Count"/> when a limit cut the read).</summary>
    public int DeclaredCount { get; }

    /// <summary>Values per item: the product of every dimension but the first (1 for a 1-D array).</summary>
    public int ItemSize
    {
        get
        {
            int size = 1;
            for (int d = 1; d < Shape.Count; d++) size *= Shape[d];
            return size;
        }
    }

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        IdxElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Element <paramref name="index"/> of the flattened array (row-major), as a double.</summary>
    public double this[int index]
    {
        get
        {
            int size = ElementSize(ElementType);
            if ((uint)index >= (uint)(_data.Length / size))
                throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} is outside the {_data.Length / size} elements.");
            var bytes = _data.AsSpan(index * size, size);
            return ElementType switch
            {
                IdxElementType.UnsignedByte => bytes[0],
                IdxElementType.SignedByte => (sbyte)bytes[0],
                IdxElementType.Int16 => BinaryPrimitives.ReadInt16BigEndian(bytes),
                IdxElementType.Int32 => BinaryPrimitives.ReadInt32BigEndian(bytes),
                IdxElementType.Float32 => BinaryPrimitives.ReadSingleBigEndian(bytes),
                _ => BinaryPrimitives.ReadDoubleBigEndian(bytes),
            };
        }
    }

    /// <summary>Whether the elements are integers (the types class labels can have).</summary>
    public bool IsInteger => ElementType is not (IdxElementType.Float32 or IdxElementType.Float64);

    /// <summary>One row per item, each value multiplied by <paramref name="scale"/> (1/255 maps bytes to [0, 1]).</summary>
    public Matrix ToMatrix(double scale = 1.0)
    {
        var m = new Matrix(Count, ItemSize);
        if (ElementType == IdxElementType.UnsignedByte)
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = _data[i] * scale;
        else
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = this[i] * scale;
        return m;
    }

    /// <summary>
    /// Unsigned bytes as they are, one row per item, each worth byte × <paramref name="scale"/>: the values
    /// <see cref="ToMatrix"/> gives, held in an eighth of the memory. The rows share this array's bytes.
    /// </summary>
    public Backends.FeatureRows ToFeatureRows(double scale = 1.0)
    {
        if (ElementType != IdxElementType.UnsignedByte)
            throw new InvalidOperationException($"Only unsigned bytes are held as bytes; these IDX elements are {ElementType}: use ToMatrix.");
        return Backends.FeatureRows.FromBytes(Count, ItemSize, _data, scale);
    }

    /// <summary>Every element as an integer; for integer element types only.</summary>
    public int[] ToIntegers()
    {
        if (!IsInteger) throw new InvalidOperationException($"IDX elements of type {ElementType} are not integers.");
        int count = _data.Length / ElementSize(ElementType);
        var values = new int[count];
        if (ElementType == IdxElementType.UnsignedByte)
            for (int i = 0; i < count; i++) values[i] = _data[i];
        else
            for (int i = 0; i < count; i++) values[i] = (int)this[i];
        return values;
    }

    public override string ToString() => $"IDX {ElementType} [{string.Join(", ", Shape)}]";
}
