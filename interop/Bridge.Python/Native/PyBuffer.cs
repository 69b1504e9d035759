using System.Runtime.InteropServices;

namespace Bridge.Python.Native;

/// <summary>CPython's Py_buffer (the buffer protocol's view of an object's memory), 64-bit layout.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PyBuffer
{
    public IntPtr Buf;
    public IntPtr Obj;
    public nint Len;
    public nint ItemSize;
    public int ReadOnly;
    public int NDim;
    public IntPtr Format;
    public IntPtr Shape;
    public IntPtr Strides;
    public IntPtr SubOffsets;
    public IntPtr Internal;

    public const int Simple = 0;
    public const int Writable = 0x0001;
    public const int WithFormat = 0x0004;
    public const int ND = 0x0008;
    public const int Strided = 0x0010 | ND;
    public const int CContiguous = 0x0020 | Strided;
}
