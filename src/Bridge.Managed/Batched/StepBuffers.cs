using System.Numerics;
using Bridge.Backends;

namespace Bridge.Managed.Batched;

/// <summary>
/// Where a step's samples come from: rows of a data set (<paramref name="Data"/>, as the data set holds them; the
/// indices are in the buffers), or an assembled batch (<paramref name="Batch"/>), whose rows are its samples in order.
/// <paramref name="Targets"/> is null where the targets are the inputs (an autoencoder's rows of a data set, which may
/// be bytes with no float64 copy). <paramref name="Name"/> names it in errors.
/// </summary>
internal readonly record struct StepSource(FeatureRows? Data, Matrix? Batch, Matrix? Targets, int[]? Labels, bool ChecksTargets, string Name)
{
    /// <summary>Whether the samples are rows of a data set, picked by index.</summary>
    public bool Rows => Data is not null;

    /// <summary>The float64 inputs, where they are float64 (always, but for a data set held as bytes).</summary>
    public Matrix? Inputs => Batch ?? Data!.Values;
}

/// <summary>
/// Everything a batch of one size needs, made at its first step and reused: the workspace of the whole batch and, when
/// <see cref="BatchHalves"/> splits it, a workspace for each half (for computing the halves on two cores at once) and
/// what each half contributes to the step, however it was computed.
/// </summary>
internal sealed class StepBuffers<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public StepBuffers(ModelSpec spec, int batchSize)
    {
        BatchSize = batchSize;
        Rows = new int[batchSize];
        ByteRows = new int[batchSize];
        Whole = new Workspace<T>(0, batchSize, batchSize, spec.Inputs, spec.Layers);
        Split = BatchHalves.SplitAt(spec, batchSize);
        if (Split == 0) return;
        Halves = [new Workspace<T>(0, Split, batchSize, spec.Inputs, spec.Layers),
                  new Workspace<T>(Split, batchSize - Split, batchSize, spec.Inputs, spec.Layers)];
        HalfGradients = [new ParameterSet<T>(spec.LayerShapes()), new ParameterSet<T>(spec.LayerShapes())];
        Cores = new CoreChoice();
    }

    public int BatchSize { get; }

    /// <summary>The first sample of the second half, or 0 for a batch computed whole.</summary>
    public int Split { get; }

    /// <summary>The data set's rows of the current step, when it reads rows (copied: the other core reads them).</summary>
    public int[] Rows { get; }

    /// <summary>Where those rows are in the bytes of a data set held as bytes (a subset picks its rows from shared bytes).</summary>
    public int[] ByteRows { get; }

    public Workspace<T> Whole { get; }

    /// <summary>Each half's own workspace, when split.</summary>
    public Workspace<T>[]? Halves { get; }

    /// <summary>Whether the halves of a split batch's steps go to two cores, measured as they run; null when not split.</summary>
    public CoreChoice? Cores { get; }

    /// <summary>Each half's sums of ∂E/∂W and ∂E/∂b over its samples, when split.</summary>
    public ParameterSet<T>[]? HalfGradients { get; }

    /// <summary>Each half's (or, whole, the batch's: [0]) losses summed, not yet divided by the batch size.</summary>
    public double[] LossSums { get; } = new double[2];

    /// <summary>
    /// How many samples of each half (or, whole, of the batch: [0]) the outputs classified right, in a step on labelled
    /// samples (see <see cref="StepResult.Correct"/>).
    /// </summary>
    public int[] Correct { get; } = new int[2];

    /// <summary>Each half's (or, whole, the batch's: [0]) Σ (t − o)², in an evaluation of an autoencoder's reconstruction.</summary>
    public double[] SquaredErrors { get; } = new double[2];

    /// <summary>Samples at the front of the batch that an evaluation does not count (0 for a step).</summary>
    public int Skip { get; set; }

    /// <summary>Whether an evaluation sums the squared reconstruction error too.</summary>
    public bool Reconstruction { get; set; }

    /// <summary>Whether each half (or, whole, the batch: [0]) converted only finite values.</summary>
    public bool[] Finite { get; } = new bool[2];

    /// <summary>The current step's samples.</summary>
    public StepSource Source { get; set; }

    /// <summary>The rows of the source the current step read, for naming a bad value.</summary>
    public int[] RowsRead => Source.Rows ? Rows : Enumerable.Range(0, BatchSize).ToArray();
}
