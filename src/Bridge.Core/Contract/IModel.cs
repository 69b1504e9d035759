namespace Bridge;

/// <summary>
/// A network built by one backend from a <see cref="ModelSpec"/> and an initial <see cref="WeightSet"/>.
/// Every backend computes the same functions: the contract says what, the backend decides how.
/// Inputs and outputs are float64 matrices; a float32 backend rounds inputs on the way in.
/// Not thread-safe. Dispose it to release native memory (libtorch tensors, Python objects, a worker's model);
/// afterwards every call but <see cref="Backend"/>, <see cref="Device"/>, <see cref="Spec"/> and Dispose itself throws
/// <see cref="ObjectDisposedException"/>, whatever the backend.
/// </summary>
public interface IModel : IDisposable
{
    /// <summary>The backend's name: managed, managed-teaching, torch, keras, sklearn.</summary>
    string Backend { get; }

    /// <summary>Where it computes: "cpu", "cuda:0", "python 3.11 / keras 3.6 (torch)".</summary>
    string Device { get; }

    ModelSpec Spec { get; }

    Precision Precision => Spec.Precision;

    /// <summary>
    /// Runs layers [<paramref name="firstLayer"/>, <paramref name="endLayer"/>) on <paramref name="inputs"/>, which
    /// must have the width that <paramref name="firstLayer"/> takes; returns the outputs of layer endLayer − 1.
    /// The whole network is (0, Spec.Layers.Count); an autoencoder's encoder is (0, Encoder.Count).
    /// </summary>
    Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer);

    /// <summary>The network's outputs.</summary>
    Matrix Forward(Matrix inputs) => ForwardRange(inputs, 0, Spec.Layers.Count);

    /// <summary>The outputs o of every layer, in order (the last one is <see cref="Forward"/>'s result).</summary>
    IReadOnlyList<Matrix> ForwardLayers(Matrix inputs)
    {
        var outputs = new List<Matrix>(Spec.Layers.Count);
        var current = inputs;
        for (int l = 0; l < Spec.Layers.Count; l++)
        {
            current = ForwardRange(current, l, l + 1);
            outputs.Add(current);
        }
        return outputs;
    }

    /// <summary>E on the batch, as <see cref="Bridge.Loss"/> defines it for the spec's loss.</summary>
    double Loss(Batch batch);

    /// <summary>∂E/∂W and ∂E/∂b of every layer at the current weights (not their negatives; no update).</summary>
    WeightSet Gradients(Batch batch);

    /// <summary>One optimizer step on the batch. Applies no update when the loss or a gradient is not finite.</summary>
    StepResult TrainStep(Batch batch);

    WeightSet GetWeights();

    /// <summary>Replaces every weight (rounded to the model's precision). The optimizer state is kept.</summary>
    void SetWeights(WeightSet weights);

    /// <summary>The optimizer's state in canonical form (for checkpoints). Backends that cannot read it throw <see cref="NotSupportedException"/>.</summary>
    OptimizerState GetOptimizerState();

    /// <summary>Restores an optimizer state taken by <see cref="GetOptimizerState"/> (from any backend).</summary>
    void SetOptimizerState(OptimizerState state);
}
