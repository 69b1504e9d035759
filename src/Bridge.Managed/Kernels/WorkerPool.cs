namespace Bridge.Managed.Kernels;

/// <summary>A piece of work split by rows: <c>Rows(start, end)</c> does rows [start, end).</summary>
internal interface IRowJob
{
    void Rows(int start, int end);
}

/// <summary>
/// Shares row ranges of one job between the calling thread and one background thread per further core, without
/// allocating: the job is passed by reference to threads that wait on a spin-then-block signal. Large products use
/// it; small ones run on the calling thread alone, where a hand-off would cost more than it saves.
/// </summary>
internal sealed unsafe class WorkerPool
{
    public static readonly WorkerPool Shared = new(Math.Max(1, Environment.ProcessorCount));

    private readonly int _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly object _gate = new();
    private void* _job;
    private delegate*<void*, int, int, void> _run;
    private int _rows;

    private WorkerPool(int threads)
    {
        _threads = threads;
        _start = new ManualResetEventSlim[threads];
        _done = new CountdownEvent(1);
        for (int t = 1; t < threads; t++)
        {
            _start[t] = new ManualResetEventSlim(false, spinCount: 2000);
            int index = t;
            new Thread(() => Work(index)) { IsBackground = true, Name = $"Bridge kernel worker {t}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="job"/> over <paramref name="rows"/> rows on every core and returns when all are done.</summary>
    public void Run<TJob>(ref TJob job, int rows) where TJob : unmanaged, IRowJob
    {
        if (_threads == 1)
        {
            job.Rows(0, rows);
            return;
        }
        lock (_gate)
        {
            fixed (TJob* pointer = &job)
            {
                _job = pointer;
                _run = &Invoke<TJob>;
                _rows = rows;
                _done.Reset(_threads - 1);
                for (int t = 1; t < _threads; t++) _start[t].Set();
                var (start, end) = Range(0, rows);
                job.Rows(start, end);
                _done.Wait();
                _job = null;
            }
        }
    }

    private static void Invoke<TJob>(void* job, int start, int end) where TJob : unmanaged, IRowJob =>
        ((TJob*)job)->Rows(start, end);

    /// <summary>Thread <paramref name="t"/>'s rows: contiguous, in multiples of 4 (the kernels' tile height) where possible.</summary>
    private (int Start, int End) Range(int t, int rows)
    {
        int blocks = (rows + 3) / 4;
        int start = Math.Min(rows, blocks * t / _threads * 4);
        int end = Math.Min(rows, blocks * (t + 1) / _threads * 4);
        return (start, end);
    }

    private void Work(int t)
    {
        while (true)
        {
            _start[t].Wait();
            _start[t].Reset();
            var (start, end) = Range(t, _rows);
            if (start < end) _run(_job, start, end);
            _done.Signal();
        }
    }
}
