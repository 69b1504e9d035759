using System.Diagnostics;

namespace Bridge.Benchmarks;

/// <summary>Seconds per call of one operation: the fastest round and the median round.</summary>
/// <remarks>
/// Each round averages many calls. On a shared machine interference from other work only ever adds time, so the
/// fastest round is the figure that repeats from run to run; the median shows how much the machine disturbed it.
/// </remarks>
public readonly record struct Timed(double Best, double Median)
{
    public static Timed FromSamples(double[] seconds)
    {
        if (seconds.Length == 0) throw new ArgumentException("No samples to summarise.", nameof(seconds));
        var sorted = seconds.Order().ToArray();
        return new Timed(sorted[0], sorted[sorted.Length / 2]);
    }

    /// <summary>Two timings of the same operation taken apart: the faster fastest round and the faster median.</summary>
    public static Timed Faster(Timed first, Timed second) => new(Math.Min(first.Best, second.Best), Math.Min(first.Median, second.Median));
}

/// <summary>
/// Times an operation the careful way for a noisy machine: a warm-up (so the JIT has optimised it and caches are
/// filled), then repeated rounds of calls.
/// </summary>
public static class Timing
{
    /// <summary>
    /// Seconds per call of <paramref name="operation"/> over <paramref name="rounds"/> rounds of enough calls to last at
    /// least <paramref name="roundSeconds"/>.
    /// </summary>
    public static Timed Measure(Action operation, int rounds = 7, double roundSeconds = 0.1, double warmupSeconds = 0.3)
    {
        var clock = Stopwatch.StartNew();
        long calls = 0;
        while (clock.Elapsed.TotalSeconds < warmupSeconds || calls < 2)
        {
            operation();
            calls++;
        }
        // Enough calls per round to last roundSeconds, judged from the warm-up's pace.
        long perRound = Math.Max(1, (long)(roundSeconds / (clock.Elapsed.TotalSeconds / calls)));
        var samples = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            clock.Restart();
            for (long i = 0; i < perRound; i++) operation();
            samples[r] = clock.Elapsed.TotalSeconds / perRound;
        }
        return Timed.FromSamples(samples);
    }
}
