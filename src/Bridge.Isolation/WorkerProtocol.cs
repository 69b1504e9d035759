namespace Bridge.Isolation;

/// <summary>
/// The conversation between a caller and its worker: one request, one reply, in order. A message is its length
/// (4 bytes) and that many bytes. The worker's first message is its greeting; after that each request starts with
/// an <see cref="Op"/>, each reply with <see cref="ReplyOk"/> or <see cref="ReplyError"/> (the exception's kind, type
/// and message, so the caller can throw the same kind of exception with the same words).
/// </summary>
internal static class WorkerProtocol
{
    public const byte ReplyOk = 0;
    public const byte ReplyError = 1;

    /// <summary>The first argument of a worker's command line; also how a worker knows it is one.</summary>
    public const string WorkerFlag = "--bridge-worker";

    public enum Op : byte
    {
        Availability = 1,
        CannotBuild,
        Build,
        ForwardRange,
        Loss,
        Gradients,
        TrainStep,
        GetWeights,
        SetWeights,
        GetOptimizerState,
        SetOptimizerState,
        DisposeModel,
        Shutdown,
        BeginQueuedTraining,
        QueuedEpoch,
        QueuedSteps,
        EndQueuedTraining,
    }

    /// <summary>The kinds of exception that cross as themselves; anything else arrives as a <see cref="WorkerException"/>.</summary>
    public enum ErrorKind : byte
    {
        Other = 0,
        Argument,
        InvalidOperation,
        NotSupported,
        BackendUnavailable,
        InvalidData,
    }

    public static void WriteMessage(Stream stream, ReadOnlySpan<byte> payload)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, payload.Length);
        stream.Write(length);
        stream.Write(payload);
        stream.Flush();
    }

    /// <summary>
    /// Reads one message, or returns null when the other side closed the pipe (it exited or died). Only the wait for
    /// its length can be cancelled: that is the wait for the other side's answer. The rest is read without awaiting,
    /// since the sender writes a message whole and it is already on its way: awaited, each socket-sized piece of a
    /// large message (a data set for queued training) would cost a hop through the thread pool.
    /// </summary>
    public static async Task<byte[]?> ReadMessageAsync(Stream stream, CancellationToken cancellation)
    {
        var length = new byte[4];
        if (!await ReadAllAsync(stream, length, cancellation).ConfigureAwait(false)) return null;
        return ReadPayload(stream, length);
    }

    /// <summary>Reads one message without awaiting (the worker's side: it has nothing else to do), or null at the end.</summary>
    public static byte[]? ReadMessage(Stream stream)
    {
        Span<byte> length = stackalloc byte[4];
        return stream.ReadAtLeast(length, 4, throwOnEndOfStream: false) < 4 ? null : ReadPayload(stream, length);
    }

    private static byte[]? ReadPayload(Stream stream, ReadOnlySpan<byte> length)
    {
        int size = BitConverter.ToInt32(length);
        if (size < 0) throw new InvalidDataException($"A worker message claims {size} bytes.");
        var payload = new byte[size];
        return stream.ReadAtLeast(payload, size, throwOnEndOfStream: false) < size ? null : payload;
    }

    private static async Task<bool> ReadAllAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellation)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer[read..], cancellation).ConfigureAwait(false);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    public static void WriteError(BinaryWriter w, Exception e)
    {
        w.Write(ReplyError);
        var kind = e switch
        {
            BackendUnavailableException => ErrorKind.BackendUnavailable,
            ArgumentException => ErrorKind.Argument,
            NotSupportedException => ErrorKind.NotSupported,
            InvalidDataException => ErrorKind.InvalidData,
            InvalidOperationException => ErrorKind.InvalidOperation,
            _ => ErrorKind.Other,
        };
        w.Write((byte)kind);
        w.Write(e.GetType().FullName ?? e.GetType().Name);
        w.Write(e.Message);
        w.Write(e is BackendUnavailableException u ? u.Backend : "");
        w.Write(e is BackendUnavailableException v ? v.Reason : "");
    }

    /// <summary>The exception a worker reported, as the caller throws it.</summary>
    public static Exception ReadError(BinaryReader r, string backend, string operation)
    {
        var kind = (ErrorKind)r.ReadByte();
        string type = r.ReadString(), message = r.ReadString(), unavailableBackend = r.ReadString(), reason = r.ReadString();
        return kind switch
        {
            ErrorKind.Argument => new ArgumentException(message),
            ErrorKind.InvalidOperation => new InvalidOperationException(message),
            ErrorKind.NotSupported => new NotSupportedException(message),
            ErrorKind.InvalidData => new InvalidDataException(message),
            ErrorKind.BackendUnavailable => new BackendUnavailableException(unavailableBackend, reason),
            _ => new WorkerException(backend, operation, type, message),
        };
    }
}
