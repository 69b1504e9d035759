using System.Runtime.InteropServices;

namespace Bridge.Python.Native;

/// <summary>
/// The CPython C API functions Bridge calls, as function pointers read from the loaded libpython (its path is only
/// known at run time, which rules out DllImport). Reference semantics are noted where a function borrows or steals.
/// </summary>
internal sealed unsafe class CPython
{
    public CPython(IntPtr library)
    {
        Library = library;
        IntPtr F(string name) => NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"libpython has no function {name}; Bridge needs CPython 3.8 or newer.");

        Py_InitializeEx = (delegate* unmanaged<int, void>)F("Py_InitializeEx");
        Py_IsInitialized = (delegate* unmanaged<int>)F("Py_IsInitialized");
        PyEval_SaveThread = (delegate* unmanaged<IntPtr>)F("PyEval_SaveThread");
        PyGILState_Ensure = (delegate* unmanaged<int>)F("PyGILState_Ensure");
        PyGILState_Release = (delegate* unmanaged<int, void>)F("PyGILState_Release");
        PyGILState_Check = (delegate* unmanaged<int>)F("PyGILState_Check");
        Py_IncRef = (delegate* unmanaged<IntPtr, void>)F("Py_IncRef");
        Py_DecRef = (delegate* unmanaged<IntPtr, void>)F("Py_DecRef");
        PyImport_ImportModule = (delegate* unmanaged<byte*, IntPtr>)F("PyImport_ImportModule");
        PyObject_GetAttrString = (delegate* unmanaged<IntPtr, byte*, IntPtr>)F("PyObject_GetAttrString");
        PyObject_SetAttrString = (delegate* unmanaged<IntPtr, byte*, IntPtr, int>)F("PyObject_SetAttrString");
        PyObject_HasAttrString = (delegate* unmanaged<IntPtr, byte*, int>)F("PyObject_HasAttrString");
        PyObject_Call = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr>)F("PyObject_Call");
        PyObject_GetItem = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)F("PyObject_GetItem");
        PyObject_SetItem = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, int>)F("PyObject_SetItem");
        PyObject_IsTrue = (delegate* unmanaged<IntPtr, int>)F("PyObject_IsTrue");
        PyObject_Str = (delegate* unmanaged<IntPtr, IntPtr>)F("PyObject_Str");
        PyObject_Repr = (delegate* unmanaged<IntPtr, IntPtr>)F("PyObject_Repr");
        PyObject_Type = (delegate* unmanaged<IntPtr, IntPtr>)F("PyObject_Type");
        PyObject_IsInstance = (delegate* unmanaged<IntPtr, IntPtr, int>)F("PyObject_IsInstance");
        PyObject_Length = (delegate* unmanaged<IntPtr, nint>)F("PyObject_Length");
        PyObject_GetIter = (delegate* unmanaged<IntPtr, IntPtr>)F("PyObject_GetIter");
        PyIter_Next = (delegate* unmanaged<IntPtr, IntPtr>)F("PyIter_Next");
        PyObject_GetBuffer = (delegate* unmanaged<IntPtr, PyBuffer*, int, int>)F("PyObject_GetBuffer");
        PyBuffer_Release = (delegate* unmanaged<PyBuffer*, void>)F("PyBuffer_Release");
        PyTuple_New = (delegate* unmanaged<nint, IntPtr>)F("PyTuple_New");
        PyTuple_SetItem = (delegate* unmanaged<IntPtr, nint, IntPtr, int>)F("PyTuple_SetItem");
        PyList_New = (delegate* unmanaged<nint, IntPtr>)F("PyList_New");
        PyList_SetItem = (delegate* unmanaged<IntPtr, nint, IntPtr, int>)F("PyList_SetItem");
        PyDict_New = (delegate* unmanaged<IntPtr>)F("PyDict_New");
        PyDict_SetItem = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, int>)F("PyDict_SetItem");
        PyDict_Next = (delegate* unmanaged<IntPtr, nint*, IntPtr*, IntPtr*, int>)F("PyDict_Next");
        PyLong_FromLongLong = (delegate* unmanaged<long, IntPtr>)F("PyLong_FromLongLong");
        PyLong_AsLongLong = (delegate* unmanaged<IntPtr, long>)F("PyLong_AsLongLong");
        PyFloat_FromDouble = (delegate* unmanaged<double, IntPtr>)F("PyFloat_FromDouble");
        PyFloat_AsDouble = (delegate* unmanaged<IntPtr, double>)F("PyFloat_AsDouble");
        PyBool_FromLong = (delegate* unmanaged<long, IntPtr>)F("PyBool_FromLong");
        PyUnicode_FromStringAndSize = (delegate* unmanaged<byte*, nint, IntPtr>)F("PyUnicode_FromStringAndSize");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<IntPtr, nint*, byte*>)F("PyUnicode_AsUTF8AndSize");
        PyErr_Occurred = (delegate* unmanaged<IntPtr>)F("PyErr_Occurred");
        PyErr_Fetch = (delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void>)F("PyErr_Fetch");
        PyErr_NormalizeException = (delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void>)F("PyErr_NormalizeException");
        PyErr_Clear = (delegate* unmanaged<void>)F("PyErr_Clear");
        PyErr_SetString = (delegate* unmanaged<IntPtr, byte*, void>)F("PyErr_SetString");
        PyThreadState_SetAsyncExc = (delegate* unmanaged<ulong, IntPtr, int>)F("PyThreadState_SetAsyncExc");
        PyThread_get_thread_ident = (delegate* unmanaged<ulong>)F("PyThread_get_thread_ident");
        PySys_GetObject = (delegate* unmanaged<byte*, IntPtr>)F("PySys_GetObject");
        PyEval_GetBuiltins = (delegate* unmanaged<IntPtr>)F("PyEval_GetBuiltins");
        Py_GetVersion = (delegate* unmanaged<IntPtr>)F("Py_GetVersion");

        None = F("_Py_NoneStruct");
        True = F("_Py_TrueStruct");
        False = F("_Py_FalseStruct");
        // Exception types are exported as variables holding a PyObject*.
        KeyboardInterrupt = *(IntPtr*)F("PyExc_KeyboardInterrupt");
        TypeError = *(IntPtr*)F("PyExc_TypeError");
        LongType = F("PyLong_Type");
        FloatType = F("PyFloat_Type");
        UnicodeType = F("PyUnicode_Type");
        BoolType = F("PyBool_Type");
        TupleType = F("PyTuple_Type");
        ListType = F("PyList_Type");
        DictType = F("PyDict_Type");
    }

    public IntPtr Library { get; }

    public readonly delegate* unmanaged<int, void> Py_InitializeEx;
    public readonly delegate* unmanaged<int> Py_IsInitialized;
    public readonly delegate* unmanaged<IntPtr> PyEval_SaveThread;
    public readonly delegate* unmanaged<int> PyGILState_Ensure;
    public readonly delegate* unmanaged<int, void> PyGILState_Release;
    public readonly delegate* unmanaged<int> PyGILState_Check;
    public readonly delegate* unmanaged<IntPtr, void> Py_IncRef;
    public readonly delegate* unmanaged<IntPtr, void> Py_DecRef;
    /// <summary>New reference.</summary>
    public readonly delegate* unmanaged<byte*, IntPtr> PyImport_ImportModule;
    /// <summary>New reference.</summary>
    public readonly delegate* unmanaged<IntPtr, byte*, IntPtr> PyObject_GetAttrString;
    public readonly delegate* unmanaged<IntPtr, byte*, IntPtr, int> PyObject_SetAttrString;
    public readonly delegate* unmanaged<IntPtr, byte*, int> PyObject_HasAttrString;
    /// <summary>New reference; kwargs may be null.</summary>
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr> PyObject_Call;
    /// <summary>New reference.</summary>
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr> PyObject_GetItem;
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, int> PyObject_SetItem;
    public readonly delegate* unmanaged<IntPtr, int> PyObject_IsTrue;
    public readonly delegate* unmanaged<IntPtr, IntPtr> PyObject_Str;
    public readonly delegate* unmanaged<IntPtr, IntPtr> PyObject_Repr;
    public readonly delegate* unmanaged<IntPtr, IntPtr> PyObject_Type;
    public readonly delegate* unmanaged<IntPtr, IntPtr, int> PyObject_IsInstance;
    public readonly delegate* unmanaged<IntPtr, nint> PyObject_Length;
    public readonly delegate* unmanaged<IntPtr, IntPtr> PyObject_GetIter;
    /// <summary>New reference, or null at the end (or on error: check PyErr_Occurred).</summary>
    public readonly delegate* unmanaged<IntPtr, IntPtr> PyIter_Next;
    public readonly delegate* unmanaged<IntPtr, PyBuffer*, int, int> PyObject_GetBuffer;
    public readonly delegate* unmanaged<PyBuffer*, void> PyBuffer_Release;
    public readonly delegate* unmanaged<nint, IntPtr> PyTuple_New;
    /// <summary>Steals the item's reference, even on failure.</summary>
    public readonly delegate* unmanaged<IntPtr, nint, IntPtr, int> PyTuple_SetItem;
    public readonly delegate* unmanaged<nint, IntPtr> PyList_New;
    /// <summary>Steals the item's reference, even on failure.</summary>
    public readonly delegate* unmanaged<IntPtr, nint, IntPtr, int> PyList_SetItem;
    public readonly delegate* unmanaged<IntPtr> PyDict_New;
    /// <summary>Does not steal.</summary>
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, int> PyDict_SetItem;
    /// <summary>Borrowed key and value.</summary>
    public readonly delegate* unmanaged<IntPtr, nint*, IntPtr*, IntPtr*, int> PyDict_Next;
    public readonly delegate* unmanaged<long, IntPtr> PyLong_FromLongLong;
    public readonly delegate* unmanaged<IntPtr, long> PyLong_AsLongLong;
    public readonly delegate* unmanaged<double, IntPtr> PyFloat_FromDouble;
    public readonly delegate* unmanaged<IntPtr, double> PyFloat_AsDouble;
    public readonly delegate* unmanaged<long, IntPtr> PyBool_FromLong;
    public readonly delegate* unmanaged<byte*, nint, IntPtr> PyUnicode_FromStringAndSize;
    /// <summary>Returns a pointer into the string object (valid while it lives).</summary>
    public readonly delegate* unmanaged<IntPtr, nint*, byte*> PyUnicode_AsUTF8AndSize;
    /// <summary>Borrowed.</summary>
    public readonly delegate* unmanaged<IntPtr> PyErr_Occurred;
    /// <summary>New references (each may be null).</summary>
    public readonly delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void> PyErr_Fetch;
    public readonly delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void> PyErr_NormalizeException;
    public readonly delegate* unmanaged<void> PyErr_Clear;
    public readonly delegate* unmanaged<IntPtr, byte*, void> PyErr_SetString;
    public readonly delegate* unmanaged<ulong, IntPtr, int> PyThreadState_SetAsyncExc;
    public readonly delegate* unmanaged<ulong> PyThread_get_thread_ident;
    /// <summary>Borrowed.</summary>
    public readonly delegate* unmanaged<byte*, IntPtr> PySys_GetObject;
    /// <summary>Borrowed.</summary>
    public readonly delegate* unmanaged<IntPtr> PyEval_GetBuiltins;
    public readonly delegate* unmanaged<IntPtr> Py_GetVersion;

    public readonly IntPtr None, True, False, KeyboardInterrupt, TypeError;
    public readonly IntPtr LongType, FloatType, UnicodeType, BoolType, TupleType, ListType, DictType;

    /// <summary>The object's type, read from ob_type (offset 8 in every CPython 3 release build).</summary>
    public static IntPtr TypeOf(IntPtr obj) => *(IntPtr*)(obj + 8);
}
