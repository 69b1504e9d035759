namespace Bridge;

/// <summary>
/// Gradients by central finite differences through any backend's <see cref="IModel.Loss"/> and
/// <see cref="IModel.SetWeights"/>: independent of how the backend computes gradients, which is what makes it a check.
/// The five-point central stencil (E(w − 2h) − 8·E(w − h) + 8·E(w + h) − E(w + 2h)) / 12h is used: its truncation
/// error is of order h⁴ instead of h², so with h = 1e-4 both truncation and rounding (≈ 1e-16·E/h) stay near 1e-12,
/// and even a layer whose gradients are tiny (a deep sigmoid net's first layer) is checked to a tight relative bound.
/// Meaningful in float64; in float32 the rounding of E swamps the difference.
/// </summary>
public static class GradientCheck
{
    /// <summary>
    /// The finite-difference gradient of E on <paramref name="batch"/>. The model's weights are restored afterwards.
    /// </summary>
    /// <param name="step">h; the default 1e-4 balances truncation (≈h⁴) and rounding (≈1e-16/h) in float64.</param>
    public static WeightSet CentralDifferences(IModel model, Batch batch, double step = 1e-4)
    {
        var original = model.GetWeights();
        var probe = original.Clone();
        var gradient = original.ZerosLike();
        try
        {
            for (int l = 0; l < probe.Layers.Count; l++)
            {
                Differentiate(model, batch, probe, probe.Layers[l].Kernel, gradient.Layers[l].Kernel, step);
                Differentiate(model, batch, probe, probe.Layers[l].Bias, gradient.Layers[l].Bias, step);
            }
        }
        finally
        {
            model.SetWeights(original);
        }
        return gradient;
    }

    /// <summary>The per-layer relative error between the model's own gradients and finite differences.</summary>
    public static double[] Compare(IModel model, Batch batch, double step = 1e-4) =>
        Agreement.PerLayer(model.Gradients(batch), CentralDifferences(model, batch, step));

    /// <summary>
    /// Like <see cref="Compare"/>, but differentiating only up to <paramref name="perLayer"/> weights of each layer
    /// (chosen at random from <paramref name="seed"/>, biases included), for networks too large to probe every
    /// weight. The relative error of a layer is taken over the probed weights.
    /// </summary>
    public static double[] CompareSampled(IModel model, Batch batch, int perLayer, ulong seed = 0, double step = 1e-4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perLayer, 1);
        var analytic = model.Gradients(batch);
        var original = model.GetWeights();
        var probe = original.Clone();
        var rng = Rng.ForStream(seed, Rng.Streams.Weights, 0x6772616443686B);
        var errors = new double[probe.Layers.Count];
        try
        {
            for (int l = 0; l < probe.Layers.Count; l++)
            {
                var layer = probe.Layers[l];
                int total = layer.ParameterCount;
                var chosen = rng.Permutation(total).AsSpan(0, Math.Min(perLayer, total)).ToArray();
                var expected = new double[chosen.Length];
                var actual = new double[chosen.Length];
                for (int c = 0; c < chosen.Length; c++)
                {
                    int k = chosen[c];
                    bool isBias = k >= layer.Kernel.Length;
                    var values = isBias ? layer.Bias : layer.Kernel;
                    int index = isBias ? k - layer.Kernel.Length : k;
                    expected[c] = Probe(model, batch, probe, values, index, step);
                    actual[c] = isBias ? analytic.Layers[l].Bias[index] : analytic.Layers[l].Kernel[index];
                }
                errors[l] = Agreement.RelativeError(actual, expected);
            }
        }
        finally
        {
            model.SetWeights(original);
        }
        return errors;
    }

    private static void Differentiate(IModel model, Batch batch, WeightSet probe, double[] values, double[] gradient, double h)
    {
        for (int k = 0; k < values.Length; k++) gradient[k] = Probe(model, batch, probe, values, k, h);
    }

    private static double Probe(IModel model, Batch batch, WeightSet probe, double[] values, int k, double h)
    {
        double saved = values[k];
        double LossAt(double offset)
        {
            values[k] = saved + offset;
            model.SetWeights(probe);
            return model.Loss(batch);
        }
        double plus1 = LossAt(h), minus1 = LossAt(-h), plus2 = LossAt(2 * h), minus2 = LossAt(-2 * h);
        values[k] = saved;
        // Differences first: a loss that does not depend on this weight gives exactly 0, not rounding noise.
        return (8 * (plus1 - minus1) - (plus2 - minus2)) / (12 * h);
    }
}
