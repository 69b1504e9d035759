namespace Bridge.Torch.Tests;

/// <summary>
/// A second thread that allocates and forces full collections with finalisers run, in a loop, for as long as it lives:
/// what a console refresh, a progress callback or an embedded Python does to a training thread, only without pause.
/// A native object that .NET finalises while libtorch still reads it is freed under the training thread's feet.
/// The optional action adds allocations of the caller's kind (Python objects, say) to each round.
/// </summary>
internal sealed class GcPressure : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public GcPressure(Action? alsoAllocate = null)
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                var garbage = new object[64];
                for (int i = 0; i < garbage.Length; i++) garbage[i] = new byte[256];
                alsoAllocate?.Invoke();
                // Mostly young-generation collections, a full one every sixteenth round: a short-lived Scalar is
                // young, and a young collection takes a fraction of a full one's pause, so far more of them land
                // inside a native call in the same time.
                GC.Collect(Collections % 16 == 15 ? GC.MaxGeneration : 0, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                Collections++;
            }
        }) { IsBackground = true, Name = "GC pressure" };
        _thread.Start();
    }

    /// <summary>Full collections completed so far.</summary>
    public int Collections { get; private set; }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
