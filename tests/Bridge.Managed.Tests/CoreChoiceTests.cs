using Bridge.Managed.Batched;

namespace Bridge.Managed.Tests;

/// <summary>
/// The choice between one core and two for a split batch's halves: warm-up steps, then a trial alternating the two,
/// won by the clearly faster median; a new trial every period, so the choice follows a machine whose load changes.
/// </summary>
public sealed class CoreChoiceTests
{
    /// <summary>Runs <paramref name="steps"/> steps whose durations <paramref name="time"/> gives; returns how many ran on two cores.</summary>
    private static int Run(CoreChoice choice, int steps, Func<bool, long> time)
    {
        int onTwo = 0;
        for (int i = 0; i < steps; i++)
        {
            bool two = choice.Next();
            if (two) onTwo++;
            choice.Record(two, time(two));
        }
        return onTwo;
    }

    [Fact]
    public void One_core_until_a_trial_shows_two_to_be_clearly_faster()
    {
        var choice = new CoreChoice();
        Assert.Equal(0, Run(choice, 4, _ => 100));
        Assert.False(choice.TwoCores);
        // The trial alternates, two cores first.
        Assert.Equal(CoreChoice.Samples, Run(choice, 2 * CoreChoice.Samples, two => two ? 60 : 100));
        Assert.Equal(1, choice.Trials);
        Assert.True(choice.TwoCores);
        int rest = CoreChoice.Period - 2 * CoreChoice.Samples;
        Assert.Equal(rest, Run(choice, rest, two => two ? 60 : 100));
    }

    [Fact]
    public void Two_cores_that_save_too_little_or_cost_time_are_not_used()
    {
        foreach (long twoCores in new long[] { 97, 140 })
        {
            var choice = new CoreChoice();
            int onTwo = Run(choice, CoreChoice.Period + 4, two => two ? twoCores : 100);
            Assert.False(choice.TwoCores);
            Assert.Equal(CoreChoice.Samples, onTwo); // the trial's steps only
        }
    }

    [Fact]
    public void The_median_decides_so_a_few_disturbed_steps_do_not()
    {
        var choice = new CoreChoice();
        int step = 0;
        // Two cores are faster, but three of their eight trial steps were held up by another process.
        Run(choice, 4 + 2 * CoreChoice.Samples, two => two ? (step++ % 8 < 3 ? 10_000 : 50) : 100);
        Assert.True(choice.TwoCores);
    }

    [Fact]
    public void A_later_trial_follows_a_machine_that_got_busy()
    {
        var choice = new CoreChoice();
        Run(choice, 4 + 2 * CoreChoice.Samples, two => two ? 50 : 100);
        Assert.True(choice.TwoCores);
        // The other core became busy: the worker now comes late.
        Run(choice, CoreChoice.Period, two => two ? 300 : 100);
        Assert.Equal(2, choice.Trials);
        Assert.False(choice.TwoCores);
    }
}
