namespace Bridge;

/// <summary>
/// Gradients by central finite differences, (E(w + h) − E(w − h)) / 2h per weight, through any backend's
/// <see cref="IModel.Loss"/> and <see cref="IModel.SetWeights"/>: independent of how the backend computes gradients,
/// which is what makes it a check. Meaningful in float64; in float32 the rounding of E swamps the difference.
/// </summary>
public static class GradientCheck
{
    /// <summary>
    /// The finite-difference gradient of E on <paramref name="batch"/>. The model's weights are restored afterwards.
    /// </summary>
    /// <param name="step">h; the default 1e-6 balances truncation (≈h²) and rounding (≈1e-16/h) in float64.</param>
    public static WeightSet CentralDifferences(IModel model, Batch batch, double step = 1e-6)
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
    public static double[] Compare(IModel model, Batch batch, double step = 1e-6) =>
        Agreement.PerLayer(model.Gradients(batch), CentralDifferences(model, batch, step));

    private static void Differentiate(IModel model, Batch batch, WeightSet probe, double[] values, double[] gradient, double h)
    {
        for (int k = 0; k < values.Length; k++)
        {
            double saved = values[k];
            // The distance actually stepped, (w + h) − (w − h) after rounding, is what divides.
            double up = saved + h, down = saved - h;
            values[k] = up;
            model.SetWeights(probe);
            double plus = model.Loss(batch);
            values[k] = down;
            model.SetWeights(probe);
            double minus = model.Loss(batch);
            values[k] = saved;
            gradient[k] = (plus - minus) / (up - down);
        }
    }
}
