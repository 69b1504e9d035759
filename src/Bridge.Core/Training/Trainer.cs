using System.Diagnostics;
using Bridge.Backends;

namespace Bridge;

/// <summary>
/// Trains any backend's model the same way: epochs, seeded batch order, corruption for denoising autoencoders,
/// history, progress, divergence and cancellation. Backends only compute steps; everything that decides which
/// numbers they see is here, so two backends given the same spec, weights and options see the same batches.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="data"/>. Everything is checked before the first step
    /// (shapes, labels, NaN in the data, options), so bad input changes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The data or the options do not fit the model.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became non-finite; the model keeps its last finite weights.</exception>
    /// <exception cref="TrainingCancelledException">The token was cancelled; the model holds the weights after the last completed step.</exception>
    public static History Fit(IModel model, Dataset data, TrainingOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TrainingOptions();
        options.Validate();
        var spec = model.Spec;
        var assembler = new BatchAssembler(data, spec, options.BatchSize);
        var trainingSet = options.EvaluateEachEpoch ? data : null;
        var validationSet = options.Validation;
        validationSet?.EnsureFits(spec);

        var history = new History();
        var order = new int[data.Count];
        int steps = assembler.StepsPerEpoch;
        var clock = new Stopwatch();
        // A model that queues steps on its device reports them when settled: at the epoch's end, and wherever the
        // trainer must know where it stands (progress, cancellation). Their results are taken in order, as if returned
        // one by one.
        using var queued = assembler.BeginQueuedTraining(model);
        queued?.CountCorrect(options.CountRunningAccuracy);
        for (int epoch = options.InitialEpoch; epoch < options.Epochs; epoch++)
        {
            clock.Restart();
            BatchPlan.FillOrder(order, epoch, options.Seed, options.Shuffle);
            queued?.BeginEpoch(order);
            double lossSum = 0;
            int seen = 0, taken = 0;
            // Samples the steps' outputs classified right, while every step so far has counted them.
            long correct = 0;
            bool counted = true;
            for (int step = 0; step < steps; step++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    if (queued is not null) TakeSettled();
                    throw new TrainingCancelledException(epoch, step, history, cancellation);
                }
                if (queued is not null) queued.QueueStep(step * assembler.BatchSize, assembler.CountOf(step));
                else Take(assembler.TrainStep(model, order, step, options.Seed, epoch, out int count), count);
                if (options.ProgressEverySteps > 0 && options.OnProgress is { } report && (step + 1) % options.ProgressEverySteps == 0)
                {
                    if (queued is not null) TakeSettled();
                    report(new TrainingProgress(epoch, options.Epochs, step + 1, steps, lossSum / seen, null));
                }
            }
            if (queued is not null) TakeSettled();
            var record = Evaluate(model, epoch, lossSum / seen, trainingSet, validationSet, clock.Elapsed) with
            {
                RunningAccuracy = options.CountRunningAccuracy && counted && data.IsClassification && spec is not Autoencoder ? (double)correct / seen : null,
            };
            history.Add(record);
            if (options.CheckpointPath is { } path && ((epoch + 1) % options.CheckpointEvery == 0 || epoch == options.Epochs - 1))
                Checkpoint.Save(path, model, new TrainingPosition(epoch + 1, options.Seed, options.BatchSize, options.Shuffle,
                    spec.Describe(), data.Name, data.Count));
            options.OnEpochEnd?.Invoke(epoch, model);
            options.OnProgress?.Invoke(new TrainingProgress(epoch, options.Epochs, steps, steps, record.Loss, record));

            // The result of step number `taken` of this epoch, on `count` samples.
            void Take(StepResult result, int count)
            {
                if (!result.Applied || !double.IsFinite(result.Loss))
                    throw new TrainingDivergedException(epoch, taken, result.NonFiniteLayer, result.Loss, history);
                lossSum += result.Loss * count;
                seen += count;
                if (result.Correct is int right) correct += right;
                else counted = false;
                taken++;
                history.StepsTaken++;
            }

            void TakeSettled()
            {
                foreach (var result in queued!.Settle()) Take(result, assembler.CountOf(taken));
            }
        }
        return history;
    }

    /// <summary>
    /// Continues a run from its checkpoint (<paramref name="checkpointPath"/>, or the options' CheckpointPath): checks
    /// that the checkpoint belongs to this model, data and options (same spec, seed, batch size, shuffling and data),
    /// restores weights and optimizer state, and trains the remaining epochs. With the same seed the final weights are
    /// those of the uninterrupted run.
    /// </summary>
    /// <exception cref="FileNotFoundException">No checkpoint at the path.</exception>
    /// <exception cref="InvalidDataException">The checkpoint file is damaged.</exception>
    /// <exception cref="ArgumentException">The checkpoint belongs to another run (the message names the difference).</exception>
    public static History Resume(IModel model, Dataset data, TrainingOptions options, string? checkpointPath = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        string path = checkpointPath ?? options.CheckpointPath
            ?? throw new ArgumentException("Resuming needs a checkpoint: pass its path or set CheckpointPath.");
        var checkpoint = Checkpoint.Load(path);
        checkpoint.EnsureContinues(model, data, options);
        checkpoint.Restore(model);
        return Fit(model, data, options with { InitialEpoch = checkpoint.Position.EpochsCompleted }, cancellation);
    }

    private static EpochRecord Evaluate(IModel model, int epoch, double stepLoss, Dataset? training, Dataset? validation, TimeSpan elapsed)
    {
        // By the model itself, a slice at a time in its own buffers, where it can; else one forward pass over the set.
        var trained = training is null ? null : model.Measure(training);
        var validated = validation is null ? null : model.Measure(validation);
        return new EpochRecord(epoch, stepLoss, trained?.Loss, trained?.Accuracy, trained?.ReconstructionError,
            validated?.Loss, validated?.Accuracy, elapsed);
    }

    internal static double ThresholdOf(ModelSpec spec) => Metrics.ClassThreshold(spec);
}
