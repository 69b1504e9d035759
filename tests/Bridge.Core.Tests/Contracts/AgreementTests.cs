namespace Bridge.Tests.Contracts;

public class AgreementTests
{
    [Fact]
    public void The_error_is_norm_wise_not_element_wise()
    {
        Assert.Equal(0, Agreement.RelativeError([1.0, 2], [1.0, 2]));
        Assert.Equal(0.05, Agreement.RelativeError([1.0, 2], [1.1, 2]), 15);   // 0.1 / max(2, 2)
        Assert.Equal(1e-19, Agreement.RelativeError([1.0, 1e-19], [1.0, 0])); // a tiny entry against 0 is not 100 %
        Assert.Equal(1.0, Agreement.RelativeError([0.0], [3.0]));
        Assert.Equal(0, Agreement.RelativeError([0.0, 0], [0.0, 0]));
        Assert.Equal(0.5, Agreement.RelativeError(2.0, 1.0));
    }

    [Fact]
    public void Non_finite_values_agree_only_with_themselves()
    {
        Assert.Equal(0, Agreement.RelativeError([double.NaN, 1], [double.NaN, 1]));
        Assert.Equal(0, Agreement.RelativeError([double.PositiveInfinity], [double.PositiveInfinity]));
        Assert.Equal(double.PositiveInfinity, Agreement.RelativeError([double.NaN], [1.0]));
        Assert.Equal(double.PositiveInfinity, Agreement.RelativeError([double.PositiveInfinity], [double.NegativeInfinity]));
    }

    [Fact]
    public void Weight_sets_compare_layer_by_layer()
    {
        var a = new WeightSet(Precision.Float64, [new LayerWeights(1, 2, [1.0, 2], [0.0, 0]), new LayerWeights(2, 1, [4.0, 0], [0.0])]);
        var b = a.Clone();
        b[1].Bias[0] = 1; // layer 1: 1 / 4
        Assert.Equal([0.0, 0.25], Agreement.PerLayer(a, b));
        Assert.Equal(0.25, Agreement.RelativeError(a, b));
        Assert.Contains("Cannot compare 2 values with 3", Assert.Throws<ArgumentException>(() => Agreement.RelativeError([1.0, 2], [1.0, 2, 3])).Message);
        Assert.Contains("Shapes differ", Assert.Throws<ArgumentException>(() => Agreement.RelativeError(new Matrix(1, 2), new Matrix(2, 1))).Message);
    }
}
