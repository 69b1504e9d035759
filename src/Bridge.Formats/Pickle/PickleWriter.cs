using System.Buffers.Binary;
using System.Text;
using static Bridge.Formats.Pickle.PickleOpcodes;

namespace Bridge.Formats.Pickle;

/// <summary>
/// Writes a pickle (protocol 2, which every Python 3 and every torch reads) out of the few opcodes a state_dict needs:
/// the caller says what to push in the order the unpickler will meet it.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _bytes = new();

    public PickleWriter() => _bytes.Write([Proto, 2]);

    /// <summary>Pushes the global MODULE.NAME.</summary>
    public PickleWriter Global(string module, string name)
    {
        _bytes.WriteByte(PickleOpcodes.Global);
        _bytes.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        return this;
    }

    public PickleWriter Mark() => Op(PickleOpcodes.Mark);

    public PickleWriter EmptyTuple() => Op(PickleOpcodes.EmptyTuple);

    /// <summary>Replaces everything since the last MARK by a tuple of it.</summary>
    public PickleWriter Tuple() => Op(PickleOpcodes.Tuple);

    /// <summary>Calls the callable below the argument tuple on top.</summary>
    public PickleWriter Reduce() => Op(PickleOpcodes.Reduce);

    /// <summary>Replaces the tuple on top by what the unpickler's persistent_load makes of it.</summary>
    public PickleWriter PersistentId() => Op(BinPersId);

    /// <summary>Adds the keys and values since the last MARK to the dict below it.</summary>
    public PickleWriter SetItems() => Op(PickleOpcodes.SetItems);

    public PickleWriter Bool(bool value) => Op(value ? NewTrue : NewFalse);

    public PickleWriter Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        _bytes.WriteByte(BinUnicode);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes.Length);
        _bytes.Write(length);
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A whole number, in the shortest opcode that holds it (as Python's pickler chooses).</summary>
    public PickleWriter Int(long value)
    {
        if (value is >= 0 and <= byte.MaxValue) return Op(BinInt1).Raw([(byte)value]);
        if (value is >= 0 and <= ushort.MaxValue)
        {
            Span<byte> two = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)value);
            return Op(BinInt2).Raw(two);
        }
        Span<byte> bytes = stackalloc byte[8];
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
            return Op(BinInt).Raw(bytes[..4]);
        }
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Op(Long1).Raw([8]).Raw(bytes);
    }

    /// <summary>The finished pickle, ended by STOP.</summary>
    public byte[] Finish()
    {
        _bytes.WriteByte(Stop);
        return _bytes.ToArray();
    }

    private PickleWriter Op(byte opcode)
    {
        _bytes.WriteByte(opcode);
        return this;
    }

    private PickleWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }
}
