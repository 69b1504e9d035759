using Bridge.Backends;

namespace Bridge.Conformance.Tests;

/// <summary>
/// Disposing a model releases what it holds, its queued training included; a disposed model refuses every call with
/// <see cref="ObjectDisposedException"/>, and disposing it again does nothing.
/// </summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableFact]
    public void A_disposed_model_refuses_every_call_and_a_second_dispose_does_nothing()
    {
        var spec = Nets.RegressionNet(Precision.Float64);
        var model = Build(spec, 1);
        var batch = Nets.BatchFor(spec, 3, 1);
        var weights = model.GetWeights();
        var state = model.GetOptimizerState();
        model.Dispose();
        model.Dispose();

        Assert.Equal(spec, model.Spec);
        var calls = new (string Name, Action Call)[]
        {
            ("Forward", () => model.Forward(batch.Inputs)),
            ("ForwardRange", () => model.ForwardRange(batch.Inputs, 0, 1)),
            ("ForwardLayers", () => model.ForwardLayers(batch.Inputs)),
            ("Loss", () => model.Loss(batch)),
            ("Gradients", () => model.Gradients(batch)),
            ("TrainStep", () => model.TrainStep(batch)),
            ("GetWeights", () => model.GetWeights()),
            ("SetWeights", () => model.SetWeights(weights)),
            ("GetOptimizerState", () => model.GetOptimizerState()),
            ("SetOptimizerState", () => model.SetOptimizerState(state)),
        };
        foreach (var (name, call) in calls)
        {
            var error = Record.Exception(call);
            Assert.True(error is ObjectDisposedException, $"{name} after Dispose: {(error is null ? "no exception" : $"{error.GetType().Name}: {error.Message}")}");
        }
    }
}
