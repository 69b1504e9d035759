namespace Bridge.Conformance.Tests;

/// <summary>What comes out has the shape the contract promises: a row per sample, a column per node, a gradient per weight.</summary>
public abstract partial class ConformanceSuite<TBackend>
{
    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Every_layer_and_every_range_of_layers_outputs_a_row_per_sample_and_a_column_per_node(Precision precision)
    {
        var spec = Nets.AutoencoderNet(precision);
        using var model = Build(spec, 1);
        var x = Nets.BatchFor(spec, 5, 2).Inputs;
        var layers = model.ForwardLayers(x);
        Assert.Equal(spec.Layers.Count, layers.Count);
        for (int l = 0; l < layers.Count; l++)
            Assert.True((layers[l].Rows, layers[l].Cols) == (5, spec.Layers[l].Units), $"layer {l}: {layers[l].ShapeText}");

        // Every range [first, end), fed what layer first − 1 put out: the outputs of layer end − 1, as in the whole pass.
        for (int first = 0; first < layers.Count; first++)
            for (int end = first + 1; end <= layers.Count; end++)
            {
                var outputs = model.ForwardRange(first == 0 ? x : layers[first - 1], first, end);
                ModelState.AssertClose(layers[end - 1], outputs, Subject.Chaining(precision), $"layers [{first}, {end})");
            }
        ModelState.AssertClose(layers[^1], model.Forward(x), Subject.Chaining(precision), "Forward");
        var codes = model.Encode(x);
        Assert.Equal(2, codes.Cols);
        ModelState.AssertClose(layers[^1], model.Decode(codes), Subject.Chaining(precision), "Decode(Encode(x))");
        if (precision == Precision.Float32)
            foreach (var output in layers)
                Assert.All(output.Data, v => Assert.True(v == (float)v, $"{v:R} is not a float32 value"));
    }

    [SkippableTheory]
    [MemberData(nameof(Precisions))]
    public void Gradients_are_shaped_like_the_weights_in_their_precision_and_change_nothing(Precision precision)
    {
        var spec = Nets.RegressionNet(precision, new Adam(0.01));
        using var model = Build(spec, 3);
        for (ulong s = 0; s < 2; s++) Assert.True(model.TrainStep(Nets.BatchFor(spec, 6, s)).Applied);
        var before = ModelState.Of(model);
        var batch = Nets.BatchFor(spec, 7, 9);

        var gradients = model.Gradients(batch);
        double loss = model.Loss(batch);

        Assert.Equal(precision, gradients.Precision);
        gradients.EnsureMatches(spec);
        Assert.Null(gradients.FirstNonFiniteLayer());
        Assert.True(double.IsFinite(loss));
        if (precision == Precision.Float32) Assert.All(gradients.Flatten(), g => Assert.True(g == (float)g, $"{g:R} is not a float32 value"));
        before.AssertHeldBy(model, "Gradients and Loss");
    }

    [SkippableTheory]
    [MemberData(nameof(NetsAndPrecisions))]
    public void The_loss_is_the_specs_loss_of_the_models_own_outputs(string net, Precision precision)
    {
        var spec = Nets.Named(net, precision);
        using var model = Build(spec, 4);
        var batch = Nets.BatchFor(spec, 9, 3);
        double expected = LossFunctions.Batch(spec.Loss, model.Forward(batch.Inputs), batch.Targets, batch.LabelSpan);
        ModelState.AssertClose(expected, model.Loss(batch), Tolerance.Outputs(precision), "the loss");
    }
}
