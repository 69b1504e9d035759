namespace Bridge.Managed.Batched;

/// <summary>
/// The buffers one batch size needs, allocated once and reused every step: the batch converted to T (and its labels),
/// and each layer's nets, outputs and gradients with respect to the nets.
/// </summary>
internal sealed class Workspace<T> where T : unmanaged
{
    public Workspace(int batchSize, int inputs, IReadOnlyList<Dense> layers)
    {
        BatchSize = batchSize;
        Inputs = new T[batchSize * inputs];
        Targets = new T[batchSize * layers[^1].Units];
        Labels = new int[batchSize];
        Nets = layers.Select(l => new T[batchSize * l.Units]).ToArray();
        Outputs = layers.Select(l => new T[batchSize * l.Units]).ToArray();
        NetGradients = layers.Select(l => new T[batchSize * l.Units]).ToArray();
        int largest = 0, width = inputs;
        foreach (var layer in layers)
        {
            largest = Math.Max(largest, Math.Max(batchSize * width, width * layer.Units));
            width = layer.Units;
        }
        Scratch = new T[largest];
    }

    /// <summary>Room for one transposed operand of the backward products.</summary>
    public T[] Scratch { get; }

    public int BatchSize { get; }
    public T[] Inputs { get; }
    public T[] Targets { get; }

    /// <summary>The class of each sample, when the batch has labels (categorical cross-entropy reads them).</summary>
    public int[] Labels { get; }
    public T[][] Nets { get; }
    public T[][] Outputs { get; }

    /// <summary>∂E/∂net of every layer (the lecture's −δ, averaged over the batch).</summary>
    public T[][] NetGradients { get; }
}
