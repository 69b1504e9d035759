using System.Diagnostics;
using System.IO.Pipes;
using Bridge.Backends;
using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// One running worker and the pipe to it. Requests go one at a time. When the worker dies or does not answer in time,
/// every call from then on throws <see cref="WorkerCrashedException"/> with how it ended and the last lines it wrote.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int TailLines = 25;

    private readonly object _gate = new();
    private readonly Process _process;
    private readonly NamedPipeServerStream _pipe;
    private readonly Queue<string> _tail = new();
    private readonly string _backend;
    private readonly TimeSpan _callTimeout;
    private WorkerCrashedException? _crash;
    private bool _disposed;

    private WorkerProcess(string backend, Process process, NamedPipeServerStream pipe, TimeSpan callTimeout)
    {
        _backend = backend;
        _process = process;
        _pipe = pipe;
        _callTimeout = callTimeout;
    }

    public int ProcessId => _process.Id;

    public bool HasEnded => _crash is not null || _disposed;

    /// <summary>Starts a worker for <paramref name="recipe"/> and waits for its greeting.</summary>
    /// <exception cref="WorkerCrashedException">The worker died or did not greet within <paramref name="startTimeout"/>.</exception>
    /// <exception cref="BackendUnavailableException">The worker could not make the backend (its reply says why).</exception>
    public static WorkerProcess Start(string backend, BackendRecipe recipe, TimeSpan startTimeout, TimeSpan callTimeout)
    {
        string pipeName = $"bridge-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        var pipe = new NamedPipeServerStream(pipeName, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        Process process;
        try
        {
            process = new Process { StartInfo = WorkerLaunch.StartInfo(pipeName, recipe), EnableRaisingEvents = true };
            process.Start();
        }
        catch
        {
            pipe.Dispose();
            throw;
        }
        var worker = new WorkerProcess(backend, process, pipe, callTimeout);
        process.OutputDataReceived += (_, e) => worker.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        try
        {
            using var deadline = new CancellationTokenSource(startTimeout);
            var connected = pipe.WaitForConnectionAsync(deadline.Token);
            var exited = process.WaitForExitAsync(deadline.Token);
            Task.WaitAny(connected, exited);
            // A worker that cannot make its backend connects, says why and exits at once: its exit can be seen before
            // the connection is, so the connection gets a moment more before the exit counts as a failure to start.
            if (!connected.IsCompleted)
            {
                try { connected.Wait(TimeSpan.FromSeconds(2)); }
                catch (AggregateException) { }
            }
            if (!connected.IsCompletedSuccessfully)
                throw worker.Ended("start-up", deadline.IsCancellationRequested && !process.HasExited ? startTimeout : null);
            byte[] greeting = worker.Receive("start-up", startTimeout);
            using var r = new BinaryReader(new MemoryStream(greeting));
            if (r.ReadByte() == ReplyError)
            {
                var error = ReadError(r, backend, "start-up");
                worker.Dispose();
                throw error is BackendUnavailableException ? error : new BackendUnavailableException(backend, error.Message, error);
            }
            return worker;
        }
        catch (Exception e) when (e is not BackendUnavailableException)
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and returns the reader positioned after the reply's status byte.</summary>
    public BinaryReader Call(Op op, Action<BinaryWriter> writeArguments, string operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_crash is not null) throw _crash;
            var request = new MemoryStream();
            using (var w = new BinaryWriter(request, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                w.Write((byte)op);
                writeArguments(w);
            }
            try
            {
                WriteMessage(_pipe, request.GetBuffer().AsSpan(0, (int)request.Length));
            }
            catch (IOException)
            {
                throw Ended(operation, null);
            }
            var reader = new BinaryReader(new MemoryStream(Receive(operation, _callTimeout)));
            if (reader.ReadByte() == ReplyError) throw ReadError(reader, _backend, operation);
            return reader;
        }
    }

    private byte[] Receive(string operation, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return ReadMessageAsync(_pipe, deadline.Token).GetAwaiter().GetResult() ?? throw Ended(operation, null);
        }
        catch (OperationCanceledException)
        {
            throw Ended(operation, timeout);
        }
        catch (IOException)
        {
            throw Ended(operation, null);
        }
    }

    /// <summary>The worker is gone (or is made to go, when it overran <paramref name="overran"/>): how it ended, as an exception kept for every later call.</summary>
    private WorkerCrashedException Ended(string operation, TimeSpan? overran)
    {
        string how;
        if (overran is { } limit)
        {
            Kill();
            how = $"did not answer within {limit.TotalSeconds:0.#} s and was killed";
        }
        else
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) Kill();
            // The output readers reach the end of the pipes, so the tail is complete; bounded, because a process the
            // worker started may still hold them open.
            Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(5));
            how = HowItEnded(_process.ExitCode);
        }
        lock (_tail) _crash = new WorkerCrashedException(_backend, operation, how, _tail.ToArray());
        return _crash;
    }

    /// <summary>On Unix a process ended by a signal reports 128 + the signal's number.</summary>
    internal static string HowItEnded(int exitCode)
    {
        if (!OperatingSystem.IsWindows() && exitCode > 128 && exitCode < 128 + 32)
        {
            string signal = (exitCode - 128) switch
            {
                4 => "SIGILL", 6 => "SIGABRT", 7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL",
                11 => "SIGSEGV", 13 => "SIGPIPE", 15 => "SIGTERM", var n => $"signal {n}",
            };
            return $"was killed by {signal} (exit code {exitCode})";
        }
        return exitCode == 0 ? "exited (exit code 0)" : $"exited with code {exitCode}";
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_crash is null && _pipe.IsConnected)
            {
                try
                {
                    WriteMessage(_pipe, [(byte)Op.Shutdown]);
                }
                catch (IOException)
                {
                    // it is going anyway
                }
            }
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) Kill();
            _pipe.Dispose();
            _process.Dispose();
        }
    }
}
