
namespace Bridge.Benchmarks.Tests;

/// <summary>The bench's summary of a set of rounds: fastest and median, whatever order the rounds came in.</summary>
public sealed class TimingTests
{
    [Fact]
    public void Rounds_are_summarised_by_their_fastest_and_their_median()
    {
        Assert.Equal(new Timed(1.0, 3.0), Timed.FromSamples([5.0, 1.0, 4.0, 3.0, 2.5]));
        Assert.Equal(new Timed(2.0, 2.0), Timed.FromSamples([2.0]));
        Assert.Throws<ArgumentException>(() => Timed.FromSamples([]));
    }

    [Fact]
    public void Measuring_runs_the_operation_through_warm_up_and_every_round()
    {
        int calls = 0;
        var timed = Timing.Measure(() => calls++, rounds: 3, roundSeconds: 0.001, warmupSeconds: 0);
        Assert.True(calls >= 2 + 3, $"{calls} calls");
        Assert.InRange(timed.Best, 0, timed.Median);
    }
}
