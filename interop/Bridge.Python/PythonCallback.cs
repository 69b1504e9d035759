using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Bridge.Python;

/// <summary>
/// A Python function that calls a .NET handler with one string: how Python code (a Keras callback, a progress hook)
/// reports back to .NET. The handler runs on the thread running the Python code, without the GIL. An exception the
/// handler throws cannot cross into Python; it is kept in <see cref="Error"/> for the caller to rethrow.
/// Dispose to unregister the handler.
/// </summary>
public sealed unsafe class PythonCallback : IDisposable
{
    private static readonly ConcurrentDictionary<nint, PythonCallback> Handlers = new();
    private static long _next;
    private readonly Action<string> _handler;
    private readonly nint _id;

    public PythonCallback(Action<string> handler)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _id = (nint)Interlocked.Increment(ref _next);
        Handlers[_id] = this;
        using var module = Python.Import("bridge_callbacks");
        delegate* unmanaged[Cdecl]<nint, byte*, void> entry = &Dispatch;
        Function = module.CallMethod("make", (long)(nint)entry, (long)_id);
    }

    /// <summary>The Python callable: function(text).</summary>
    public PyObject Function { get; }

    /// <summary>The first exception the handler threw, if any.</summary>
    public Exception? Error { get; private set; }

    public void Dispose()
    {
        Handlers.TryRemove(_id, out _);
        Function.Dispose();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Dispatch(nint id, byte* utf8)
    {
        if (!Handlers.TryGetValue(id, out var callback)) return;
        try
        {
            string text = utf8 == null ? "" : Marshal.PtrToStringUTF8((IntPtr)utf8) ?? "";
            callback._handler(text);
        }
        catch (Exception e)
        {
            callback.Error ??= e;
        }
    }
}
