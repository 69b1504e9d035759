using System.Diagnostics;

namespace Bridge.Comparison;

/// <summary>
/// Times an operation the careful way for a noisy machine: a warm-up (so the JIT has optimised it and caches are
/// filled), then repeated batches, reporting the median time per operation.
/// </summary>
public static class Timing
{
    /// <summary>The median seconds per call of <paramref name="operation"/>, over <paramref name="rounds"/> rounds of enough calls to last at least <paramref name="roundSeconds"/>.</summary>
    public static double Median(Action operation, int rounds = 7, double roundSeconds = 0.1, double warmupSeconds = 0.3)
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
        Array.Sort(samples);
        return samples[rounds / 2];
    }
}
