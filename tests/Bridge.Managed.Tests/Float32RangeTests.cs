using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>
/// A float32 batch that holds a value float32 cannot (finite in float64, ∞ once rounded) is refused by name, as a NaN
/// is: the batched path converts the batch itself and says which value and why. (The rest of the contract on bad input
/// is the conformance suite's.)
/// </summary>
public sealed class Float32RangeTests
{
    private static readonly Mlp Spec = new(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Softmax));

    [Fact]
    public void A_float32_model_refuses_values_beyond_float32_by_name()
    {
        using var model = ManagedBackend.Batched.Build(Spec with { Precision = Precision.Float32 }, 2);
        var before = model.GetWeights();
        var huge = Matrix.FromRows([1.0, 0, 1e39]);
        var error = Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(huge, OneHot.Encode([0], 2), [0])));
        Assert.Contains("row 0, column 2", error.Message);
        Assert.Contains("float32", error.Message);
        var targets = OneHot.Encode([0], 2);
        targets[0, 1] = double.PositiveInfinity;
        error = Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(Matrix.FromRows([1.0, 0, 0]), targets, [0])));
        Assert.Contains("Target row 0, column 1", error.Message);
        Assert.Equal(before.Flatten(), model.GetWeights().Flatten());
    }
}
