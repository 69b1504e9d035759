namespace Bridge;

/// <summary>How the <see cref="Trainer"/> runs. Every setting has a default a first run can live with.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per step; 1 is the lecture's online learning. The last batch of an epoch may be smaller. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether each epoch visits the samples in a new random order (drawn from <see cref="Seed"/> and the epoch). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seeds batch order and input corruption. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The epoch to start from (0-based), to continue a run: batches depend only on the seed and the epoch number, so
    /// a run resumed at epoch k with the weights and optimizer state saved after epoch k − 1 repeats the rest exactly.
    /// </summary>
    public int InitialEpoch { get; init; }

    /// <summary>
    /// Whether to compute loss and accuracy (or reconstruction error) on the whole training set after each epoch
    /// (<see cref="EpochRecord.TrainLoss"/>, <see cref="EpochRecord.Accuracy"/>). Default true. It costs a forward pass
    /// over the set, a third to a half of an epoch; the running means of the steps (<see cref="EpochRecord.Loss"/>,
    /// <see cref="EpochRecord.RunningAccuracy"/>) cost little, so a large set is often trained without it.
    /// </summary>
    public bool EvaluateEachEpoch { get; init; } = true;

    /// <summary>
    /// Whether the steps count the samples they classify right, for <see cref="EpochRecord.RunningAccuracy"/> (Keras's
    /// "accuracy" metric). Default true. On the managed engine the count is nearly free; on libtorch it is a few more
    /// small operations a step (about a tenth of a digits step on the CPU), which a run that never reads it can spare.
    /// </summary>
    public bool CountRunningAccuracy { get; init; } = true;

    /// <summary>A held-out set evaluated after each epoch, or null.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Called on the training thread after every epoch, and every <see cref="ProgressEverySteps"/> steps when that is above 0.</summary>
    public Action<TrainingProgress>? OnProgress { get; init; }

    /// <summary>Report progress every this many steps too (0: epoch ends only). Default 0.</summary>
    public int ProgressEverySteps { get; init; }

    /// <summary>Called after each epoch with the epoch just finished (0-based) and the model. Default none.</summary>
    public Action<int, IModel>? OnEpochEnd { get; init; }

    /// <summary>
    /// Where to save a <see cref="Checkpoint"/> (weights, optimizer state, position) every <see cref="CheckpointEvery"/>
    /// epochs and after the last; null: no checkpoints. Each save replaces the last, atomically.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Checkpoint every this many epochs (and always after the last). Default 1.</summary>
    public int CheckpointEvery { get; init; } = 1;

    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"Epochs must be ≥ 0, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"The batch size must be ≥ 1, got {BatchSize}.");
        if (InitialEpoch < 0 || InitialEpoch > Epochs)
            throw new ArgumentException($"The initial epoch must lie in 0..{Epochs}, got {InitialEpoch}.");
        if (ProgressEverySteps < 0) throw new ArgumentException($"ProgressEverySteps must be ≥ 0, got {ProgressEverySteps}.");
        if (CheckpointEvery < 1) throw new ArgumentException($"CheckpointEvery must be ≥ 1, got {CheckpointEvery}.");
    }
}

/// <summary>Where training stands: reported through <see cref="TrainingOptions.OnProgress"/>.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="Loss">Mean step loss so far in this epoch.</param>
/// <param name="Completed">The finished epoch's record, at an epoch's end; null in mid-epoch reports.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double Loss, EpochRecord? Completed);
