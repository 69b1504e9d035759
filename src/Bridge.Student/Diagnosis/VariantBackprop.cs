namespace Bridge.Student;

/// <summary>
/// Backpropagation written out plainly in float64, with one door left open: the derivative f' each layer uses can be
/// replaced. With the true f' it computes ∂E/∂W and ∂E/∂b as every backend must; with a replaced one it computes what
/// a student's code computes when it makes that mistake, so the two can be compared number for number.
/// </summary>
internal static class VariantBackprop
{
    /// <summary>A replacement for f'(net) in layer <c>layer</c> given net and o = f(net); null keeps the true derivative.</summary>
    public delegate double? Derivative(int layer, Activation activation, double net, double output);

    public static WeightSet Gradients(ModelSpec spec, WeightSet weights, Batch batch, Derivative? variant = null)
    {
        int layers = spec.Layers.Count;
        int n = batch.Count;
        var nets = new double[layers][];
        var outs = new double[layers + 1][];
        var gradients = weights.ZerosLike().Layers.Select(l => l.Clone()).ToList();
        for (int s = 0; s < n; s++)
        {
            outs[0] = batch.Inputs.Row(s).ToArray();
            for (int l = 0; l < layers; l++)
            {
                var w = weights.Layers[l];
                nets[l] = new double[w.Outputs];
                for (int j = 0; j < w.Outputs; j++)
                {
                    double net = w.Bias[j];
                    for (int i = 0; i < w.Inputs; i++) net += outs[l][i] * w[i, j];
                    nets[l][j] = net;
                }
                outs[l + 1] = new double[w.Outputs];
                ActivationFunctions.Apply(spec.Layers[l].Activation, nets[l], outs[l + 1]);
            }
            var gradOut = new double[spec.Outputs];
            int label = batch.Labels is null ? -1 : batch.Labels[s];
            LossFunctions.SampleGradient(spec.Loss, outs[layers], batch.Targets.Row(s), label, gradOut);
            for (int l = layers - 1; l >= 0; l--)
            {
                var activation = spec.Layers[l].Activation;
                var delta = new double[gradOut.Length];
                ActivationFunctions.Backward(activation, nets[l], outs[l + 1], gradOut, delta);
                if (variant is not null && activation != Activation.Softmax)
                    for (int j = 0; j < delta.Length; j++)
                        if (variant(l, activation, nets[l][j], outs[l + 1][j]) is double replaced)
                            delta[j] = replaced * gradOut[j];
                var w = weights.Layers[l];
                var g = gradients[l];
                for (int j = 0; j < w.Outputs; j++)
                {
                    g.Bias[j] += delta[j] / n;
                    for (int i = 0; i < w.Inputs; i++) g[i, j] += outs[l][i] * delta[j] / n;
                }
                var gradPrevious = new double[w.Inputs];
                for (int i = 0; i < w.Inputs; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < w.Outputs; j++) sum += w[i, j] * delta[j];
                    gradPrevious[i] = sum;
                }
                gradOut = gradPrevious;
            }
        }
        return new WeightSet(Precision.Float64, gradients);
    }
}
