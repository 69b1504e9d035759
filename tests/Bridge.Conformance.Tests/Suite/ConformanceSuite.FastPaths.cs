using Bridge.Backends;

namespace Bridge.Conformance.Tests;

/// <summary>
/// The trainer's fast paths keep the contract of <see cref="IModel.TrainStep"/>: what they read is checked before
/// anything changes, and queued steps are the steps one at a time, however many a run holds.
/// </summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableFact]
    public void Rows_a_gathering_model_cannot_read_are_refused_by_name_before_anything_changes()
    {
        RequireFastPath(FastPath.Gathering);
        var spec = Nets.ClassifierNet(Precision.Float32, new Adam(0.1));
        using var model = Build(spec, 2);
        var gathering = (IGatheringModel)model;
        var inputs = Matrix.FromRows([0.5, -1, 2, 0], [1, 0, 1e39, 0], [0, 1, 0, 0]);
        var targets = OneHot.Encode([0, 1, 1], 3);
        int[] labels = [0, 1, 2];
        var before = ModelState.Of(model);

        AssertRefused(() => gathering.TrainStep(inputs, targets, labels, [0, 3]), "Row 3 is not a row", "row 3 of three");
        AssertRefused(() => gathering.TrainStep(inputs, targets, labels, [-1]), "Row -1 is not a row", "row -1");
        AssertRefused(() => gathering.TrainStep(inputs, targets, labels, []), "no rows", "no rows");
        AssertRefused(() => gathering.TrainStep(inputs, targets, [0, 1, 3], [0, 2]), "Label 3 of sample 2", "label 3 of three classes");
        AssertRefused(() => gathering.TrainStep(inputs, targets, null, [0]), "needs integer labels", "no labels");
        AssertRefused(() => gathering.TrainStep(Matrix.FromRows([1.0, 2]), targets, labels, [0]), "width 4", "inputs of width 2");
        AssertRefused(() => gathering.TrainStep(inputs, targets, labels, [0, 1]), "Input row 1, column 2 of the data is 1E+39, beyond the range of float32",
            "a value float32 cannot hold");
        var nan = inputs.Clone();
        nan[2, 1] = double.NaN;
        AssertRefused(() => gathering.TrainStep(nan, targets, labels, [2]), "Input row 2, column 1 of the data is NaN", "a NaN in a row read");

        before.AssertHeldBy(model, "every refused step");
        Assert.True(gathering.TrainStep(inputs, targets, labels, [2, 0]).Applied);
    }

    [SkippableFact]
    public void A_gathering_model_checks_the_targets_of_the_rows_it_reads_where_its_loss_reads_them()
    {
        RequireFastPath(FastPath.Gathering);
        var spec = Nets.RegressionNet(Precision.Float32);
        using var model = Build(spec, 3);
        var gathering = (IGatheringModel)model;
        var inputs = Matrix.FromRows([0.0, 1, 0, 1], [1, 0, 1, 0], [1, 1, 0, 0]);
        var targets = Matrix.FromRows([0.0, 1], [1, double.PositiveInfinity], [1, 1e300]);
        var before = ModelState.Of(model);

        AssertRefused(() => gathering.TrainStep(inputs, targets, null, [0, 1]), "Target row 1, column 1 of the data is Infinity (NaN or infinite)", "an infinite target");
        AssertRefused(() => gathering.TrainStep(inputs, targets, null, [2]), "Target row 2, column 1 of the data is 1E+300, beyond the range of float32",
            "a target float32 cannot hold");

        before.AssertHeldBy(model, "every refused step");
        Assert.True(gathering.TrainStep(inputs, targets, null, [0, 0]).Applied);
    }

    [SkippableTheory]
    [InlineData(Nets.Regression)]
    [InlineData(Nets.Classifier)]
    public void Resident_data_that_does_not_fit_is_refused_by_name_before_anything_changes(string net)
    {
        RequireFastPath(FastPath.Queued);
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
        RequireFastPath(FastPath.Queued);
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
        RequireFastPath(FastPath.Queued);
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
}
