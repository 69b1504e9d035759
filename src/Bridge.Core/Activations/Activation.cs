namespace Bridge;

/// <summary>
/// The function f a layer applies to its net input: o_j = f(net_j).
/// </summary>
public enum Activation
{
    /// <summary>The logistic function f(net) = 1 / (1 + e^(−net)); f' = f·(1 − f). The lecture's activation.</summary>
    Sigmoid,

    /// <summary>f(net) = tanh(net); f' = 1 − f².</summary>
    Tanh,

    /// <summary>f(net) = max(0, net); f' = 1 where net &gt; 0, else 0 (0 at net = 0, as torch and Keras take it).</summary>
    Relu,

    /// <summary>The identity f(net) = net; f' = 1. scikit-learn calls it "identity".</summary>
    Linear,

    /// <summary>
    /// o_j = e^(net_j) / Σ_k e^(net_k) over the layer's nodes; ∂o_j/∂net_m = o_j·([j = m] − o_m).
    /// Only as the last layer's activation.
    /// </summary>
    Softmax,
}

public static class ActivationNames
{
    /// <summary>The lower-case name (sigmoid, tanh, relu, linear, softmax) used on the command line and in reports.</summary>
    public static string Name(this Activation activation) => activation.ToString().ToLowerInvariant();

    public static Activation Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sigmoid" or "logistic" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        "relu" => Activation.Relu,
        "linear" or "identity" => Activation.Linear,
        "softmax" => Activation.Softmax,
        _ => throw new ArgumentException(
            $"Unknown activation '{name}': expected sigmoid, tanh, relu, linear or softmax.", nameof(name)),
    };
}
