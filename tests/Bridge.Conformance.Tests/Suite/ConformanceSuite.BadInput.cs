namespace Bridge.Conformance.Tests;

/// <summary>
/// Bad input is refused with an ArgumentException that names what is wrong, before anything changes: the weights and
/// the optimizer state are bit for bit what they were, and the model goes on working.
/// </summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Batches_and_inputs_that_do_not_fit_are_refused_by_name_before_anything_changes(Precision precision)
    {
        var spec = Nets.RegressionNet(precision, new Adam(0.05));
        using var model = Build(spec, 2);
        var good = Nets.BatchFor(spec, 4, 1);
        for (int s = 0; s < 2; s++) Assert.True(model.TrainStep(good).Applied);
        var before = ModelState.Of(model);

        var nanInput = good.Inputs.Clone();
        nanInput[2, 1] = double.NaN;
        var infiniteTarget = good.Targets.Clone();
        infiniteTarget[1, 0] = double.PositiveInfinity;
        var batches = new (Batch Batch, string Message)[]
        {
            (new Batch(new Matrix(4, 5), good.Targets), "expects inputs of width 4"),
            (new Batch(good.Inputs, new Matrix(4, 3)), "has 2 outputs"),
            (new Batch(new Matrix(0, 4), new Matrix(0, 2)), "empty"),
            (new Batch(nanInput, good.Targets), "row 2, column 1"),
            (new Batch(good.Inputs, infiniteTarget), "Target row 1, column 0"),
        };
        foreach (var (batch, message) in batches)
        {
            AssertRefused(() => model.TrainStep(batch), message, $"TrainStep on a batch where {message}");
            AssertRefused(() => model.Loss(batch), message, $"Loss on a batch where {message}");
            AssertRefused(() => model.Gradients(batch), message, $"Gradients on a batch where {message}");
        }
        AssertRefused(() => model.Forward(new Matrix(2, 3)), "width 4", "Forward on inputs of width 3");
        AssertRefused(() => model.Forward(nanInput), "row 2, column 1", "Forward on a NaN");
        AssertRefused(() => model.ForwardRange(new Matrix(2, 4), 1, 3), "width 5", "layers [1, 3) on the inputs of layer 0");
        AssertRefused(() => model.ForwardRange(new Matrix(2, 4), 0, 4), "0..2", "layers [0, 4) of three");
        AssertRefused(() => model.ForwardRange(new Matrix(2, 4), 1, 1), "0..2", "the empty range [1, 1)");
        Assert.Contains("autoencoder", Assert.Throws<InvalidOperationException>(() => model.Encode(good.Inputs)).Message);

        before.AssertHeldBy(model, "every refused call");
        Assert.True(model.TrainStep(good).Applied, "the model stopped working after refusing bad input");
    }

    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Labels_outside_the_classes_are_refused_by_name_before_anything_changes(Precision precision)
    {
        var spec = Nets.ClassifierNet(precision);
        using var model = Build(spec, 2);
        var good = Nets.BatchFor(spec, 4, 1);
        Assert.True(model.TrainStep(good).Applied);
        var before = ModelState.Of(model);

        var outside = new Batch(good.Inputs, good.Targets, [0, 3, 1, 2]);
        var unlabelled = new Batch(good.Inputs, good.Targets);
        AssertRefused(() => model.TrainStep(outside), "Label 3 of sample 1", "TrainStep on label 3 of three classes");
        AssertRefused(() => model.Loss(outside), "Label 3 of sample 1", "Loss on label 3 of three classes");
        AssertRefused(() => model.Gradients(outside), "Label 3 of sample 1", "Gradients on label 3 of three classes");
        AssertRefused(() => model.TrainStep(unlabelled), "needs integer labels", "TrainStep without labels");

        before.AssertHeldBy(model, "every refused call");
        Assert.True(model.TrainStep(good).Applied);
    }

    [SkippableFact]
    public void Weights_and_optimizer_states_that_do_not_fit_are_refused_by_name_before_anything_changes()
    {
        var spec = Nets.RegressionNet(Precision.Float64, new Sgd(0.1, 0.9));
        using var model = Build(spec, 2);
        for (ulong s = 0; s < 2; s++) Assert.True(model.TrainStep(Nets.BatchFor(spec, 4, s)).Applied);
        var before = ModelState.Of(model);

        var wider = new Mlp(4, new Dense(6, Activation.Tanh), new Dense(4, Activation.Tanh), new Dense(2, Activation.Linear));
        var shorter = new Mlp(4, new Dense(5, Activation.Tanh), new Dense(2, Activation.Linear));
        var nan = model.GetWeights();
        nan.Layers[1].Bias[2] = double.NaN;
        var velocity = model.GetOptimizerState().Slots["velocity"];
        AssertRefused(() => model.SetWeights(WeightSet.Zeros(wider)), "[4, 5]", "weights with a wider first layer");
        AssertRefused(() => model.SetWeights(WeightSet.Zeros(shorter)), "layers", "weights of two layers for three");
        AssertRefused(() => model.SetWeights(nan), "dense_1", "weights holding a NaN");
        AssertRefused(() => model.SetOptimizerState(new OptimizerState(2, new Dictionary<string, WeightSet> { ["m"] = velocity })), "'m'",
            "Adam's slot for SGD with momentum");
        AssertRefused(() => model.SetOptimizerState(new OptimizerState(2, new Dictionary<string, WeightSet> { ["velocity"] = WeightSet.Zeros(wider) })),
            "velocity", "a velocity shaped for another network");

        before.AssertHeldBy(model, "every refused call");
        Assert.True(model.TrainStep(Nets.BatchFor(spec, 4, 7)).Applied);
    }

    /// <summary>The call throws an ArgumentException (or a subclass) whose message contains <paramref name="message"/>.</summary>
    protected static void AssertRefused(Action call, string message, string what)
    {
        var error = Record.Exception(call);
        Assert.True(error is not null, $"{what} was accepted");
        Assert.True(error is ArgumentException, $"{what}: {error.GetType().Name}: {error.Message}");
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{what}: the message does not say \"{message}\": {error.Message}");
    }
}
