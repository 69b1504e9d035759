namespace Bridge.Student;

/// <summary>
/// A network a student writes in C#: the smallest thing the comparison harness can drive. Bridge holds the weights,
/// the data and the optimizer; the student's class only computes. Every argument is a fresh copy.
/// <para>Weights are Bridge's canonical <see cref="LayerWeights"/>, one per layer from the first hidden layer to the
/// output layer: <c>w[i, j]</c> is the weight from node i of the previous layer to node j, <c>Bias[j]</c> the bias of
/// node j, so net_j = Σ_i o_i·w[i, j] + b_j.</para>
/// </summary>
public interface IStudentNetwork
{
    /// <summary>The output o of every layer for the inputs <paramref name="x"/> [N, inputs]: one [N, units] matrix per layer, in order, without x itself.</summary>
    IReadOnlyList<Matrix> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations);

    /// <summary>
    /// ∂E/∂W and ∂E/∂b of every layer, shaped like the weights (a <see cref="LayerWeights"/> per layer), for the loss E
    /// as <see cref="Bridge.Loss"/> defines it: a mean over the N samples of the batch. The gradient, not its negative.
    /// </summary>
    IReadOnlyList<LayerWeights> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets,
        IReadOnlyList<Activation> activations, Loss loss);

    /// <summary>
    /// Optional: one step of plain gradient descent, the new weights. Return null (the default) to let Bridge's
    /// optimizer step; Bridge also steps itself whenever the spec's optimizer is not plain SGD.
    /// </summary>
    IReadOnlyList<LayerWeights>? Step(IReadOnlyList<LayerWeights> weights, IReadOnlyList<LayerWeights> gradients, double learningRate) => null;
}
