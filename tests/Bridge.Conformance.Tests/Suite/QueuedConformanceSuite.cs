using Bridge.Backends;

namespace Bridge.Conformance.Tests;

/// <summary>
/// The contract of a backend that queues the trainer's steps on a resident data set (<see cref="IQueuedTrainingModel"/>):
/// on top of <see cref="ConformanceSuite{TBackend}"/>, the data is checked before it crosses, and queued steps are the
/// steps one at a time, however many a run holds. A backend class derives from this suite when its
/// <see cref="BackendUnderTest.FastPath"/> is <see cref="FastPath.Queued"/>.
/// </summary>
public abstract class QueuedConformanceSuite<TBackend>(TBackend backend) : ConformanceSuite<TBackend>(backend)
    where TBackend : BackendUnderTest
{
    [SkippableTheory]
    [InlineData(Nets.Regression)]
    [InlineData(Nets.Classifier)]
    public void Resident_data_that_does_not_fit_is_refused_by_name_before_anything_changes(string net)
    {
        AssertDeclares(FastPath.Queued);
        var spec = Nets.Named(net, Precision.Float64);
        var data = Nets.DataFor(spec, 20, 1);
        using var model = Build(spec, 1);
        var queued = (IQueuedTrainingModel)model;
        var before = ModelState.Of(model);
        var targets = data.TargetsFor(spec);
        var nan = data.Features.Clone();
        nan[7, 2] = double.NaN;

        AssertRefused(() => queued.BeginQueuedTraining(nan, targets, data.Labels), "row 7, column 2", "a NaN in the data");
        AssertRefused(() => queued.BeginQueuedTraining(new Matrix(20, 3), targets, data.Labels), "width 4", "inputs of width 3");
        if (data.Labels is { } labels)
        {
            var outside = (int[])labels.Clone();
            outside[5] = 3;
            AssertRefused(() => queued.BeginQueuedTraining(data.Features, targets, outside), "Label 3 of sample 5", "label 3 of three classes");
        }
        else
        {
            var infinite = targets.Clone();
            infinite[4, 1] = double.NegativeInfinity;
            AssertRefused(() => queued.BeginQueuedTraining(data.Features, infinite, null), "row 4, column 1", "an infinite target");
        }
        // Through the trainer: refused before the first step.
        var broken = Nets.DataFor(spec, 20, 1);
        broken.Features[7, 2] = double.NaN;
        AssertRefused(() => Trainer.Fit(model, broken, new TrainingOptions { Epochs = 1, BatchSize = 4 }), "row 7, column 2", "a fit on a NaN");

        before.AssertHeldBy(model, "every refused call");
        Assert.Equal(5, Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, BatchSize = 4 }).StepsTaken);
    }

    [SkippableFact]
    public void Queued_steps_take_slices_of_the_epochs_order_and_the_model_is_not_read_before_they_settle()
    {
        AssertDeclares(FastPath.Queued);
        var spec = Nets.ClassifierNet(Precision.Float64, new Sgd(0.1, 0.9));
        var data = Nets.DataFor(spec, 20, 1);
        using var model = Build(spec, 1);
        var before = ModelState.Of(model);
        using var training = ((IQueuedTrainingModel)model).BeginQueuedTraining(data.Features, data.TargetsFor(spec), data.Labels);

        Assert.Throws<InvalidOperationException>(() => training.QueueStep(0, 4));   // no order yet
        AssertRefused(() => training.BeginEpoch(Enumerable.Range(0, 19).ToArray()), "19 entries", "an order one row short");
        AssertRefused(() => training.BeginEpoch(Enumerable.Range(1, 20).ToArray()), "Row 20 is not a row", "an order past the data");
        training.BeginEpoch(Enumerable.Range(0, 20).Reverse().ToArray());
        AssertRefused(() => training.QueueStep(18, 4), "18..21", "a step past the order");
        AssertRefused(() => training.QueueStep(0, 0), "not a slice", "a step of no samples");
        training.QueueStep(0, 4);
        training.QueueStep(4, 4);
        Assert.Contains("2 queued training steps", Assert.Throws<InvalidOperationException>(() => model.GetWeights()).Message);
        Assert.Throws<InvalidOperationException>(() => model.TrainStep(Nets.BatchFor(spec, 2, 1)));

        var results = training.Settle();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Applied));
        Assert.Equal(before.Steps + 2, model.GetOptimizerState().Steps);
        Assert.Empty(training.Settle());
    }

    [SkippableFact]
    public void An_epoch_longer_than_one_run_of_queued_steps_is_the_steps_one_after_the_other()
    {
        AssertDeclares(FastPath.Queued);
        var spec = Nets.ClassifierNet(Precision.Float64, new Adam(0.01));
        // 601 samples in batches of 2: 301 steps, more than the 256 that one run (a Python call, a worker request) takes,
        // the last of one sample.
        var data = Nets.DataFor(spec, 601, 8);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 2, Seed = 2, EvaluateEachEpoch = false };
        var weights = spec.Init.Draw(spec, 3);
        using var fitted = Build(spec, weights);
        using var stepped = Build(spec, weights);
        var history = Trainer.Fit(fitted, data, options);
        var (losses, steps, _) = StepThrough(stepped, data, options, stopAtRefusal: false);
        Assert.Equal(301, steps);
        Assert.Equal(steps, history.StepsTaken);
        ModelState.AssertClose(losses[0], history.Epochs[0].Loss, Same(Precision.Float64), "the epoch's loss");
        ModelState.AssertClose(stepped.GetWeights(), fitted.GetWeights(), Same(Precision.Float64), "the weights fitted against those stepped");
    }

    [SkippableFact]
    public void Disposing_a_model_ends_its_queued_training()
    {
        AssertDeclares(FastPath.Queued);
        var spec = Nets.RegressionNet(Precision.Float64);
        var data = Nets.DataFor(spec, 12, 1);
        var model = (IQueuedTrainingModel)Build(spec, 1);
        var training = model.BeginQueuedTraining(data.Features, data.TargetsFor(spec), null);
        training.BeginEpoch(Enumerable.Range(0, 12).ToArray());
        training.QueueStep(0, 4);
        Assert.Single(training.Settle());
        model.Dispose();

        var error = Record.Exception(() =>
        {
            training.BeginEpoch(Enumerable.Range(0, 12).ToArray());
            training.QueueStep(0, 4);
            training.Settle();
        });
        Assert.True(error is ObjectDisposedException, $"queued training after its model's Dispose: {error?.GetType().Name}: {error?.Message}");
        training.Dispose();
        training.Dispose();
    }
}
