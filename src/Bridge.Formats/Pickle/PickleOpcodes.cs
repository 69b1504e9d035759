namespace Bridge.Formats.Pickle;

/// <summary>
/// The pickle opcodes a PyTorch state_dict is written with (protocols 2 to 5), named as Python's pickletools names
/// them. Any opcode not listed here is refused by <see cref="RestrictedUnpickler"/>.
/// </summary>
internal static class PickleOpcodes
{
    public const byte Proto = 0x80;
    public const byte Frame = 0x95;
    public const byte Stop = (byte)'.';
    public const byte Mark = (byte)'(';
    public const byte EmptyTuple = (byte)')';
    public const byte EmptyList = (byte)']';
    public const byte EmptyDict = (byte)'}';
    public const byte Tuple = (byte)'t';
    public const byte Tuple1 = 0x85;
    public const byte Tuple2 = 0x86;
    public const byte Tuple3 = 0x87;
    public const byte Append = (byte)'a';
    public const byte Appends = (byte)'e';
    public const byte SetItem = (byte)'s';
    public const byte SetItems = (byte)'u';
    public const byte None = (byte)'N';
    public const byte NewTrue = 0x88;
    public const byte NewFalse = 0x89;
    public const byte BinInt = (byte)'J';
    public const byte BinInt1 = (byte)'K';
    public const byte BinInt2 = (byte)'M';
    public const byte Long1 = 0x8a;
    public const byte BinFloat = (byte)'G';
    public const byte BinUnicode = (byte)'X';
    public const byte ShortBinUnicode = 0x8c;
    public const byte BinUnicode8 = 0x8d;
    public const byte BinPut = (byte)'q';
    public const byte LongBinPut = (byte)'r';
    public const byte BinGet = (byte)'h';
    public const byte LongBinGet = (byte)'j';
    public const byte Memoize = 0x94;
    public const byte Global = (byte)'c';
    public const byte StackGlobal = 0x93;
    public const byte Reduce = (byte)'R';
    public const byte Build = (byte)'b';
    public const byte BinPersId = (byte)'Q';

    /// <summary>pickletools's name of an opcode, for messages (also of the ones refused).</summary>
    public static string Name(byte opcode) => opcode switch
    {
        Proto => "PROTO", Frame => "FRAME", Stop => "STOP", Mark => "MARK", EmptyTuple => "EMPTY_TUPLE",
        EmptyList => "EMPTY_LIST", EmptyDict => "EMPTY_DICT", Tuple => "TUPLE", Tuple1 => "TUPLE1", Tuple2 => "TUPLE2",
        Tuple3 => "TUPLE3", Append => "APPEND", Appends => "APPENDS", SetItem => "SETITEM", SetItems => "SETITEMS",
        None => "NONE", NewTrue => "NEWTRUE", NewFalse => "NEWFALSE", BinInt => "BININT", BinInt1 => "BININT1",
        BinInt2 => "BININT2", Long1 => "LONG1", BinFloat => "BINFLOAT", BinUnicode => "BINUNICODE",
        ShortBinUnicode => "SHORT_BINUNICODE", BinUnicode8 => "BINUNICODE8", BinPut => "BINPUT", LongBinPut => "LONG_BINPUT",
        BinGet => "BINGET", LongBinGet => "LONG_BINGET", Memoize => "MEMOIZE", Global => "GLOBAL",
        StackGlobal => "STACK_GLOBAL", Reduce => "REDUCE", Build => "BUILD", BinPersId => "BINPERSID",
        (byte)'i' => "INST", (byte)'o' => "OBJ", 0x81 => "NEWOBJ", 0x92 => "NEWOBJ_EX", (byte)'P' => "PERSID",
        0x82 => "EXT1", 0x83 => "EXT2", 0x84 => "EXT4", (byte)'S' => "STRING", (byte)'T' => "BINSTRING",
        (byte)'U' => "SHORT_BINSTRING", (byte)'B' => "BINBYTES", (byte)'C' => "SHORT_BINBYTES", 0x8e => "BINBYTES8",
        (byte)'I' => "INT", (byte)'L' => "LONG", (byte)'F' => "FLOAT", (byte)'V' => "UNICODE", (byte)'p' => "PUT",
        (byte)'g' => "GET", (byte)'0' => "POP", (byte)'1' => "POP_MARK", (byte)'2' => "DUP", (byte)'l' => "LIST",
        (byte)'d' => "DICT", 0x8b => "LONG4", 0x8f => "EMPTY_SET", 0x90 => "ADDITEMS", 0x91 => "FROZENSET",
        0x96 => "BYTEARRAY8", 0x97 => "NEXT_BUFFER", 0x98 => "READONLY_BUFFER",
        _ => "unknown",
    };
}
