using System.Globalization;
using Bridge.Formats;

namespace Bridge;

/// <summary>Where a training run stands: enough to continue it exactly, and to refuse continuing a different one.</summary>
public sealed record TrainingPosition(
    int EpochsCompleted,
    ulong Seed,
    int BatchSize,
    bool Shuffle,
    string Spec,
    string Data,
    int Samples);

/// <summary>
/// A training run saved between epochs: the weights, the optimizer's state and the <see cref="TrainingPosition"/>,
/// in one safetensors file (weights as <c>dense_N.kernel</c>/<c>dense_N.bias</c>, optimizer slots as
/// <c>optimizer.SLOT.dense_N.kernel</c>, the position in the metadata). Because batches depend only on the seed and
/// the epoch (<see cref="Backends.BatchPlan"/>), a run continued from a checkpoint repeats the rest of the uninterrupted run
/// exactly.
/// </summary>
public sealed record Checkpoint(WeightSet Weights, OptimizerState Optimizer, TrainingPosition Position)
{
    private const string Format = "bridge-checkpoint/1";

    /// <summary>Saves the model's weights and optimizer state with the position (atomically).</summary>
    public static void Save(string path, IModel model, TrainingPosition position)
    {
        var weights = model.GetWeights();
        var optimizer = model.GetOptimizerState();
        var tensors = WeightFile.Tensors(weights, "").ToList();
        foreach (var (slot, values) in optimizer.Slots.OrderBy(s => s.Key, StringComparer.Ordinal))
            tensors.AddRange(WeightFile.Tensors(values, $"optimizer.{slot}."));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["epochs_completed"] = Text(position.EpochsCompleted),
            ["seed"] = position.Seed.ToString(CultureInfo.InvariantCulture),
            ["batch_size"] = Text(position.BatchSize),
            ["shuffle"] = position.Shuffle ? "true" : "false",
            ["spec"] = position.Spec,
            ["data"] = position.Data,
            ["samples"] = Text(position.Samples),
            ["optimizer_steps"] = optimizer.Steps.ToString(CultureInfo.InvariantCulture),
            ["optimizer_slots"] = string.Join(",", optimizer.Slots.Keys.OrderBy(k => k, StringComparer.Ordinal)),
        };
        AtomicFile.Write(path, stream => Safetensors.Write(stream, tensors, metadata));
    }

    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid Bridge checkpoint (the message says why).</exception>
    public static Checkpoint Load(string path)
    {
        var contents = Safetensors.Read(path);
        var meta = contents.Metadata;
        if (!meta.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{path} is not a Bridge checkpoint (its format is '{format ?? "unstated"}', expected {Format}).");
        var weights = WeightFile.FromTensors(contents.Tensors, "", path);
        var slots = new Dictionary<string, WeightSet>();
        foreach (var slot in Required(meta, "optimizer_slots", path).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var values = WeightFile.FromTensors(contents.Tensors, $"optimizer.{slot}.", path);
            if (values.Layers.Count != weights.Layers.Count || values.Precision != weights.Precision)
                throw new InvalidDataException($"{path}: optimizer slot '{slot}' does not have the weights' shape.");
            for (int l = 0; l < values.Layers.Count; l++)
                if (values.Layers[l].Inputs != weights.Layers[l].Inputs || values.Layers[l].Outputs != weights.Layers[l].Outputs)
                    throw new InvalidDataException($"{path}: optimizer slot '{slot}' does not have the weights' shape at {WeightSet.LayerName(l)}.");
            slots[slot] = values;
        }
        var position = new TrainingPosition(
            Integer(meta, "epochs_completed", path),
            ulong.TryParse(Required(meta, "seed", path), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed
                : throw new InvalidDataException($"{path}: metadata 'seed' is not a number."),
            Integer(meta, "batch_size", path),
            Required(meta, "shuffle", path) == "true",
            Required(meta, "spec", path),
            Required(meta, "data", path),
            Integer(meta, "samples", path));
        long steps = long.TryParse(Required(meta, "optimizer_steps", path), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
            : throw new InvalidDataException($"{path}: metadata 'optimizer_steps' is not a number.");
        return new Checkpoint(weights, new OptimizerState(steps, slots), position);
    }

    /// <summary>
    /// Throws, naming the difference, unless continuing <paramref name="model"/>'s training on <paramref name="data"/>
    /// with <paramref name="options"/> from this checkpoint would continue the same run.
    /// </summary>
    public void EnsureContinues(IModel model, Dataset data, TrainingOptions options)
    {
        void Require(bool same, string what, object saved, object now)
        {
            if (!same) throw new ArgumentException($"The checkpoint cannot continue this run: its {what} is {saved}, this run's is {now}.");
        }
        Require(Position.Spec == model.Spec.Describe(), "model", Position.Spec, model.Spec.Describe());
        try { Weights.EnsureMatches(model.Spec); }
        catch (ArgumentException e) { throw new ArgumentException($"The checkpoint cannot continue this run: {e.Message}", e); }
        Require(Weights.Precision == model.Spec.Precision, "precision", Weights.Precision.Name(), model.Spec.Precision.Name());
        foreach (var slot in model.Spec.Optimizer.SlotNames)
            Require(Optimizer.Slots.ContainsKey(slot) || Optimizer.Steps == 0, "optimizer state", string.Join(",", Optimizer.Slots.Keys), model.Spec.Optimizer.Describe());
        Require(Position.Seed == options.Seed, "seed", Position.Seed, options.Seed);
        Require(Position.BatchSize == options.BatchSize, "batch size", Position.BatchSize, options.BatchSize);
        Require(Position.Shuffle == options.Shuffle, "shuffling", Position.Shuffle, options.Shuffle);
        Require(Position.Data == data.Name && Position.Samples == data.Count, "data set", $"{Position.Data} ({Position.Samples} samples)", $"{data.Name} ({data.Count} samples)");
        Require(Position.EpochsCompleted <= options.Epochs, "epoch count", $"{Position.EpochsCompleted} completed", $"{options.Epochs} in all");
    }

    /// <summary>Puts the weights and the optimizer state into <paramref name="model"/>.</summary>
    public void Restore(IModel model)
    {
        model.SetWeights(Weights);
        model.SetOptimizerState(Optimizer);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Required(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"{path}: checkpoint metadata '{key}' is missing.");

    private static int Integer(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        int.TryParse(Required(meta, key, path), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value
            : throw new InvalidDataException($"{path}: checkpoint metadata '{key}' is not a whole number.");
}
