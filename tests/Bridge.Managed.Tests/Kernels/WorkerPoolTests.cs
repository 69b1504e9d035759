using System.Collections.Concurrent;
using System.Diagnostics;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>The pair protocol: which thread runs what, when Finish runs, and what happens when a part throws.</summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class WorkerPoolTests
{
    private static readonly bool TwoCores = Environment.ProcessorCount > 1;

    /// <summary>Records each call with its thread; part 0 can be made to take a while, and either part to throw.</summary>
    private sealed class RecordingJob(TimeSpan partZeroTakes = default, int throwingPart = -1, TimeSpan partOneTakes = default) : IPairJob
    {
        public ConcurrentQueue<(string Call, int Thread)> Calls { get; } = new();

        /// <summary>The calls in the order they were made, part 1's end included.</summary>
        public ConcurrentQueue<string> Order { get; } = new();

        public void Part(int part, bool onWorker)
        {
            Calls.Enqueue(($"part {part}{(onWorker ? " on worker" : "")}", Environment.CurrentManagedThreadId));
            Wait(part == 0 ? partZeroTakes : partOneTakes);
            if (part == throwingPart) throw new InvalidOperationException($"part {part} failed");
            Order.Enqueue($"part {part} done");
        }

        public void Both() => Calls.Enqueue(("both", Environment.CurrentManagedThreadId));

        public void Finish(int part, bool together)
        {
            Calls.Enqueue(($"finish {part}{(together ? " together" : "")}", Environment.CurrentManagedThreadId));
            Order.Enqueue($"finish {part}");
        }

        public string[] Names => Calls.Select(c => c.Call).Order().ToArray();

        /// <summary>Sleeps rather than spins: the system may have queued the other thread on this core.</summary>
        private static void Wait(TimeSpan span)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < span) Thread.Sleep(1);
        }
    }

    [SkippableFact]
    public void A_pair_runs_its_second_part_on_the_worker_and_finishes_on_both_threads()
    {
        Skip.IfNot(TwoCores, "one core: pairs run on the calling thread");
        var job = new RecordingJob(TimeSpan.FromMilliseconds(20));
        long before = WorkerPool.Shared.PairPartsOnWorkers;
        bool together = OnWorker(() => WorkerPool.Shared.RunPair(job));

        Assert.True(together);
        Assert.Equal(["finish 0 together", "finish 1 together", "part 0", "part 1 on worker"], job.Names);
        var threads = job.Calls.ToDictionary(c => c.Call, c => c.Thread);
        Assert.Equal(Environment.CurrentManagedThreadId, threads["part 0"]);
        Assert.Equal(Environment.CurrentManagedThreadId, threads["finish 0 together"]);
        Assert.NotEqual(threads["part 0"], threads["part 1 on worker"]);
        Assert.Equal(threads["part 1 on worker"], threads["finish 1 together"]);
        Assert.Equal(before + 1, WorkerPool.Shared.PairPartsOnWorkers);
    }

    /// <summary><paramref name="run"/> with every part 1 on the worker, however long it takes to come (a busy machine).</summary>
    private static T OnWorker<T>(Func<T> run)
    {
        WorkerPool.Shared.Placement = WorkerPool.PairPlacement.OnWorker;
        try
        {
            return run();
        }
        finally
        {
            WorkerPool.Shared.Placement = WorkerPool.PairPlacement.Offered;
        }
    }

    [Fact]
    public void Without_offering_the_calling_thread_computes_both_parts_at_once()
    {
        var pool = WorkerPool.Shared;
        pool.Placement = WorkerPool.PairPlacement.Here;
        try
        {
            var job = new RecordingJob();
            Assert.False(pool.RunPair(job));
            Assert.Equal(["both", "finish 0"], job.Names);
            Assert.All(job.Calls, c => Assert.Equal(Environment.CurrentManagedThreadId, c.Thread));
        }
        finally
        {
            pool.Placement = WorkerPool.PairPlacement.Offered;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void An_exception_in_either_part_reaches_the_caller_and_the_pool_goes_on(int throwingPart)
    {
        var failing = new RecordingJob(TimeSpan.FromMilliseconds(20), throwingPart);
        var error = Assert.Throws<InvalidOperationException>(() => OnWorker(() => WorkerPool.Shared.RunPair(failing)));
        Assert.Equal($"part {throwingPart} failed", error.Message);
        Assert.DoesNotContain(failing.Calls, c => c.Call.StartsWith("finish"));

        // The next pairs run in full (on two threads where there are two), and finish only once both parts are done:
        // part 1 on the worker takes longer than part 0 here.
        for (int i = 0; i < 3; i++)
        {
            var next = new RecordingJob(TimeSpan.FromMilliseconds(20), partOneTakes: TimeSpan.FromMilliseconds(40));
            bool together = OnWorker(() => WorkerPool.Shared.RunPair(next));
            Assert.Equal(TwoCores, together);
            var order = next.Order.ToArray();
            Assert.True(Array.IndexOf(order, "part 1 done") < Array.IndexOf(order, "finish 0"), string.Join(", ", order));
        }
    }

    [Fact]
    public void A_worker_that_comes_late_finds_part_one_done_and_the_pool_stays_usable()
    {
        // Part 0 returns at once, usually before the worker has woken: the calling thread then runs part 1 itself.
        for (int i = 0; i < 200; i++)
        {
            var job = new RecordingJob();
            bool together = WorkerPool.Shared.RunPair(job);
            var names = job.Names;
            Assert.Equal(together
                ? ["finish 0 together", "finish 1 together", "part 0", "part 1 on worker"]
                : names.Contains("both") ? ["both", "finish 0"] : ["finish 0", "part 0", "part 1"], names);
        }
    }

    [Fact]
    public void Row_jobs_still_cover_every_row_between_pairs()
    {
        var a = new float[300 * 200];
        var b = new float[200 * 100];
        for (int i = 0; i < a.Length; i++) a[i] = (i % 7) - 3;
        for (int i = 0; i < b.Length; i++) b[i] = (i % 5) - 2;
        var expected = new float[300 * 100];
        for (int r = 0; r < 300; r++)
            for (int c = 0; c < 100; c++)
            {
                float sum = 0;
                for (int p = 0; p < 200; p++) sum += a[r * 200 + p] * b[p * 100 + c];
                expected[r * 100 + c] = sum;
            }
        for (int round = 0; round < 20; round++)
        {
            WorkerPool.Shared.RunPair(new RecordingJob());
            // 300·200·100 multiply-adds: shared between the cores row by row.
            var c = new float[300 * 100];
            Gemm<float>.MultiplyAddBias(a, 300, 200, b, 100, [], c);
            Assert.Equal(expected, c);
        }
    }
}
