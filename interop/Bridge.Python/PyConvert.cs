using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using Bridge.Python.Native;

namespace Bridge.Python;

/// <summary>Conversions between .NET values and Python objects. All calls need the GIL held.</summary>
internal static unsafe class PyConvert
{
    /// <summary>A new reference to the Python counterpart of <paramref name="value"/>.</summary>
    public static IntPtr ToPython(CPython api, object? value)
    {
        IntPtr result = value switch
        {
            null => IncRef(api, api.None),
            PyObject o => IncRef(api, o.Handle),
            bool b => api.PyBool_FromLong(b ? 1 : 0),
            int i => api.PyLong_FromLongLong(i),
            long l => api.PyLong_FromLongLong(l),
            short s => api.PyLong_FromLongLong(s),
            byte b => api.PyLong_FromLongLong(b),
            uint u => api.PyLong_FromLongLong(u),
            double d => api.PyFloat_FromDouble(d),
            float f => api.PyFloat_FromDouble(f),
            string s => String(api, s),
            ITuple t => TupleOf(api, t),
            IDictionary d => DictOf(api, d),
            IEnumerable e => ListOf(api, e),
            _ => throw new ArgumentException($"A {value.GetType().Name} has no Python counterpart; pass a PyObject, a number, a string, a tuple, a list or a dictionary."),
        };
        if (result == IntPtr.Zero) throw PythonException.Fetch(api, $"converting a {value?.GetType().Name ?? "null"} to Python");
        return result;
    }

    public static IntPtr Tuple(CPython api, object?[] items)
    {
        IntPtr tuple = api.PyTuple_New(items.Length);
        if (tuple == IntPtr.Zero) throw PythonException.Fetch(api, "creating a tuple");
        for (int i = 0; i < items.Length; i++)
        {
            IntPtr item;
            try
            {
                item = ToPython(api, items[i]);
            }
            catch
            {
                api.Py_DecRef(tuple);
                throw;
            }
            api.PyTuple_SetItem(tuple, i, item); // steals item
        }
        return tuple;
    }

    public static IntPtr Dict(CPython api, IReadOnlyDictionary<string, object?> items)
    {
        IntPtr dict = api.PyDict_New();
        try
        {
            foreach (var (key, value) in items) SetItem(api, dict, key, value);
        }
        catch
        {
            api.Py_DecRef(dict);
            throw;
        }
        return dict;
    }

    public static string ReadString(CPython api, IntPtr str)
    {
        nint size;
        byte* utf8 = api.PyUnicode_AsUTF8AndSize(str, &size);
        if (utf8 == null) throw PythonException.Fetch(api, "reading a str");
        return Encoding.UTF8.GetString(utf8, checked((int)size));
    }

    public static object? ToClr(CPython api, IntPtr obj)
    {
        IntPtr type = CPython.TypeOf(obj);
        if (obj == api.None) return null;
        if (type == api.BoolType) return obj == api.True;
        if (type == api.LongType)
        {
            long value = api.PyLong_AsLongLong(obj);
            if (value == -1 && api.PyErr_Occurred() != IntPtr.Zero) throw PythonException.Fetch(api, "reading an int");
            return value;
        }
        if (type == api.FloatType) return api.PyFloat_AsDouble(obj);
        if (type == api.UnicodeType) return ReadString(api, obj);
        if (type == api.ListType || type == api.TupleType)
        {
            using var sequence = PyObject.Borrow(obj);
            var items = sequence.ToList();
            var values = items.Select(i => { using (i) return ToClr(api, i.Handle); }).ToList();
            return type == api.ListType ? values : values.ToArray();
        }
        if (type == api.DictType)
        {
            var result = new Dictionary<object, object?>();
            nint position = 0;
            IntPtr key, value;
            while (api.PyDict_Next(obj, &position, &key, &value) != 0)
                result[ToClr(api, key) ?? "None"] = ToClr(api, value);
            return result;
        }
        return PyObject.Borrow(obj);
    }

    private static IntPtr IncRef(CPython api, IntPtr obj)
    {
        api.Py_IncRef(obj);
        return obj;
    }

    private static IntPtr String(CPython api, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        fixed (byte* p = bytes) return api.PyUnicode_FromStringAndSize(p, bytes.Length);
    }

    private static IntPtr TupleOf(CPython api, ITuple t)
    {
        var items = new object?[t.Length];
        for (int i = 0; i < t.Length; i++) items[i] = t[i];
        return Tuple(api, items);
    }

    private static IntPtr ListOf(CPython api, IEnumerable items)
    {
        var values = items.Cast<object?>().ToList();
        IntPtr list = api.PyList_New(values.Count);
        if (list == IntPtr.Zero) throw PythonException.Fetch(api, "creating a list");
        for (int i = 0; i < values.Count; i++)
        {
            IntPtr item;
            try
            {
                item = ToPython(api, values[i]);
            }
            catch
            {
                api.Py_DecRef(list);
                throw;
            }
            api.PyList_SetItem(list, i, item); // steals item
        }
        return list;
    }

    private static IntPtr DictOf(CPython api, IDictionary items)
    {
        IntPtr dict = api.PyDict_New();
        try
        {
            foreach (DictionaryEntry entry in items) SetItem(api, dict, entry.Key, entry.Value);
        }
        catch
        {
            api.Py_DecRef(dict);
            throw;
        }
        return dict;
    }

    private static void SetItem(CPython api, IntPtr dict, object key, object? value)
    {
        IntPtr k = ToPython(api, key);
        IntPtr v;
        try
        {
            v = ToPython(api, value);
        }
        catch
        {
            api.Py_DecRef(k);
            throw;
        }
        int status = api.PyDict_SetItem(dict, k, v);
        api.Py_DecRef(k);
        api.Py_DecRef(v);
        if (status != 0) throw PythonException.Fetch(api, "setting a dict item");
    }
}
