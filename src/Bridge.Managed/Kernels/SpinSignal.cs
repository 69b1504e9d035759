using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// A count that threads raise and one thread waits on. The waiter spins first, with pause instructions and no system
/// calls, because in a training loop the next raise comes within microseconds (an event's wait, which yields to the
/// scheduler while it spins, took a quarter of a microsecond more per hand-off here); after some 30 µs without one it
/// sleeps until woken, so an idle pool costs nothing and a busy machine gets the core back.
/// </summary>
internal sealed class SpinSignal
{
    /// <summary>Pause iterations before sleeping (a pause is some tens of nanoseconds).</summary>
    private const int Spins = 1000;

    private readonly SemaphoreSlim _wake = new(0);
    private long _count;
    private int _sleeping;

    /// <summary>How often it has been raised.</summary>
    public long Count => Volatile.Read(ref _count);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Raise()
    {
        Interlocked.Increment(ref _count);
        // The increment is a full fence, so a waiter that set _sleeping before reading the count is seen here.
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
    }

    /// <summary>Returns once the count has reached <paramref name="target"/>. One waiter at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WaitFor(long target)
    {
        for (int spin = 0; spin < Spins; spin++)
        {
            if (Volatile.Read(ref _count) >= target) return;
            // One pause instruction: Thread.SpinWait goes through the runtime, which now and then reads the clock.
            if (X86Base.IsSupported) X86Base.Pause();
            else Thread.SpinWait(1);
        }
        while (true)
        {
            Interlocked.Exchange(ref _sleeping, 1);
            if (Volatile.Read(ref _count) >= target)
            {
                // Raised meanwhile: take the flag back, or, if the raiser took it first, the wake-up it sent.
                if (Interlocked.Exchange(ref _sleeping, 0) == 0) _wake.Wait();
                return;
            }
            _wake.Wait();
            if (Volatile.Read(ref _count) >= target) return;
        }
    }
}
