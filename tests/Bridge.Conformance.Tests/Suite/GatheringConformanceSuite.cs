using Bridge.Backends;

namespace Bridge.Conformance.Tests;

/// <summary>
/// The contract of a backend the trainer hands rows to read (<see cref="IGatheringModel"/>): on top of
/// <see cref="ConformanceSuite{TBackend}"/>, what it reads is checked before anything changes. A backend class derives
/// from this suite when its <see cref="BackendUnderTest.FastPath"/> is <see cref="FastPath.Gathering"/>.
/// </summary>
public abstract class GatheringConformanceSuite<TBackend>(TBackend backend) : ConformanceSuite<TBackend>(backend)
    where TBackend : BackendUnderTest
{
    [SkippableFact]
    public void Rows_a_gathering_model_cannot_read_are_refused_by_name_before_anything_changes()
    {
        AssertDeclares(FastPath.Gathering);
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
        AssertDeclares(FastPath.Gathering);
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
}
