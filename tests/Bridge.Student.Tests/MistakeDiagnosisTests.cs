using Bridge.Managed;

namespace Bridge.Student.Tests;

/// <summary>
/// The diagnoses no module of student-code/ makes, on numbers made from the managed engine's by the mistake's own
/// definition (a factor, a left-out term, an unchanged step); and numbers that agree get no diagnosis at all.
/// </summary>
public sealed class MistakeDiagnosisTests
{
    private const double Tolerance = 1e-10;

    private sealed record Case(ModelSpec Spec, WeightSet Initial, Batch Batch, ObservedNumbers Reference);

    private static Case Reference(ModelSpec spec, bool biases = false)
    {
        var initial = spec.Init.Draw(spec, 7);
        if (biases)
        {
            var rng = new Rng(9);
            foreach (var layer in initial.Layers)
                for (int j = 0; j < layer.Bias.Length; j++) layer.Bias[j] = rng.Uniform(-0.5, 0.5);
        }
        var batch = StudentFixture.Data(spec).ToBatch(spec);
        batch = new Batch(batch.Inputs.SelectRows([.. Enumerable.Range(0, 8)]), batch.Targets.SelectRows([.. Enumerable.Range(0, 8)]),
            batch.Labels?.Take(8).ToArray());
        using var model = ManagedBackend.Batched.Build(spec, initial.Clone());
        var outputs = model.ForwardLayers(batch.Inputs);
        var gradients = model.Gradients(batch);
        model.TrainStep(batch);
        return new Case(spec, initial, batch, new ObservedNumbers(outputs, gradients, model.GetWeights()));
    }

    private static WeightSet Scaled(WeightSet w, double kernel, double bias) =>
        new(w.Precision, w.Layers.Select(l => new LayerWeights(l.Inputs, l.Outputs,
            l.Kernel.Select(v => v * kernel).ToArray(), l.Bias.Select(v => v * bias).ToArray())).ToList());

    private static string Single(Case c, ObservedNumbers tested)
    {
        var findings = MistakeDiagnosis.Find(c.Spec, c.Initial, c.Batch, tested, c.Reference, Tolerance);
        return Assert.Single(findings).Text;
    }

    private static string GradientsTimes(ModelSpec spec, double kernel, double bias)
    {
        var c = Reference(spec);
        return Single(c, c.Reference with { Gradients = Scaled(c.Reference.Gradients, kernel, bias) });
    }

    [Fact]
    public void Numbers_that_agree_get_no_diagnosis()
    {
        var c = Reference(StudentFixture.TanhSigmoid);
        Assert.Empty(MistakeDiagnosis.Find(c.Spec, c.Initial, c.Batch, c.Reference, c.Reference, Tolerance));
    }

    [Fact]
    public void Half_squared_error_where_the_spec_says_mse_is_k_over_2()
    {
        var mse = StudentFixture.TanhSigmoid with { Loss = Loss.MeanSquaredError };
        Assert.Contains("K/2 = 1.5 times the reference's: that is the lecture's ½·Σ squared error", GradientsTimes(mse, 1.5, 1.5));
    }

    [Fact]
    public void Dividing_by_the_batch_twice_is_one_over_n()
    {
        Assert.Contains("1/N = 1/8 of the reference's: it divides by the batch size twice", GradientsTimes(StudentFixture.TanhSigmoid, 1.0 / 8, 1.0 / 8));
    }

    [Fact]
    public void A_sum_without_the_half_is_two_n()
    {
        Assert.Contains("2N = 16 times", GradientsTimes(StudentFixture.TanhSigmoid, 16, 16));
    }

    [Fact]
    public void A_bias_gradient_summed_over_the_batch_is_named_alone()
    {
        var c = Reference(StudentFixture.TanhSigmoid);
        var findings = MistakeDiagnosis.Find(c.Spec, c.Initial, c.Batch,
            c.Reference with { Gradients = Scaled(c.Reference.Gradients, 1, 8) }, c.Reference, Tolerance);
        // One per layer, each about the bias alone.
        Assert.Equal([0, 1], findings.Select(f => f.Layer));
        Assert.All(findings, f => Assert.Contains($"The gradient of the bias of layer dense_{f.Layer} (its kernel's gradient is right) is N = 8", f.Text));
    }

    [Fact]
    public void Any_other_constant_factor_is_named_as_such()
    {
        Assert.Contains("is 0.37 times the reference's, the same factor everywhere", GradientsTimes(StudentFixture.TanhSigmoid, 0.37, 0.37));
    }

    [Fact]
    public void A_delta_without_any_derivative_is_named()
    {
        var c = Reference(StudentFixture.TanhSigmoid);
        var none = VariantBackprop.Gradients(c.Spec, c.Initial, c.Batch, (_, _, _, _) => 1.0);
        Assert.Contains("Every layer's delta leaves out f'(net)", Single(c, c.Reference with { Gradients = none }));
    }

    [Fact]
    public void A_relu_without_its_derivative_is_named()
    {
        var relu = new Mlp(4, new Dense(6, Activation.Relu), new Dense(3, Activation.Softmax));
        var c = Reference(relu);
        var none = VariantBackprop.Gradients(c.Spec, c.Initial, c.Batch, (_, a, _, _) => a == Activation.Relu ? 1.0 : null);
        Assert.Contains("relu layers leave out their derivative", Single(c, c.Reference with { Gradients = none }));
    }

    [Fact]
    public void The_variant_backprop_without_a_variant_is_the_managed_engines_backprop()
    {
        // What every derivative diagnosis compares with must itself be right.
        var c = Reference(StudentFixture.Softmax);
        Assert.True(Agreement.RelativeError(VariantBackprop.Gradients(c.Spec, c.Initial, c.Batch), c.Reference.Gradients) < 1e-12);
    }

    [Fact]
    public void A_forward_pass_without_the_bias_is_named()
    {
        var c = Reference(StudentFixture.TanhSigmoid, biases: true);
        var w = c.Initial.Layers[0];
        var net = new Matrix(c.Batch.Count, w.Outputs);
        for (int s = 0; s < net.Rows; s++)
            for (int j = 0; j < w.Outputs; j++)
                for (int i = 0; i < w.Inputs; i++) net[s, j] += c.Batch.Inputs[s, i] * w[i, j];
        var o = new Matrix(net.Rows, net.Cols, net.Data.Select(Math.Tanh).ToArray());
        var tested = c.Reference with { LayerOutputs = [o, c.Reference.LayerOutputs[1]] };
        Assert.Contains("Layer dense_0 leaves out the bias", Single(c, tested));
    }

    [Fact]
    public void A_step_that_changes_nothing_and_a_step_with_half_the_rate_are_named()
    {
        var c = Reference(StudentFixture.TanhSigmoid);
        Assert.Contains("left every weight unchanged", Single(c, c.Reference with { AfterOneStep = c.Initial.Clone() }));
        var w0 = c.Initial.Flatten();
        var half = c.Reference.AfterOneStep.Clone();
        int k = 0;
        foreach (var layer in half.Layers)
        {
            for (int i = 0; i < layer.Kernel.Length; i++, k++) layer.Kernel[i] = w0[k] + 0.5 * (layer.Kernel[i] - w0[k]);
            for (int i = 0; i < layer.Bias.Length; i++, k++) layer.Bias[i] = w0[k] + 0.5 * (layer.Bias[i] - w0[k]);
        }
        Assert.Contains("a learning rate of 0.5·L", Single(c, c.Reference with { AfterOneStep = half }));
    }
}
