using System.Runtime.InteropServices;

namespace Bridge.Isolation;

/// <summary>
/// How the values of the IModel contract cross between processes: every double as its 8 bytes, so a model in a worker
/// computes on exactly the bits the caller holds and hands back exactly the bits it computed. No float ever passes
/// through decimal text.
/// </summary>
internal static class WireFormat
{
    public static void WriteDoubles(this BinaryWriter w, ReadOnlySpan<double> values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values));
    }

    public static double[] ReadDoubles(this BinaryReader r)
    {
        int count = r.ReadInt32();
        var values = new double[count];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public static void WriteMatrix(this BinaryWriter w, Matrix m)
    {
        w.Write(m.Rows);
        w.Write(m.Cols);
        w.WriteDoubles(m.Data);
    }

    public static Matrix ReadMatrix(this BinaryReader r)
    {
        int rows = r.ReadInt32(), cols = r.ReadInt32();
        return new Matrix(rows, cols, r.ReadDoubles());
    }

    public static void WriteNullableString(this BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    public static string? ReadNullableString(this BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    public static void WriteInt32s(this BinaryWriter w, ReadOnlySpan<int> values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values));
    }

    public static int[] ReadInt32s(this BinaryReader r)
    {
        var values = new int[r.ReadInt32()];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public static void WriteNullableInt32s(this BinaryWriter w, int[]? values)
    {
        w.Write(values is not null);
        if (values is not null) w.WriteInt32s(values);
    }

    public static int[]? ReadNullableInt32s(this BinaryReader r) => r.ReadBoolean() ? r.ReadInt32s() : null;

    public static void WriteBatch(this BinaryWriter w, Batch batch)
    {
        w.WriteMatrix(batch.Inputs);
        w.WriteMatrix(batch.Targets);
        w.WriteNullableInt32s(batch.Labels);
    }

    public static Batch ReadBatch(this BinaryReader r) => new(r.ReadMatrix(), r.ReadMatrix(), r.ReadNullableInt32s());

    /// <summary>
    /// A data set for queued training: inputs, the targets (unless they are the inputs themselves, as an autoencoder's
    /// are, which then cross once) and the labels.
    /// </summary>
    public static void WriteResidentData(this BinaryWriter w, Matrix inputs, Matrix targets, int[]? labels)
    {
        w.WriteMatrix(inputs);
        bool targetsAreInputs = ReferenceEquals(targets, inputs);
        w.Write(targetsAreInputs);
        if (!targetsAreInputs) w.WriteMatrix(targets);
        w.WriteNullableInt32s(labels);
    }

    public static (Matrix Inputs, Matrix Targets, int[]? Labels) ReadResidentData(this BinaryReader r)
    {
        var inputs = r.ReadMatrix();
        var targets = r.ReadBoolean() ? inputs : r.ReadMatrix();
        return (inputs, targets, r.ReadNullableInt32s());
    }

    public static void WriteWeights(this BinaryWriter w, WeightSet weights)
    {
        w.Write((int)weights.Precision);
        w.Write(weights.Layers.Count);
        foreach (var layer in weights.Layers)
        {
            w.Write(layer.Inputs);
            w.Write(layer.Outputs);
            w.WriteDoubles(layer.Kernel);
            w.WriteDoubles(layer.Bias);
        }
    }

    public static WeightSet ReadWeights(this BinaryReader r)
    {
        var precision = (Precision)r.ReadInt32();
        var layers = new LayerWeights[r.ReadInt32()];
        for (int l = 0; l < layers.Length; l++)
        {
            int inputs = r.ReadInt32(), outputs = r.ReadInt32();
            layers[l] = new LayerWeights(inputs, outputs, r.ReadDoubles(), r.ReadDoubles());
        }
        return new WeightSet(precision, layers);
    }

    public static void WriteOptimizerState(this BinaryWriter w, OptimizerState state)
    {
        w.Write(state.Steps);
        w.Write(state.Slots.Count);
        foreach (var (name, slot) in state.Slots)
        {
            w.Write(name);
            w.WriteWeights(slot);
        }
    }

    public static OptimizerState ReadOptimizerState(this BinaryReader r)
    {
        long steps = r.ReadInt64();
        int count = r.ReadInt32();
        var slots = new Dictionary<string, WeightSet>(count);
        for (int i = 0; i < count; i++) slots[r.ReadString()] = r.ReadWeights();
        return new OptimizerState(steps, slots);
    }

    public static void WriteStepResult(this BinaryWriter w, StepResult result)
    {
        w.Write(result.Loss);
        w.Write(result.Applied);
        w.WriteNullableString(result.NonFiniteLayer);
        // The samples the step classified right, or -1 where it did not count them.
        w.Write(result.Correct ?? -1);
    }

    public static StepResult ReadStepResult(this BinaryReader r)
    {
        var result = new StepResult(r.ReadDouble(), r.ReadBoolean(), r.ReadNullableString());
        int correct = r.ReadInt32();
        return correct < 0 ? result : result with { Correct = correct };
    }
}
