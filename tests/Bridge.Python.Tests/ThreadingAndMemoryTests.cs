using System.Diagnostics;
using Bridge.Python;

namespace Bridge.Python.Tests;

[Collection(PythonCollection.Name)]
public sealed class ThreadingAndMemoryTests
{
    public ThreadingAndMemoryTests() => PythonFixture.Require();

    [SkippableFact]
    public void Eight_threads_times_ten_thousand_calls_finish_with_correct_results()
    {
        using var operatorModule = Bridge.Python.Python.Import("operator");
        using var add = operatorModule.GetAttr("add");
        var errors = new int[8];
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                using var sum = add.Call(t * 100_000, i);
                if (sum.ToInt64() != t * 100_000 + i) errors[t]++;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var thread in threads) Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "a thread did not finish: deadlock?");
        Assert.All(errors, e => Assert.Equal(0, e));
    }

    [SkippableFact]
    public void A_scope_holds_the_gil_and_nests()
    {
        using (Bridge.Python.Python.Gil())
        using (Bridge.Python.Python.Gil())
        {
            using var value = PyObject.From(5);
            Assert.Equal(5, value.ToInt64());
        }
        // Released: another thread can take it.
        var other = Task.Run(() => { using var v = PyObject.From(6); return v.ToInt64(); });
        Assert.True(other.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(6, other.Result);
    }

    [SkippableFact]
    public void A_million_calls_that_create_and_drop_objects_keep_memory_flat()
    {
        using var builtins = Bridge.Python.Python.Import("builtins");
        using var makeList = builtins.GetAttr("list");
        void Churn(int count)
        {
            for (int i = 0; i < count; i++)
            {
                using var list = makeList.Call((i, "x", 1.5));
                if (list.Length != 3) throw new InvalidOperationException("wrong length");
            }
        }
        Churn(50_000);
        long before = Resident();
        Churn(1_000_000);
        long growth = Resident() - before;
        // One leaked 3-item list per call would be about 100 MB; a leaked int or str alone 30 MB.
        Assert.True(growth < 20L << 20, $"resident memory grew by {growth >> 20} MB");
    }

    [SkippableFact]
    public void Objects_left_to_the_garbage_collector_are_released_under_the_gil()
    {
        using var gc = Bridge.Python.Python.Import("gc");
        using var sys = Bridge.Python.Python.Import("sys");
        using var marker = PyObject.From("a marker string held by abandoned handles");
        long baseline = sys.CallMethod("getrefcount", marker).ToInt64();
        Abandon(marker, 1000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(Bridge.Python.Python.PendingReleases > 0 || sys.CallMethod("getrefcount", marker).ToInt64() == baseline);
        // The next time any thread takes the GIL, the queue is drained.
        using (Bridge.Python.Python.Gil()) { }
        Assert.Equal(0, Bridge.Python.Python.PendingReleases);
        Assert.Equal(baseline, sys.CallMethod("getrefcount", marker).ToInt64());
    }

    private static void Abandon(PyObject target, int count)
    {
        for (int i = 0; i < count; i++) _ = PyObject.From(target); // new references, never disposed
    }

    private static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using (Bridge.Python.Python.Gil()) { }
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
