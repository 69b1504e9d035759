namespace Bridge;

/// <summary>
/// What greedy pre-training produced: initial weights for the whole network (hidden layers from their autoencoders,
/// the output layer as the spec's initializer draws it) and how each layer's autoencoder learned.
/// </summary>
public sealed record PretrainingResult(WeightSet Weights, IReadOnlyList<PretrainedLayer> Layers);

/// <summary>
/// One hidden layer's autoencoder: its width, its reconstruction error (mean squared, over its training inputs)
/// before and after training, and its training history.
/// </summary>
public sealed record PretrainedLayer(int Index, int Inputs, int Units, double ErrorBefore, double ErrorAfter, History History);
