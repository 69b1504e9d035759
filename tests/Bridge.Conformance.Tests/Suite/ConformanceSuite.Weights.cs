namespace Bridge.Conformance.Tests;

/// <summary>Weights go in and come out bit for bit, rounded to the model's precision; a snapshot is a copy.</summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Weights_come_back_bit_for_bit_rounded_to_the_models_precision(Precision precision)
    {
        var spec = Nets.RegressionNet(precision);
        var initial = Nets.Unrounded(spec, 1);
        var other = Nets.Unrounded(spec, 2);
        using var model = Build(spec, initial);
        ModelState.AssertClose(initial.ToPrecision(precision), model.GetWeights(), 0, "the weights built with");

        var expected = other.ToPrecision(precision);
        model.SetWeights(other);
        var got = model.GetWeights();
        ModelState.AssertClose(expected, got, 0, "the weights set");

        // A snapshot is a copy, and so is what was set: changing either changes nothing in the model.
        got.Layers[0].Kernel[0] += 1;
        other.Layers[2].Kernel[1] += 1;
        ModelState.AssertClose(expected, model.GetWeights(), 0, "the weights after their snapshot and the set changed");
    }

    [SkippableFact]
    public void Setting_the_weights_keeps_the_optimizer_state()
    {
        var spec = Nets.RegressionNet(Precision.Float64, new Adam(0.01));
        using var model = Build(spec, 1);
        for (ulong s = 0; s < 3; s++) Assert.True(model.TrainStep(Nets.BatchFor(spec, 6, s)).Applied);
        var state = model.GetOptimizerState();
        model.SetWeights(spec.Init.Draw(spec, 9));
        ModelState.AssertClose(state, model.GetOptimizerState(), 0, "the optimizer state after SetWeights");
    }
}
