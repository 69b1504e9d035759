namespace Bridge.Conformance.Tests;

/// <summary>
/// A model computes in its spec's precision, and computes the spec's functions: float32 rounds what comes in, float64
/// keeps every bit, and outputs, loss and gradients agree with the reference engine and with finite differences.
/// </summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Float32_rounds_its_inputs_and_float64_keeps_every_bit(Precision precision)
    {
        // x0 + x1 through identity layers of unit weights: 1 + 1e-8 is a float64 number, and 1 in float32.
        var spec = new Mlp(2, new Dense(1, Activation.Linear), new Dense(1, Activation.Linear)) { Loss = Loss.HalfSquaredError, Precision = precision };
        var weights = new WeightSet(Precision.Float64, [new LayerWeights(2, 1, [1, 1], [0]), new LayerWeights(1, 1, [1], [0])]);
        using var model = Build(spec, weights);
        double output = model.Forward(Matrix.FromRows([1.0, 1e-8]))[0, 0];
        Assert.Equal(precision == Precision.Float64 ? 1 + 1e-8 : 1.0, output);
    }

    [SkippableTheory]
    [MemberData(nameof(NetsAndPrecisions))]
    public void Outputs_loss_and_gradients_agree_with_the_reference_engine(string net, Precision precision)
    {
        var spec = Nets.Named(net, precision);
        var weights = spec.Init.Draw(spec, 5);
        // The truth in float64, from what a float32 model computes on: its weights and inputs rounded.
        var truthSpec = spec with { Precision = Precision.Float64 };
        var batch = Nets.BatchFor(spec, 8, 2);
        using var model = Build(spec, weights);
        using var truth = Reference(truthSpec, weights.ToPrecision(Precision.Float64));
        var rounded = Nets.Rounded(batch, precision);

        var expected = truth.ForwardLayers(rounded.Inputs);
        var actual = model.ForwardLayers(batch.Inputs);
        for (int l = 0; l < expected.Count; l++)
            ModelState.AssertClose(expected[l], actual[l], Tolerance.Outputs(precision), $"{spec}: the outputs of layer {l}");
        ModelState.AssertClose(truth.Loss(rounded), model.Loss(batch), Tolerance.Outputs(precision), $"{spec}: the loss");
        var errors = Agreement.PerLayer(truth.Gradients(rounded), model.Gradients(batch));
        Assert.True(errors.Max() <= Tolerance.Gradients(precision),
            $"{spec}: gradient errors per layer {string.Join(", ", errors.Select(e => e.ToString("E2")))} above {Tolerance.Gradients(precision):E0}");
    }

    [SkippableTheory]
    [InlineData(Nets.Regression)]
    [InlineData(Nets.Classifier)]
    [InlineData(Nets.Autoencoder)]
    public void Gradients_agree_with_finite_differences_in_float64(string net)
    {
        var spec = Nets.Named(net, Precision.Float64);
        using var model = Build(spec, 6);
        var batch = Nets.BatchFor(spec, 5, 4);
        var errors = GradientCheck.Compare(model, batch);
        Assert.True(errors.Max() <= Tolerance.FiniteDifferences,
            $"{spec}: errors per layer {string.Join(", ", errors.Select(e => e.ToString("E2")))} above {Tolerance.FiniteDifferences:E0}");
    }
}
