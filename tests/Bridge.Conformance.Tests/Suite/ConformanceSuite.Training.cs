using Bridge.Backends;

namespace Bridge.Conformance.Tests;

/// <summary>
/// Training through the <see cref="Trainer"/> — by the fast path the backend has — is TrainStep on the trainer's
/// batches, one after the other; a step whose loss or gradient is not finite changes nothing, and a fit stops there.
/// </summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableTheory]
    [MemberData(nameof(NetsAndPrecisions))]
    public void Fitting_through_the_trainer_is_TrainStep_on_the_same_batches_one_after_the_other(string net, Precision precision)
    {
        // Every form of optimizer goes through the fast paths: Nesterov, Adam and momentum here, plain SGD in the divergence below.
        var spec = Nets.Named(net, precision, net switch
        {
            Nets.Classifier => Nets.OptimizerNamed("nesterov"),
            Nets.Regression => Nets.OptimizerNamed("adam"),
            _ => Nets.OptimizerNamed("momentum"),
        });
        // 61 samples in batches of 8: a last step of 5; progress every 3 steps settles queued steps in mid-epoch.
        var data = Nets.DataFor(spec, 61, 3);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 4, EvaluateEachEpoch = false, ProgressEverySteps = 3, OnProgress = _ => { } };
        var weights = spec.Init.Draw(spec, 1);
        using var fitted = Build(spec, weights);
        using var stepped = Build(spec, weights);

        var history = Trainer.Fit(fitted, data, options);
        var (losses, steps, _) = StepThrough(stepped, data, options, stopAtRefusal: false);

        Assert.Equal(steps, history.StepsTaken);
        Assert.Equal(losses.Count, history.Epochs.Count);
        for (int e = 0; e < losses.Count; e++)
            ModelState.AssertClose(losses[e], history.Epochs[e].Loss, Same(precision), $"the loss of epoch {e}");
        ModelState.AssertClose(stepped.GetWeights(), fitted.GetWeights(), Same(precision), "the weights fitted against those stepped");
        ModelState.AssertClose(stepped.GetOptimizerState(), fitted.GetOptimizerState(), Same(precision), "the optimizer state fitted against stepped");
    }

    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void A_step_whose_loss_is_not_finite_is_refused_and_changes_nothing(Precision precision)
    {
        var spec = Nets.RegressionNet(precision, new Sgd(0.1, 0.9));
        using var model = Build(spec, 1);
        var batch = Nets.BatchFor(spec, 4, 2);
        for (int s = 0; s < 2; s++) Assert.True(model.TrainStep(batch).Applied);
        // Finite weights whose outputs are finite but whose squared errors are not: ½(1e200)² overflows float64, and
        // ½(1e30)² float32.
        model.SetWeights(Huge(model.GetWeights(), precision == Precision.Float64 ? 1e200 : 1e30));
        var before = ModelState.Of(model);

        var result = model.TrainStep(batch);

        Assert.False(result.Applied, $"a step with loss {result.Loss} was applied");
        Assert.True(!double.IsFinite(result.Loss) || result.NonFiniteLayer is not null, $"a refused step with a finite loss names no layer: {result}");
        before.AssertHeldBy(model, "a refused step");
    }

    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void A_fit_that_diverges_stops_where_step_by_step_training_does_and_keeps_the_last_finite_weights(Precision precision)
    {
        var spec = Diverging.Spec(precision);
        var data = Diverging.Data();
        var options = new TrainingOptions { Epochs = 5, BatchSize = 8, Seed = 1, EvaluateEachEpoch = false };
        var weights = spec.Init.Draw(spec, 1);
        using var fitted = Build(spec, weights);
        using var stepped = Build(spec, weights);

        var (_, steps, refused) = StepThrough(stepped, data, options, stopAtRefusal: true);
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(fitted, data, options));

        Assert.True(error.Epoch > 0, "the divergence should come after a whole epoch for this test to mean anything");
        int stepsPerEpoch = BatchPlan.StepsPerEpoch(data.Count, options.BatchSize);
        Assert.Equal(steps, error.Epoch * stepsPerEpoch + error.Step);
        Assert.Equal(steps, error.History.StepsTaken);
        Assert.Equal(error.Epoch, error.History.Epochs.Count);
        Assert.Equal(refused!.Value.NonFiniteLayer, error.Layer);
        ModelState.AssertClose(stepped.GetWeights(), fitted.GetWeights(), Same(precision), "the weights the diverged fit kept");
        Assert.Null(fitted.GetWeights().FirstNonFiniteLayer());
        ModelState.AssertClose(stepped.GetOptimizerState(), fitted.GetOptimizerState(), Same(precision), "the state the diverged fit kept");
    }

    /// <summary>
    /// TrainStep on the batches <see cref="Trainer.Fit"/> would hand out (the trainer's own assembler and batch order),
    /// one call each: the mean step loss of each epoch, and the steps applied. With <paramref name="stopAtRefusal"/>,
    /// stops at the first refused step (asserting one comes) and returns it.
    /// </summary>
    protected static (List<double> EpochLosses, int Steps, StepResult? Refused) StepThrough(IModel model, Dataset data, TrainingOptions options, bool stopAtRefusal)
    {
        var assembler = new BatchAssembler(data, model.Spec, options.BatchSize);
        var order = new int[data.Count];
        var losses = new List<double>();
        int steps = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            BatchPlan.FillOrder(order, epoch, options.Seed, options.Shuffle);
            double sum = 0;
            int seen = 0;
            for (int step = 0; step < assembler.StepsPerEpoch; step++)
            {
                var batch = assembler.Assemble(order, step, options.Seed, epoch);
                var result = model.TrainStep(batch);
                if (!result.Applied && stopAtRefusal) return (losses, steps, result);
                Assert.True(result.Applied, $"epoch {epoch}, step {step} was refused");
                sum += result.Loss * batch.Count;
                seen += batch.Count;
                steps++;
            }
            losses.Add(sum / seen);
        }
        Assert.False(stopAtRefusal, $"no step of {options.Epochs} epochs was refused");
        return (losses, steps, null);
    }

    /// <summary>The weights with every kernel weight of the output layer set to <paramref name="value"/>.</summary>
    private static WeightSet Huge(WeightSet weights, double value)
    {
        Array.Fill(weights.Layers[^1].Kernel, value);
        return weights;
    }
}
