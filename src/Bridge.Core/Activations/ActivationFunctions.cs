namespace Bridge;

/// <summary>
/// Reference formulas of the activations in float64, written for reading. Backends compute them their own way;
/// tests hold them to these.
/// </summary>
public static class ActivationFunctions
{
    public static double Sigmoid(double net) =>
        // Two branches so that e^x never overflows: for net ≪ 0, e^(−net) would be ∞.
        net >= 0 ? 1.0 / (1.0 + Math.Exp(-net)) : Math.Exp(net) / (1.0 + Math.Exp(net));

    /// <summary>f(net) for the element-wise activations; softmax needs the whole layer (<see cref="Softmax"/>).</summary>
    public static double Apply(Activation activation, double net) => activation switch
    {
        Activation.Sigmoid => Sigmoid(net),
        Activation.Tanh => Math.Tanh(net),
        Activation.Relu => net > 0 ? net : 0.0,
        Activation.Linear => net,
        Activation.Softmax => throw new InvalidOperationException("Softmax depends on the whole layer: call Softmax(nets, outputs)."),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>
    /// f'(net) written, as the lecture writes it, in terms of the output o = f(net) where that is possible
    /// (sigmoid: o·(1 − o); tanh: 1 − o²) and of net otherwise (relu).
    /// </summary>
    public static double Derivative(Activation activation, double net, double output) => activation switch
    {
        Activation.Sigmoid => output * (1.0 - output),
        Activation.Tanh => 1.0 - output * output,
        Activation.Relu => net > 0 ? 1.0 : 0.0,
        Activation.Linear => 1.0,
        Activation.Softmax => throw new InvalidOperationException("Softmax has a Jacobian, not an element-wise derivative."),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>o_j = e^(net_j − max) / Σ_k e^(net_k − max): subtracting the maximum changes nothing and keeps e^x finite.</summary>
    public static void Softmax(ReadOnlySpan<double> nets, Span<double> outputs)
    {
        double max = double.NegativeInfinity;
        foreach (double n in nets) max = Math.Max(max, n);
        double sum = 0;
        for (int j = 0; j < nets.Length; j++)
        {
            outputs[j] = Math.Exp(nets[j] - max);
            sum += outputs[j];
        }
        for (int j = 0; j < nets.Length; j++) outputs[j] /= sum;
    }

    /// <summary>Applies the activation to one sample's layer: element-wise, or softmax over the whole span.</summary>
    public static void Apply(Activation activation, ReadOnlySpan<double> nets, Span<double> outputs)
    {
        if (activation == Activation.Softmax) { Softmax(nets, outputs); return; }
        for (int j = 0; j < nets.Length; j++) outputs[j] = Apply(activation, nets[j]);
    }

    /// <summary>
    /// Back through the activation for one sample: given ∂E/∂o, returns ∂E/∂net in <paramref name="gradNets"/>.
    /// Element-wise: ∂E/∂net_j = f'(net_j)·∂E/∂o_j. Softmax: ∂E/∂net_m = o_m·(∂E/∂o_m − Σ_j o_j·∂E/∂o_j).
    /// </summary>
    public static void Backward(Activation activation, ReadOnlySpan<double> nets, ReadOnlySpan<double> outputs,
        ReadOnlySpan<double> gradOutputs, Span<double> gradNets)
    {
        if (activation == Activation.Softmax)
        {
            double dot = 0;
            for (int j = 0; j < outputs.Length; j++) dot += outputs[j] * gradOutputs[j];
            for (int m = 0; m < outputs.Length; m++) gradNets[m] = outputs[m] * (gradOutputs[m] - dot);
            return;
        }
        for (int j = 0; j < nets.Length; j++) gradNets[j] = Derivative(activation, nets[j], outputs[j]) * gradOutputs[j];
    }
}
