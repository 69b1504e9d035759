using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Bridge.Managed.Kernels;

/// <summary>A piece of work split by rows: <c>Rows(start, end)</c> does rows [start, end).</summary>
internal interface IRowJob
{
    void Rows(int start, int end);
}

/// <summary>
/// A piece of work in two parts, 0 and 1, each giving the same results on whichever thread it runs, and a last stage
/// that needs both: see <see cref="WorkerPool.RunPair"/>.
/// </summary>
internal interface IPairJob
{
    /// <summary>Computes part <paramref name="part"/>; <paramref name="onWorker"/>: part 1, on a worker, while part 0 runs.</summary>
    void Part(int part, bool onWorker);

    /// <summary>Computes both parts on the calling thread, the same results as the two parts one after the other.</summary>
    void Both();

    /// <summary>
    /// Runs once both parts are computed: on the calling thread (<paramref name="part"/> 0) always, and, when the parts
    /// ran <paramref name="together"/> on two threads, on the worker too (part 1), at the same time.
    /// </summary>
    void Finish(int part, bool together);
}

/// <summary>
/// Shares work between the calling thread and one background thread per further core, without allocating: row ranges
/// of one job (passed by reference), or the two parts of a pair job, to threads that wait on a spin-then-sleep signal.
/// Large products and split batches use it; small work runs on the calling thread alone, where a hand-off would cost
/// more than it saves. Work goes only to workers that have finished what they were given before, so a worker the
/// system has not scheduled for a while is never waited for twice.
/// </summary>
internal sealed unsafe class WorkerPool
{
    public static readonly WorkerPool Shared = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>Set on the pool's own threads: work they start runs where they are (the pool is busy with their job).</summary>
    [ThreadStatic]
    private static bool _onWorker;

    private readonly int _threads;
    private readonly SpinSignal[] _start;
    private readonly SpinSignal _done = new();
    private long _doneTarget;
    private readonly object _gate = new();

    // The job given out: a row job, or a pair job whose part 1 whichever thread takes first runs (1 while it is open).
    private void* _job;
    private delegate*<void*, int, int, void> _run;
    private int _rows;
    private IPairJob? _pair;
    private int _pairOpen;

    // A pair whose parts run together: each side announces its part done, then waits for the other's, before finishing.
    private readonly SpinSignal _firstDone = new(), _secondDone = new();
    private long _pairs, _pairsTaken;
    private volatile bool _firstFailed, _secondFailed;
    private ExceptionDispatchInfo? _secondFailure;

    private WorkerPool(int threads)
    {
        _threads = threads;
        _start = new SpinSignal[threads];
        for (int t = 1; t < threads; t++)
        {
            _start[t] = new SpinSignal();
            int index = t;
            new Thread(() => Work(index)) { IsBackground = true, Name = $"Bridge kernel worker {t}" }.Start();
        }
    }

    /// <summary>How <see cref="RunPair"/> places part 1; the results are the same every way.</summary>
    internal enum PairPlacement
    {
        /// <summary>Offered to the worker, and run here if the worker has not taken it by the end of part 0.</summary>
        Offered,

        /// <summary>Both parts here, at once (timings of one core).</summary>
        Here,

        /// <summary>Both parts here one after the other, as when the worker comes too late for part 1.</summary>
        HereInParts,

        /// <summary>On the worker, waited for however long it takes to come (tests of the two-core path on a busy machine).</summary>
        OnWorker,
    }

    /// <summary><see cref="PairPlacement.Offered"/> unless a test or a timing sets it.</summary>
    internal PairPlacement Placement { get; set; }

    /// <summary>Parts 1 of pair jobs that a worker ran (how tests see that the second core was used).</summary>
    internal long PairPartsOnWorkers => Interlocked.Read(ref _pairsTaken);

    /// <summary>Whether every worker has finished all it was given.</summary>
    private bool WorkersIdle => _done.Count >= _doneTarget;

    /// <summary>Runs <paramref name="job"/> over <paramref name="rows"/> rows on every core and returns when all are done.</summary>
    public void Run<TJob>(ref TJob job, int rows) where TJob : unmanaged, IRowJob
    {
        if (_threads == 1 || _onWorker)
        {
            job.Rows(0, rows);
            return;
        }
        lock (_gate)
        {
            if (!WorkersIdle)
            {
                job.Rows(0, rows);
                return;
            }
            fixed (TJob* pointer = &job)
            {
                _pair = null;
                _job = pointer;
                _run = &Invoke<TJob>;
                _rows = rows;
                _doneTarget += _threads - 1;
                for (int t = 1; t < _threads; t++) _start[t].Raise();
                var (start, end) = Range(0, rows);
                job.Rows(start, end);
                _done.WaitFor(_doneTarget);
                _job = null;
            }
        }
    }

    /// <summary>
    /// Part 0 of <paramref name="job"/> on the calling thread and part 1 on a worker, then Finish on both; returns whether
    /// the parts ran together. Part 1 is offered to the worker, and when the calling thread is done with part 0 before
    /// the worker has taken it (a worker the system has not scheduled), the calling thread runs it itself, then Finish
    /// alone. On a single core, on the pool's own threads, when another thread holds the pool and when the worker has not
    /// finished earlier work, the calling thread does Both, then Finish alone. The parts give the same results wherever
    /// they run. An exception in either part reaches the caller once nothing runs any more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool RunPair(IPairJob job)
    {
        if (_threads == 1 || _onWorker || Placement == PairPlacement.Here) return RunHere(job);
        if (Placement == PairPlacement.HereInParts)
        {
            job.Part(0, onWorker: false);
            job.Part(1, onWorker: false);
            job.Finish(0, together: false);
            return false;
        }
        if (Placement == PairPlacement.OnWorker) Monitor.Enter(_gate);
        else if (!Monitor.TryEnter(_gate)) return RunHere(job);
        try
        {
            return Offer(job);
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    /// <summary>Part 1 offered to the worker (see <see cref="RunPair"/>); the caller holds the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Offer(IPairJob job)
    {
        if (Placement == PairPlacement.OnWorker) _done.WaitFor(_doneTarget);
        else if (!WorkersIdle) return RunHere(job);
        _pair = job;
        _pairs++;
        _firstFailed = _secondFailed = false;
        _secondFailure = null;
        Volatile.Write(ref _pairOpen, 1);
        _doneTarget++;
        _start[1].Raise();
        try
        {
            job.Part(0, onWorker: false);
        }
        catch
        {
            _firstFailed = true;
            _firstDone.Raise();
            // Part 1 is withdrawn if the worker has not taken it; if it has, it must end before the caller goes on (and
            // counts as taken: the worker has announced it).
            if (Interlocked.Exchange(ref _pairOpen, 0) == 0)
            {
                Interlocked.Increment(ref _pairsTaken);
                _done.WaitFor(_doneTarget);
            }
            throw;
        }
        _firstDone.Raise();
        if (Placement != PairPlacement.OnWorker && Interlocked.Exchange(ref _pairOpen, 0) == 1)
        {
            // The worker has not started: part 1 here. It finds the pair taken when it comes, and finishes nothing.
            job.Part(1, onWorker: false);
            job.Finish(0, together: false);
            return false;
        }
        // The worker announces each part 1 it takes, so its count reaches the pairs it has taken.
        _secondDone.WaitFor(Interlocked.Increment(ref _pairsTaken));
        try
        {
            if (!_secondFailed) job.Finish(0, together: true);
        }
        finally
        {
            // The worker finishes at the same time and reads what part 0 wrote.
            _done.WaitFor(_doneTarget);
        }
        _secondFailure?.Throw();
        return true;
    }

    private static bool RunHere(IPairJob job)
    {
        job.Both();
        job.Finish(0, together: false);
        return false;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work(int t)
    {
        _onWorker = true;
        for (long jobs = 1; ; jobs++)
        {
            _start[t].WaitFor(jobs);
            if (_pair is { } pair)
            {
                if (Interlocked.Exchange(ref _pairOpen, 0) == 1) RunSecond(pair);
                // Nothing is given out before this worker is done, so the job (a model) is not kept alive here.
                _pair = null;
            }
            else
            {
                var (start, end) = Range(t, _rows);
                if (start < end) _run(_job, start, end);
            }
            _done.Raise();
        }
    }

    /// <summary>Part 1 of a pair on this worker, then, once part 0 is done too, its Finish.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunSecond(IPairJob pair)
    {
        long pairs = _pairs;
        try
        {
            pair.Part(1, onWorker: true);
        }
        catch (Exception e)
        {
            _secondFailure = ExceptionDispatchInfo.Capture(e);
            _secondFailed = true;
        }
        _secondDone.Raise();
        _firstDone.WaitFor(pairs);
        if (_firstFailed || _secondFailed) return;
        try
        {
            pair.Finish(1, together: true);
        }
        catch (Exception e)
        {
            _secondFailure = ExceptionDispatchInfo.Capture(e);
        }
    }
}
