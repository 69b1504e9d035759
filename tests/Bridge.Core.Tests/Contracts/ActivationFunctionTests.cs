namespace Bridge.Tests.Contracts;

public class ActivationFunctionTests
{
    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Linear)]
    public void Derivatives_match_finite_differences(Activation activation)
    {
        foreach (double net in new[] { -3.0, -0.7, -0.01, 0.02, 0.5, 2.5 })
        {
            const double h = 1e-6;
            double numeric = (ActivationFunctions.Apply(activation, net + h) - ActivationFunctions.Apply(activation, net - h)) / (2 * h);
            double output = ActivationFunctions.Apply(activation, net);
            Assert.Equal(numeric, ActivationFunctions.Derivative(activation, net, output), 8);
        }
    }

    [Fact]
    public void The_lecture_formulas_hold()
    {
        Assert.Equal(0.5, ActivationFunctions.Sigmoid(0));
        Assert.Equal(1 / (1 + Math.Exp(-1.3)), ActivationFunctions.Sigmoid(1.3), 15);
        double o = ActivationFunctions.Sigmoid(0.4);
        Assert.Equal(o * (1 - o), ActivationFunctions.Derivative(Activation.Sigmoid, 0.4, o)); // f' = f(1 − f)
        Assert.Equal(0.0, ActivationFunctions.Derivative(Activation.Relu, 0, 0));             // 0 at the kink, as torch and Keras
        // No overflow far out: e^1000 would be ∞.
        Assert.Equal(1.0, ActivationFunctions.Sigmoid(1000));
        Assert.Equal(0.0, ActivationFunctions.Sigmoid(-1000));
        Assert.False(double.IsNaN(ActivationFunctions.Sigmoid(-800)));
    }

    [Fact]
    public void Softmax_is_a_distribution_unchanged_by_a_shift_and_stable_for_large_nets()
    {
        double[] nets = [1.0, 2.0, 0.5];
        var outputs = new double[3];
        ActivationFunctions.Softmax(nets, outputs);
        double denominator = Math.Exp(1) + Math.Exp(2) + Math.Exp(0.5);
        Assert.Equal(Math.Exp(2) / denominator, outputs[1], 15);
        Assert.Equal(1.0, outputs.Sum(), 15);
        var shifted = new double[3];
        ActivationFunctions.Softmax([1001.0, 1002.0, 1000.5], shifted);
        for (int j = 0; j < 3; j++) Assert.Equal(outputs[j], shifted[j], 14);
    }

    [Fact]
    public void Softmax_backward_is_its_jacobian_transposed_times_the_gradient()
    {
        var rng = new Rng(6);
        double[] nets = [.. Enumerable.Range(0, 5).Select(_ => rng.Normal())];
        double[] upstream = [.. Enumerable.Range(0, 5).Select(_ => rng.Normal())];
        var outputs = new double[5];
        ActivationFunctions.Softmax(nets, outputs);
        var backward = new double[5];
        ActivationFunctions.Backward(Activation.Softmax, nets, outputs, upstream, backward);

        for (int m = 0; m < 5; m++)
        {
            // Column m of the Jacobian by finite differences, ∂o_j/∂net_m, against o_j·([j = m] − o_m).
            const double h = 1e-6;
            var up = (double[])nets.Clone();
            var down = (double[])nets.Clone();
            up[m] += h;
            down[m] -= h;
            var oUp = new double[5];
            var oDown = new double[5];
            ActivationFunctions.Softmax(up, oUp);
            ActivationFunctions.Softmax(down, oDown);
            double chain = 0;
            for (int j = 0; j < 5; j++)
            {
                double numeric = (oUp[j] - oDown[j]) / (2 * h);
                Assert.Equal(outputs[j] * ((j == m ? 1 : 0) - outputs[m]), numeric, 9);
                chain += upstream[j] * numeric;
            }
            Assert.Equal(chain, backward[m], 8);
        }
    }

    [Fact]
    public void Element_wise_backward_multiplies_by_the_derivative()
    {
        double[] nets = [-1, 0.5, 2];
        var outputs = nets.Select(Math.Tanh).ToArray();
        var gradient = new double[3];
        ActivationFunctions.Backward(Activation.Tanh, nets, outputs, [1, 2, 3], gradient);
        for (int j = 0; j < 3; j++) Assert.Equal((1 - outputs[j] * outputs[j]) * (j + 1), gradient[j], 15);
    }

    [Fact]
    public void Softmax_is_refused_where_an_element_wise_function_is_meant()
    {
        Assert.Throws<InvalidOperationException>(() => ActivationFunctions.Apply(Activation.Softmax, 1.0));
        Assert.Throws<InvalidOperationException>(() => ActivationFunctions.Derivative(Activation.Softmax, 1.0, 0.5));
        Assert.Equal(Activation.Sigmoid, ActivationNames.Parse("logistic"));
        Assert.Equal(Activation.Linear, ActivationNames.Parse("identity"));
        Assert.Contains("sigmoid, tanh, relu, linear or softmax", Assert.Throws<ArgumentException>(() => ActivationNames.Parse("gelu")).Message);
    }
}
