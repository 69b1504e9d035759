using System.Buffers.Binary;
using System.Text;
using static Bridge.Formats.Pickle.PickleOpcodes;

namespace Bridge.Formats.Pickle;

/// <summary>
/// Reads the pickle of a PyTorch state_dict as plain data, and nothing else. Python's own unpickler calls whatever
/// callable a pickle names (<c>os.system</c> included): loading an untrusted <c>.pt</c> with it runs the file's code.
/// This one is an interpreter of its own for the few opcodes a state_dict is written with (<see cref="PickleOpcodes"/>);
/// it calls no Python and creates no object of a class the file names. The globals it accepts are
/// <c>collections.OrderedDict</c> and <c>torch._utils._rebuild_tensor_v2</c> / <c>_rebuild_parameter</c> (each
/// interpreted here: the dict of items, a <see cref="TensorRef"/>) and the storage types <c>torch.FloatStorage</c>,
/// <c>torch.DoubleStorage</c> and their kin (as names only). Any other global, any other callable, and any other opcode
/// is refused at the byte where it appears, with an <see cref="InvalidDataException"/> that says so ("refused without
/// running anything"), as is a malformed pickle ("not a readable pickle"). Every length is checked against the bytes
/// left before anything is allocated.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");
    private static readonly PickleGlobal RebuildTensor = new("torch._utils", "_rebuild_tensor_v2");
    private static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");

    /// <summary>The storage types torch pickles a tensor's storage as (names only: nothing is built from them).</summary>
    public static readonly IReadOnlySet<string> StorageTypes = new HashSet<string>
    {
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage",
        "CharStorage", "ByteStorage", "BoolStorage",
    };

    /// <summary>Nesting of marks deeper than this is refused (a state_dict nests a few levels).</summary>
    private const int MaxMarks = 64;

    private readonly byte[] _data;
    private readonly string _name;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;

    private RestrictedUnpickler(byte[] data, string name)
    {
        _data = data;
        _name = name;
    }

    /// <summary>The value the pickle in <paramref name="data"/> describes; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">It asks for a global or an opcode a state_dict does not need, or it is truncated or malformed.</exception>
    public static object? Load(byte[] data, string name) => new RestrictedUnpickler(data, name).Run();

    private object? Run()
    {
        while (true)
        {
            if (_position >= _data.Length) throw Damaged("it ends before its STOP opcode (truncated)");
            int at = _position;
            byte opcode = _data[_position++];
            switch (opcode)
            {
                case Proto:
                    if (ReadByte() > 5) throw Damaged($"it declares pickle protocol {_data[_position - 1]}; the highest is 5");
                    break;
                case Frame: Take(8); break; // a length prefix for buffered reading: the data is all here already
                case Stop:
                    if (_stack.Count != 1 || _marks.Count != 0) throw Damaged("its STOP leaves the stack unbalanced");
                    if (_position != _data.Length) throw Damaged($"{_data.Length - _position} bytes follow its STOP");
                    return _stack[0];
                case Mark:
                    if (_marks.Count >= MaxMarks) throw Damaged($"it nests more than {MaxMarks} marks");
                    _marks.Add(_stack.Count);
                    break;
                case EmptyTuple: Push(Array.Empty<object?>()); break;
                case EmptyList: Push(new List<object?>()); break;
                case EmptyDict: Push(new PickleDict(ordered: false)); break;
                case PickleOpcodes.Tuple: Push(PopMark().ToArray()); break;
                case Tuple1: Push(PopMany(1)); break;
                case Tuple2: Push(PopMany(2)); break;
                case Tuple3: Push(PopMany(3)); break;
                case Append:
                {
                    var value = Pop();
                    Top<List<object?>>("APPEND").Add(value);
                    break;
                }
                case Appends:
                {
                    var values = PopMark();
                    Top<List<object?>>("APPENDS").AddRange(values);
                    break;
                }
                case SetItem:
                {
                    var value = Pop();
                    var key = Pop();
                    Top<PickleDict>("SETITEM").Items.Add(new(Key(key), value));
                    break;
                }
                case SetItems:
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0) throw Damaged($"SETITEMS at byte {at} has an odd number of keys and values");
                    var dict = Top<PickleDict>("SETITEMS");
                    for (int i = 0; i < items.Count; i += 2) dict.Items.Add(new(Key(items[i]), items[i + 1]));
                    break;
                }
                case PickleOpcodes.None: Push(null); break;
                case NewTrue: Push(true); break;
                case NewFalse: Push(false); break;
                case BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case BinInt1: Push((long)ReadByte()); break;
                case BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case Long1:
                {
                    int length = ReadByte();
                    if (length > 8) throw Damaged($"LONG1 at byte {at} holds a {length}-byte integer; a state_dict's fit in 8");
                    var bytes = Take(length);
                    long value = 0;
                    for (int i = length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
                    if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) value -= 1L << (8 * length); // two's complement
                    Push(value);
                    break;
                }
                case BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case BinUnicode: Push(Text(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case ShortBinUnicode: Push(Text(ReadByte())); break;
                case BinUnicode8: Push(Text(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))); break;
                case BinPut: _memo[ReadByte()] = Peek(); break;
                case LongBinPut: _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break;
                case Memoize: _memo[_memo.Count] = Peek(); break;
                case BinGet: Push(Recall(ReadByte(), at)); break;
                case LongBinGet: Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), at)); break;
                case Global:
                {
                    string module = Line(at), name = Line(at);
                    Push(Allowed(module, name, at));
                    break;
                }
                case StackGlobal:
                {
                    if (Pop() is not string name || Pop() is not string module) throw Damaged($"STACK_GLOBAL at byte {at} is not given two names");
                    Push(Allowed(module, name, at));
                    break;
                }
                case Reduce:
                {
                    var arguments = Pop() as object?[] ?? throw Damaged($"REDUCE at byte {at} is not given an argument tuple");
                    var callable = Pop();
                    Push(Call(callable, arguments, at));
                    break;
                }
                case Build:
                {
                    var state = Pop();
                    // An OrderedDict's state is its __dict__: for a state_dict, {'_metadata': module versions}, which
                    // loading does not need. Nothing else may be built.
                    if (Peek() is not PickleDict { Ordered: true } || state is not PickleDict stateDict || stateDict.Items.Any(i => i.Key is not string))
                        throw Refused($"BUILD at byte {at} sets the state of {Describe(Peek())}; a state_dict sets only its OrderedDict's metadata");
                    break;
                }
                case BinPersId: Push(Storage(Pop(), at)); break;
                default:
                    throw Refused($"opcode {Name(opcode)} (0x{opcode:x2}) at byte {at} is not one a state_dict is written with");
            }
        }
    }

    /// <summary>A global the pickle names: refused at once unless it is one a state_dict needs.</summary>
    private PickleGlobal Allowed(string module, string name, int at)
    {
        var global = new PickleGlobal(module, name);
        if (global == OrderedDict || global == RebuildTensor || global == RebuildParameter) return global;
        if (module == "torch" && StorageTypes.Contains(name)) return global;
        throw Refused($"it asks for the Python global {module}.{name} (byte {at}), which a state_dict never needs");
    }

    /// <summary>What REDUCE makes of an allowed callable and its arguments, interpreted here rather than called.</summary>
    private object Call(object? callable, object?[] arguments, int at)
    {
        if (callable is not PickleGlobal global || (global != OrderedDict && global != RebuildTensor && global != RebuildParameter))
            throw Refused($"REDUCE at byte {at} calls {Describe(callable)}, which is not a function a state_dict calls");
        if (global == OrderedDict)
        {
            if (arguments.Length != 0) throw Refused($"REDUCE at byte {at} builds an OrderedDict from arguments; a state_dict's starts empty");
            return new PickleDict(ordered: true);
        }
        if (global == RebuildTensor)
        {
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (arguments.Length is < 6 or > 7
                || arguments[0] is not StorageRef storage || arguments[1] is not long offset
                || arguments[2] is not object?[] size || arguments[3] is not object?[] stride || arguments[4] is not bool
                || arguments[5] is not PickleDict hooks || (arguments.Length == 7 && arguments[6] is not (null or PickleDict)))
                throw Damaged($"_rebuild_tensor_v2 at byte {at} is not given (storage, offset, size, stride, requires_grad, hooks)");
            if (hooks.Items.Count != 0) throw Refused($"the tensor at byte {at} carries backward hooks; a state_dict's tensors have none");
            if (offset < 0) throw Damaged($"the tensor at byte {at} starts at offset {offset} of its storage, before its first element");
            return new TensorRef(storage, offset, Longs(size, at), Longs(stride, at));
        }
        // _rebuild_parameter(data, requires_grad, backward_hooks): an nn.Parameter is its tensor here.
        if (arguments.Length != 3 || arguments[0] is not TensorRef tensor || arguments[1] is not bool || arguments[2] is not PickleDict parameterHooks)
            throw Damaged($"_rebuild_parameter at byte {at} is not given (tensor, requires_grad, hooks)");
        if (parameterHooks.Items.Count != 0) throw Refused($"the parameter at byte {at} carries backward hooks; a state_dict's tensors have none");
        return tensor;
    }

    /// <summary>A persistent id: only ('storage', torch.XStorage, key, location, numel), torch's reference to a record.</summary>
    private StorageRef Storage(object? id, int at)
    {
        if (id is not object?[] { Length: 5 } parts || parts[0] is not "storage" || parts[1] is not PickleGlobal type
            || type.Module != "torch" || !StorageTypes.Contains(type.Name) || parts[2] is not string key
            || parts[3] is not string location || parts[4] is not long count || count < 0)
            throw Refused($"BINPERSID at byte {at} names {Describe(id)}; a state_dict names only ('storage', type, key, location, size)");
        return new StorageRef(type, key, location, count);
    }

    private long[] Longs(object?[] values, int at)
    {
        if (values.Length > 8) throw Damaged($"the tensor at byte {at} has {values.Length} dimensions");
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i] is long v && v >= 0 ? v : throw Damaged($"the tensor at byte {at} has a size or stride that is not a whole number ≥ 0");
        return result;
    }

    /// <summary>A dict key as Python would hash it; None becomes the text "None" (keys of a state_dict are strings).</summary>
    private static object Key(object? key) => key ?? "None";

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw Damaged($"it needs {count} more bytes at byte {_position} but {_data.Length - _position} are left (truncated)");
        var span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private string Text(ulong length)
    {
        if (length > (ulong)(_data.Length - _position))
            throw Damaged($"a string at byte {_position} claims {length} bytes but {_data.Length - _position} are left (truncated)");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take((long)length));
        }
        catch (DecoderFallbackException)
        {
            throw Damaged($"a string before byte {_position} is not valid UTF-8");
        }
    }

    /// <summary>One newline-terminated ASCII line of a GLOBAL opcode (a module or a name).</summary>
    private string Line(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position, Math.Min(256, _data.Length - _position));
        if (end < 0) throw Damaged($"GLOBAL at byte {at} has no name line of at most 256 bytes");
        var bytes = _data.AsSpan(_position, end - _position);
        foreach (byte b in bytes)
            if (b < 0x20 || b > 0x7e) throw Damaged($"GLOBAL at byte {at} names something that is not printable ASCII");
        _position = end + 1;
        return Encoding.ASCII.GetString(bytes);
    }

    private object? Recall(long index, int at) =>
        _memo.TryGetValue(index, out var value) ? value : throw Damaged($"it recalls memo entry {index} at byte {at}, which was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw Damaged($"an opcode before byte {_position} takes a value from an empty stack");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw Damaged($"an opcode before byte {_position} looks at an empty stack");
        return _stack[^1];
    }

    private object?[] PopMany(int count)
    {
        var values = new object?[count];
        for (int i = count - 1; i >= 0; i--) values[i] = Pop();
        return values;
    }

    /// <summary>Everything pushed since the last MARK, which is removed.</summary>
    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Damaged($"an opcode before byte {_position} needs a MARK that was never set");
        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var values = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return values;
    }

    private T Top<T>(string opcode) where T : class =>
        Peek() as T ?? throw Damaged($"{opcode} before byte {_position} adds to {Describe(Peek())}, not a {(typeof(T) == typeof(PickleDict) ? "dict" : "list")}");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickleGlobal g => g.ToString(),
        PickleDict d => d.Ordered ? "an OrderedDict" : "a dict",
        object?[] t => $"a tuple of {t.Length}",
        List<object?> => "a list",
        string s => $"the string '{(s.Length > 40 ? s[..40] + "…" : s)}'",
        TensorRef => "a tensor",
        StorageRef => "a storage",
        _ => value.GetType() == typeof(long) ? "an integer" : value.GetType().Name.ToLowerInvariant(),
    };

    private InvalidDataException Damaged(string problem) => new($"{_name} is not a readable pickle: {problem}.");

    private InvalidDataException Refused(string problem) =>
        new($"{_name}: refused without running anything: {problem}. Bridge reads tensors, their storages and the " +
            "OrderedDict around them, never other pickled objects (a file of torch.save(model) holds the model's " +
            "classes: save model.state_dict() instead).");
}
