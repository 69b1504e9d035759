namespace Bridge.Comparison;

/// <summary>
/// What to compare: one spec, one data set, one way of training. Every backend gets the same initial weights
/// (drawn once from <see cref="WeightSeed"/>) and the same batches (from <see cref="Training"/>'s seed).
/// </summary>
public sealed record ComparisonPlan(ModelSpec Spec, Dataset Train, TrainingOptions Training)
{
    /// <summary>A held-out set to measure accuracy on after training; the training set when null.</summary>
    public Dataset? Test { get; init; }

    public ulong WeightSeed { get; init; }

    /// <summary>The backend every other one is measured against.</summary>
    public string Reference { get; init; } = "managed";

    /// <summary>How many training steps the "weights after k steps" check runs (on epoch 0's first batches).</summary>
    public int KSteps { get; init; } = 10;

    /// <summary>How many weights per layer the finite-difference check probes (all, for small layers).</summary>
    public int FiniteDifferenceWeightsPerLayer { get; init; } = 64;

    /// <summary>The largest number of samples in the probe batch of the step-level checks.</summary>
    public int ProbeBatchLimit { get; init; } = 64;

    public string Describe() =>
        $"{Spec.Describe()}; data {Train.Name} ({DescribeSamples()}); {Training.Epochs} epochs, batch {Training.BatchSize}, seed {Training.Seed}";

    /// <summary>"1438 train, 359 test samples", or "4 samples, trained and measured on" when nothing is held out.</summary>
    public string DescribeSamples() =>
        Test is null ? $"{Train.Count} samples, trained and measured on" : $"{Train.Count} train, {Test.Count} test samples";
}
