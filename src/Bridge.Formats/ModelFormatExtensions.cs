namespace Bridge.Formats;

/// <summary>The formats as verbs on any backend's model: <c>model.SaveOnnx("net.onnx")</c>, <c>model.LoadWeights("net.pt")</c>.</summary>
public static class ModelFormatExtensions
{
    /// <summary>Writes the model (its spec's layers and activations, its current weights) as ONNX.</summary>
    public static void SaveOnnx(this IModel model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        OnnxExport.Save(model.Spec, model.GetWeights(), path, metadata);
    }

    /// <summary>Saves the current weights in the format the file's ending names (<see cref="WeightFormats"/>).</summary>
    public static void SaveWeights(this IModel model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        WeightFormats.Save(model, path, metadata);

    /// <summary>Replaces the weights by those in <paramref name="path"/>, after checking that they fit the model.</summary>
    public static void LoadWeights(this IModel model, string path) => WeightFormats.LoadInto(model, path);
}
