using Bridge.Managed;

namespace Bridge.Managed.Tests;

/// <summary>
/// One backpropagation step of a 2-2-1 sigmoid net, worked by hand with the lecture's formulas.
/// <code>
/// Inputs x = (1, 0), target t = 1, learning rate L = 0.5, biases 0.
/// Weights w_ij into hidden node j: w_11 = 0.1, w_12 = 0.4, w_21 = 0.8, w_22 = 0.6; to the output: w_13 = 0.3, w_23 = 0.9.
///
/// Forward, net_j = Σ_i o_i·w_ij, o_j = f(net_j) = 1 / (1 + e^(−net_j)):
///   net_1 = 1·0.1 + 0·0.8 = 0.1          o_1 = f(0.1) = 0.52497918747894
///   net_2 = 1·0.4 + 0·0.6 = 0.4          o_2 = f(0.4) = 0.598687660112452
///   net_3 = 0.52497918747894·0.3 + 0.598687660112452·0.9 = 0.6963126503448889
///   o_3 = f(0.6963126503448889) = 0.6673697328871027
/// Error E = ½·(t − o_3)² = ½·0.3326302671128973² = 0.055321447299798716
///
/// Backward, δ_out = f'(net)·(t − o) with f' = f·(1 − f):
///   δ_3 = 0.6673697328871027·(1 − 0.6673697328871027)·(1 − 0.6673697328871027) = 0.0738397190147892
/// Hidden, δ_j = f'(net_j)·Σ_k δ_k·w_jk:
///   δ_1 = 0.52497918747894·(1 − 0.52497918747894)·0.0738397190147892·0.3 = 0.005524157021059176
///   δ_2 = 0.598687660112452·(1 − 0.598687660112452)·0.0738397190147892·0.9 = 0.015966707360254403
///
/// Changes, dw_ij = L·o_i·δ_j (a bias is a weight from a node whose output is 1):
///   dw_13 = 0.5·0.52497918747894·0.0738397190147892 = 0.019382157846028633
///   dw_23 = 0.5·0.598687660112452·0.0738397190147892 = 0.022103464300162537      db_3 = 0.5·δ_3 = 0.0369198595073946
///   dw_11 = 0.5·1·δ_1 = 0.002762078510529588   dw_12 = 0.5·1·δ_2 = 0.007983353680127201
///   dw_21 = dw_22 = 0.5·0·δ = 0                 db_1 = 0.002762078510529588   db_2 = 0.007983353680127201
/// (computed step by step with Python as a calculator; the literals below carry its digits).
/// </code>
/// </summary>
public sealed class HandWorkedExampleTests
{
    private static readonly Mlp Spec = new(2, new Dense(2, Activation.Sigmoid), new Dense(1, Activation.Sigmoid))
    {
        Loss = Loss.HalfSquaredError,
        Optimizer = new Sgd(0.5),
    };

    private static WeightSet Weights() => new(Precision.Float64,
    [
        new LayerWeights(2, 2, [0.1, 0.4, 0.8, 0.6], [0, 0]),
        new LayerWeights(2, 1, [0.3, 0.9], [0]),
    ]);

    private static Batch Sample() => new(Matrix.FromRows([1.0, 0.0]), Matrix.FromRows([1.0]), [1]);

    private const double Tolerance = 1e-15;

    [Fact]
    public void The_trace_holds_the_hand_computed_nets_outputs_and_deltas()
    {
        var model = ManagedBackend.BuildTeaching(Spec, Weights());
        var trace = model.TraceStep(Sample());
        Assert.Equal(0.055321447299798716, trace.Loss, Tolerance);
        Node(trace, 0, 0, 0.1, 0.52497918747894, 0.005524157021059176);
        Node(trace, 0, 1, 0.4, 0.598687660112452, 0.015966707360254403);
        Node(trace, 1, 0, 0.6963126503448889, 0.6673697328871027, 0.0738397190147892);
        Change(trace, 1, "0", 0, 0.019382157846028633);
        Change(trace, 1, "1", 0, 0.022103464300162537);
        Change(trace, 1, "bias", 0, 0.0369198595073946);
        Change(trace, 0, "0", 0, 0.002762078510529588);
        Change(trace, 0, "0", 1, 0.007983353680127201);
        Change(trace, 0, "1", 0, 0);
        Change(trace, 0, "1", 1, 0);
        Change(trace, 0, "bias", 1, 0.007983353680127201);
        string table = trace.ToTable();
        foreach (var number in new[] { "0.524979", "0.667370", "0.073840", "0.019382", "0.002762" }) Assert.Contains(number, table);
        foreach (var name in new[] { "net_j", "o_j", "δ_j", "dw_ij", "o_i·δ_j" }) Assert.Contains(name, table);
    }

    [Fact]
    public void Both_paths_end_the_step_with_the_hand_computed_weights()
    {
        double[] expected = [0.1 + 0.002762078510529588, 0.4 + 0.007983353680127201, 0.8, 0.6];
        foreach (var backend in new[] { ManagedBackend.Teaching, ManagedBackend.Batched })
        {
            using var model = backend.Build(Spec, Weights());
            Assert.Equal(0.055321447299798716, model.TrainStep(Sample()).Loss, Tolerance);
            var w = model.GetWeights();
            Assert.Equal(expected, w.Layers[0].Kernel, (a, b) => Math.Abs(a - b) < Tolerance);
            Assert.Equal(0.3 + 0.019382157846028633, w.Layers[1][0, 0], Tolerance);
            Assert.Equal(0.9 + 0.022103464300162537, w.Layers[1][1, 0], Tolerance);
            Assert.Equal(0.0369198595073946, w.Layers[1].Bias[0], Tolerance);
        }
    }

    [Fact]
    public void Gradients_are_minus_the_lectures_changes_over_the_learning_rate()
    {
        using var model = ManagedBackend.Batched.Build(Spec, Weights());
        var g = model.Gradients(Sample());
        Assert.Equal(-0.019382157846028633 / 0.5, g.Layers[1].Kernel[0], Tolerance);
        Assert.Equal(-0.0738397190147892, g.Layers[1].Bias[0], Tolerance);
        Assert.Equal(-0.015966707360254403, g.Layers[0].Bias[1], Tolerance);
    }

    private static void Node(Teaching.StepTrace trace, int layer, int node, double net, double output, double delta)
    {
        var record = trace.Nodes.Single(n => n.Layer == layer && n.Node == node);
        Assert.Equal(net, record.Net, Tolerance);
        Assert.Equal(output, record.Output, Tolerance);
        Assert.Equal(delta, record.Delta, Tolerance);
    }

    private static void Change(Teaching.StepTrace trace, int layer, string from, int to, double change)
    {
        var record = trace.Weights.Single(w => w.Layer == layer && w.From == from && w.To == to);
        Assert.Equal(change, record.Change, Tolerance);
        Assert.Equal(change, 0.5 * record.OutputTimesDelta, Tolerance);
    }
}
