using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using Bridge.Python.Native;

namespace Bridge.Python;

/// <summary>
/// A reference to a Python object. Dispose it to drop the reference at once (under the GIL); one that is only
/// garbage-collected is dropped later, under the GIL, by the next thread that takes it — never from the finalizer
/// thread. Every method takes the GIL itself.
/// </summary>
public sealed unsafe class PyObject : IDisposable
{
    private IntPtr _handle;

    private PyObject(IntPtr handle) => _handle = handle;

    ~PyObject()
    {
        if (_handle != IntPtr.Zero) Python.ReleaseLater(_handle);
    }

    /// <summary>The PyObject* (valid while this object is not disposed). Borrowed: to keep the object beyond this
    /// wrapper's life, take a reference of your own with <see cref="NewReference"/>.</summary>
    public IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(PyObject));

    /// <summary>
    /// Wraps a PyObject* that another binding holds (pythonnet's <c>PyObject.Handle</c>, a C extension's pointer):
    /// Bridge takes a reference of its own, so the giver keeps and later drops its own reference as before.
    /// Both must run on the same interpreter — the one this process runs; see <see cref="Python.StartedByBridge"/>.
    /// </summary>
    public static PyObject FromHandle(IntPtr handle)
    {
        if (handle == IntPtr.Zero) throw new ArgumentException("The PyObject* handle is null.", nameof(handle));
        using var gil = Python.Gil();
        return Borrow(handle);
    }

    /// <summary>
    /// A new (strong) reference to this object, for a receiver that takes ownership of a PyObject* and drops it
    /// later itself (a C function that steals its argument). pythonnet 3 has no public constructor from a pointer: hand
    /// it the object through Python, <c>ctypes.cast(handle, ctypes.py_object).value</c>, which takes its own reference.
    /// </summary>
    public IntPtr NewReference()
    {
        using var gil = Python.Gil();
        Python.Api.Py_IncRef(Handle);
        return _handle;
    }

    public bool IsNone
    {
        get
        {
            var api = Python.Api;
            return Handle == api.None;
        }
    }

    /// <summary>The object's Python type name (int, ndarray, Sequential, …).</summary>
    public string TypeName
    {
        get
        {
            using var gil = Python.Gil();
            using var type = Steal(Python.Api.PyObject_Type(Handle), "type()");
            return type.GetAttr("__name__").ToString();
        }
    }

    /// <summary>Takes ownership of a new reference; a null one means a Python error is pending and is thrown.</summary>
    internal static PyObject Steal(IntPtr handle, string context)
    {
        if (handle == IntPtr.Zero) throw PythonException.Fetch(Python.Api, context);
        return new PyObject(handle);
    }

    /// <summary>Takes ownership of a reference that may be null (then None).</summary>
    internal static PyObject StealOrNone(IntPtr handle)
    {
        if (handle != IntPtr.Zero) return new PyObject(handle);
        var api = Python.Api;
        api.Py_IncRef(api.None);
        return new PyObject(api.None);
    }

    /// <summary>Adds a reference to a borrowed one.</summary>
    internal static PyObject Borrow(IntPtr handle)
    {
        Python.Api.Py_IncRef(handle);
        return new PyObject(handle);
    }

    /// <summary>Converts a .NET value: null → None, bool, integers → int, float/double → float, string → str,
    /// PyObject as is, tuples → tuple, dictionaries → dict, other sequences → list.</summary>
    public static PyObject From(object? value)
    {
        using var gil = Python.Gil();
        return new PyObject(PyConvert.ToPython(Python.Api, value));
    }

    public PyObject GetAttr(string name)
    {
        using var gil = Python.Gil();
        fixed (byte* n = Python.Utf8(name))
        {
            // The error context is built only on failure: describing the object costs more than the call itself.
            IntPtr result = Python.Api.PyObject_GetAttrString(Handle, n);
            return result != IntPtr.Zero ? new PyObject(result) : throw PythonException.Fetch(Python.Api, $"getattr({Describe()}, '{name}')");
        }
    }

    public bool HasAttr(string name)
    {
        using var gil = Python.Gil();
        fixed (byte* n = Python.Utf8(name))
            return Python.Api.PyObject_HasAttrString(Handle, n) == 1;
    }

    public void SetAttr(string name, object? value)
    {
        using var gil = Python.Gil();
        var api = Python.Api;
        IntPtr converted = PyConvert.ToPython(api, value);
        try
        {
            fixed (byte* n = Python.Utf8(name))
                if (api.PyObject_SetAttrString(Handle, n, converted) != 0)
                    throw PythonException.Fetch(api, $"setattr({Describe()}, '{name}')");
        }
        finally
        {
            api.Py_DecRef(converted);
        }
    }

    /// <summary>Calls the object with positional arguments.</summary>
    public PyObject Call(params object?[] args) => Call(args, null);

    /// <summary>Calls the object with positional and keyword arguments.</summary>
    public PyObject Call(object?[] args, IReadOnlyDictionary<string, object?>? kwargs)
    {
        using var gil = Python.Gil();
        var api = Python.Api;
        IntPtr tuple = PyConvert.Tuple(api, args);
        IntPtr dict = kwargs is null || kwargs.Count == 0 ? IntPtr.Zero : PyConvert.Dict(api, kwargs);
        try
        {
            IntPtr result = api.PyObject_Call(Handle, tuple, dict);
            return result != IntPtr.Zero ? new PyObject(result) : throw PythonException.Fetch(api, $"calling {Describe()}");
        }
        finally
        {
            api.Py_DecRef(tuple);
            if (dict != IntPtr.Zero) api.Py_DecRef(dict);
        }
    }

    /// <summary>obj.name(*args).</summary>
    public PyObject CallMethod(string name, params object?[] args) => CallMethod(name, args, null);

    /// <summary>obj.name(*args, **kwargs).</summary>
    public PyObject CallMethod(string name, object?[] args, IReadOnlyDictionary<string, object?>? kwargs)
    {
        using var gil = Python.Gil();
        using var method = GetAttr(name);
        return method.Call(args, kwargs);
    }

    /// <summary>obj[key].</summary>
    public PyObject this[object key]
    {
        get
        {
            using var gil = Python.Gil();
            var api = Python.Api;
            IntPtr k = PyConvert.ToPython(api, key);
            try
            {
                IntPtr result = api.PyObject_GetItem(Handle, k);
                return result != IntPtr.Zero ? new PyObject(result) : throw PythonException.Fetch(api, $"{Describe()}[{key}]");
            }
            finally { api.Py_DecRef(k); }
        }
    }

    /// <summary>obj[key] = value (the value converted as <see cref="From"/> does).</summary>
    public void SetItem(object key, object? value)
    {
        using var gil = Python.Gil();
        var api = Python.Api;
        IntPtr k = PyConvert.ToPython(api, key);
        IntPtr v;
        try
        {
            v = PyConvert.ToPython(api, value);
        }
        catch
        {
            api.Py_DecRef(k);
            throw;
        }
        try
        {
            if (api.PyObject_SetItem(Handle, k, v) != 0) throw PythonException.Fetch(api, $"{Describe()}[{key}] = …");
        }
        finally
        {
            api.Py_DecRef(k);
            api.Py_DecRef(v);
        }
    }

    /// <summary>len(obj).</summary>
    public int Length
    {
        get
        {
            using var gil = Python.Gil();
            nint length = Python.Api.PyObject_Length(Handle);
            if (length < 0) throw PythonException.Fetch(Python.Api, $"len({Describe()})");
            return checked((int)length);
        }
    }

    public double ToDouble()
    {
        using var gil = Python.Gil();
        double value = Python.Api.PyFloat_AsDouble(Handle);
        if (value == -1 && Python.Api.PyErr_Occurred() != IntPtr.Zero) throw PythonException.Fetch(Python.Api, $"float({Describe()})");
        return value;
    }

    public long ToInt64()
    {
        using var gil = Python.Gil();
        long value = Python.Api.PyLong_AsLongLong(Handle);
        if (value == -1 && Python.Api.PyErr_Occurred() != IntPtr.Zero) throw PythonException.Fetch(Python.Api, $"int({Describe()})");
        return value;
    }

    public bool ToBoolean()
    {
        using var gil = Python.Gil();
        int truth = Python.Api.PyObject_IsTrue(Handle);
        if (truth < 0) throw PythonException.Fetch(Python.Api, $"bool({Describe()})");
        return truth == 1;
    }

    /// <summary>str(obj).</summary>
    public override string ToString()
    {
        if (_handle == IntPtr.Zero) return "<disposed PyObject>";
        using var gil = Python.Gil();
        using var text = Steal(Python.Api.PyObject_Str(Handle), "str()");
        return PyConvert.ReadString(Python.Api, text.Handle);
    }

    /// <summary>repr(obj).</summary>
    public string Repr()
    {
        using var gil = Python.Gil();
        using var text = Steal(Python.Api.PyObject_Repr(Handle), "repr()");
        return PyConvert.ReadString(Python.Api, text.Handle);
    }

    /// <summary>The items of any iterable, each as its own reference (dispose them).</summary>
    public List<PyObject> ToList()
    {
        using var gil = Python.Gil();
        var api = Python.Api;
        IntPtr iteratorHandle = api.PyObject_GetIter(Handle);
        if (iteratorHandle == IntPtr.Zero) throw PythonException.Fetch(api, $"iter({Describe()})");
        using var iterator = new PyObject(iteratorHandle);
        var items = new List<PyObject>();
        while (true)
        {
            IntPtr item = api.PyIter_Next(iterator.Handle);
            if (item == IntPtr.Zero)
            {
                if (api.PyErr_Occurred() != IntPtr.Zero)
                {
                    foreach (var i in items) i.Dispose();
                    throw PythonException.Fetch(api, $"iterating {Describe()}");
                }
                return items;
            }
            items.Add(new PyObject(item));
        }
    }

    /// <summary>
    /// The object as a plain .NET value: None → null, bool, int → long, float → double, str → string,
    /// list → List&lt;object?&gt;, tuple → object?[], dict → Dictionary&lt;object, object?&gt;; anything else stays a PyObject.
    /// </summary>
    public object? ToClr()
    {
        using var gil = Python.Gil();
        return PyConvert.ToClr(Python.Api, Handle);
    }

    public void Dispose()
    {
        IntPtr handle = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (handle == IntPtr.Zero) return;
        using (Python.Gil()) Python.Api.Py_DecRef(handle);
        GC.SuppressFinalize(this);
    }

    private string Describe()
    {
        if (_handle == IntPtr.Zero) return "<disposed>";
        try
        {
            var api = Python.Api;
            using var type = Steal(api.PyObject_Type(_handle), "type()");
            fixed (byte* n = "__name__\0"u8)
            {
                IntPtr name = api.PyObject_GetAttrString(type.Handle, n);
                if (name == IntPtr.Zero) { api.PyErr_Clear(); return "object"; }
                using var nameObject = new PyObject(name);
                return $"<{PyConvert.ReadString(api, name)} object>";
            }
        }
        catch (PythonException)
        {
            return "object";
        }
    }
}
