namespace Bridge;

/// <summary>
/// The error E a model minimises, each defined with its exact reduction. For a batch of N samples with K outputs,
/// every loss is the mean over the batch of a per-sample error; they differ in the per-sample error.
/// Gradients throughout Bridge are ∂E/∂w of these definitions.
/// </summary>
public enum Loss
{
    /// <summary>
    /// The lecture's squared error: E = (1/N)·Σ_n ½·Σ_k (t_k − o_k)².
    /// Its gradient gives the lecture's rule −∂E/∂net_k = f'(net_k)·(t_k − o_k) = δ_k (per sample).
    /// </summary>
    HalfSquaredError,

    /// <summary>
    /// Mean squared error as Keras's <c>mean_squared_error</c> and torch's <c>mse_loss</c> (reduction "mean")
    /// compute it: E = (1/N)·Σ_n (1/K)·Σ_k (t_k − o_k)². Its gradients are 2/K times those of
    /// <see cref="HalfSquaredError"/>.
    /// </summary>
    MeanSquaredError,

    /// <summary>
    /// Binary cross-entropy, Keras's <c>binary_crossentropy</c> without its clipping:
    /// E = (1/N)·Σ_n −(1/K)·Σ_k [t_k·ln o_k + (1 − t_k)·ln(1 − o_k)]. Needs sigmoid outputs and targets in [0, 1].
    /// </summary>
    BinaryCrossEntropy,

    /// <summary>
    /// Categorical cross-entropy on softmax outputs with integer labels (Keras's
    /// <c>sparse_categorical_crossentropy</c>, torch's <c>cross_entropy</c> on the nets):
    /// E = (1/N)·Σ_n −ln o_(label_n). Needs a softmax output layer.
    /// </summary>
    CategoricalCrossEntropy,
}

public static class LossNames
{
    /// <summary>The name used on the command line and in reports.</summary>
    public static string Name(this Loss loss) => loss switch
    {
        Loss.HalfSquaredError => "half-squared-error",
        Loss.MeanSquaredError => "mse",
        Loss.BinaryCrossEntropy => "binary-crossentropy",
        Loss.CategoricalCrossEntropy => "categorical-crossentropy",
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    public static Loss Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "half-squared-error" or "half-sse" or "lecture" or "squared-error" or "sse" => Loss.HalfSquaredError,
        "mse" or "mean-squared-error" => Loss.MeanSquaredError,
        "binary-crossentropy" or "bce" or "binary-cross-entropy" => Loss.BinaryCrossEntropy,
        "categorical-crossentropy" or "cce" or "categorical-cross-entropy" or "sparse-categorical-crossentropy"
            or "cross-entropy" => Loss.CategoricalCrossEntropy,
        _ => throw new ArgumentException(
            $"Unknown loss '{name}': expected half-squared-error, mse, binary-crossentropy or categorical-crossentropy.",
            nameof(name)),
    };
}
