namespace Bridge.Conformance.Tests;

/// <summary>
/// Steps follow the optimizer's formulas (as the reference engine computes them); the optimizer's state comes out in
/// canonical form and goes back in, from this backend or another, and a model given it continues as the one it was
/// taken from.
/// </summary>
public abstract partial class ConformanceSuite<TBackend>
{
    public static TheoryData<string, Precision> OptimizersAndPrecisions() => Combine(["sgd", "momentum", "nesterov", "adam"]);

    /// <summary>The optimizers that keep state besides the step count.</summary>
    public static TheoryData<string, Precision> StatefulOptimizersAndPrecisions() => Combine(["momentum", "nesterov", "adam"]);

    private static TheoryData<string, Precision> Combine(string[] optimizers)
    {
        var data = new TheoryData<string, Precision>();
        foreach (var optimizer in optimizers)
            foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
                data.Add(optimizer, precision);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(OptimizersAndPrecisions))]
    public void Steps_follow_the_optimizers_formulas_as_the_reference_engine_computes_them(string optimizer, Precision precision)
    {
        var spec = Nets.RegressionNet(precision, Nets.OptimizerNamed(optimizer));
        var weights = spec.Init.Draw(spec, 2);
        using var model = Build(spec, weights);
        using var reference = Reference(spec, weights);
        for (int step = 0; step < 12; step++)
        {
            var batch = Nets.BatchFor(spec, 1 + step % 7, (ulong)step);
            var ours = reference.TrainStep(batch);
            var theirs = model.TrainStep(batch);
            Assert.True(theirs.Applied, $"step {step} was refused: {theirs}");
            ModelState.AssertClose(ours.Loss, theirs.Loss, Tolerance.Steps(precision), $"the loss of step {step}");
        }
        ModelState.AssertClose(reference.GetWeights(), model.GetWeights(), Tolerance.Steps(precision), "the weights after 12 steps");
        ModelState.AssertClose(reference.GetOptimizerState(), model.GetOptimizerState(), Tolerance.Steps(precision), "the optimizer state after 12 steps");
    }

    [SkippableTheory]
    [MemberData(nameof(StatefulOptimizersAndPrecisions))]
    public void The_optimizer_state_round_trips_and_a_model_given_it_continues_as_the_one_it_came_from(string optimizer, Precision precision)
    {
        var spec = Nets.RegressionNet(precision, Nets.OptimizerNamed(optimizer));
        using var first = Build(spec, 5);
        for (ulong s = 0; s < 4; s++) first.TrainStep(Nets.BatchFor(spec, 5, s));
        var state = first.GetOptimizerState();
        Assert.Equal(4, state.Steps);
        Assert.Equal(spec.Optimizer.SlotNames.Order(), state.Slots.Keys.Order());
        Assert.All(state.Slots.Values, slot => Assert.Equal(precision, slot.Precision));

        using var second = Build(spec, first.GetWeights());
        second.SetOptimizerState(state);
        ModelState.AssertClose(state, second.GetOptimizerState(), Same(precision), "the state set, read back");
        for (ulong s = 4; s < 8; s++)
        {
            var batch = Nets.BatchFor(spec, 5, s);
            ModelState.AssertClose(first.TrainStep(batch).Loss, second.TrainStep(batch).Loss, Same(precision), $"the loss of step {s}");
        }
        ModelState.AssertClose(first.GetWeights(), second.GetWeights(), Same(precision), "the weights of the restored model against the original's");
        ModelState.AssertClose(first.GetOptimizerState(), second.GetOptimizerState(), Same(precision), "the state of the restored model against the original's");
    }

    [SkippableTheory]
    [InlineData("momentum")]
    [InlineData("adam")]
    public void A_state_taken_from_the_reference_engine_continues_as_it_does_there(string optimizer)
    {
        var spec = Nets.RegressionNet(Precision.Float64, Nets.OptimizerNamed(optimizer));
        using var reference = Reference(spec, spec.Init.Draw(spec, 3));
        for (ulong s = 0; s < 4; s++) reference.TrainStep(Nets.BatchFor(spec, 5, s));
        using var model = Build(spec, reference.GetWeights());
        model.SetOptimizerState(reference.GetOptimizerState());
        for (ulong s = 4; s < 8; s++)
        {
            var batch = Nets.BatchFor(spec, 5, s);
            reference.TrainStep(batch);
            model.TrainStep(batch);
        }
        ModelState.AssertClose(reference.GetWeights(), model.GetWeights(), Tolerance.Float64Steps, "the weights continued from the reference's state");
        ModelState.AssertClose(reference.GetOptimizerState(), model.GetOptimizerState(), Tolerance.Float64Steps, "the state continued from the reference's");
    }
}
