using System.Numerics;

namespace Bridge.Managed.Batched;

/// <summary>
/// The buffers a batch, or one half of it, needs, allocated once and reused every step: its samples converted to T
/// (and their labels), and each layer's nets, outputs and gradients with respect to the nets.
/// </summary>
internal sealed class Workspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Workspace(int first, int count, int batchSize, int inputs, IReadOnlyList<Dense> layers)
    {
        First = first;
        Count = count;
        BatchSize = batchSize;
        Inputs = new T[count * inputs];
        Targets = new T[count * layers[^1].Units];
        Labels = new int[count];
        Nets = layers.Select(l => new T[count * l.Units]).ToArray();
        Outputs = layers.Select(l => new T[count * l.Units]).ToArray();
        NetGradients = layers.Select(l => new T[count * l.Units]).ToArray();
        int largest = 0, width = inputs;
        foreach (var layer in layers)
        {
            largest = Math.Max(largest, Math.Max(count * width, width * layer.Units));
            width = layer.Units;
        }
        Scratch = new T[largest];
    }

    /// <summary>The first sample within the batch.</summary>
    public int First { get; }

    /// <summary>The samples here.</summary>
    public int Count { get; }

    /// <summary>The samples of the whole batch: E is their mean, so ∂E/∂net carries 1/BatchSize.</summary>
    public int BatchSize { get; }

    /// <summary>Room for one transposed operand of the backward products.</summary>
    public T[] Scratch { get; }

    public T[] Inputs { get; }
    public T[] Targets { get; }

    /// <summary>The class of each sample, when the batch has labels (categorical cross-entropy reads them).</summary>
    public int[] Labels { get; }
    public T[][] Nets { get; }
    public T[][] Outputs { get; }

    /// <summary>∂E/∂net of every layer (the lecture's −δ, averaged over the batch).</summary>
    public T[][] NetGradients { get; }
}
