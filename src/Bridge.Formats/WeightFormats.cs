namespace Bridge.Formats;

/// <summary>
/// Saves and loads a network's weights in the format its file name says: <c>.safetensors</c> (Bridge's own),
/// <c>.onnx</c> (written), <c>.weights.h5</c> (Keras 3), <c>.keras</c> (read), <c>.pt</c>/<c>.pth</c> (PyTorch).
/// <code>
/// WeightFormats.Save(model, "digits.onnx");                     // for ONNX Runtime
/// WeightFormats.LoadInto(model, "trained-in-keras.weights.h5");  // checked against model.Spec first
/// </code>
/// An ending Bridge does not know is an <see cref="ArgumentException"/> that lists the formats. Every save is atomic;
/// every load checks the whole file against the spec (the first layer that does not fit is named, with the shape
/// expected and the one found) before it returns or changes anything.
/// </summary>
public static class WeightFormats
{
    /// <summary>The format <paramref name="path"/>'s ending names.</summary>
    /// <exception cref="ArgumentException">No format has that ending; the message lists the formats.</exception>
    public static WeightFormat Of(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return WeightFormat.All.FirstOrDefault(f => f.Names(path))
            ?? throw new ArgumentException($"{path}: Bridge does not know this file ending{Hint(path)}. {Listing()}");
    }

    /// <summary>The format <paramref name="path"/> names, when Bridge can write it.</summary>
    /// <exception cref="ArgumentException">Unknown ending, or a format Bridge reads only; the message lists those it writes.</exception>
    public static WeightFormat ForWriting(string path)
    {
        var format = Of(path);
        if (!format.CanWrite)
            throw new ArgumentException($"{path}: Bridge reads {format.Name} files but does not write them. {Listing()}");
        return format;
    }

    /// <summary>The format <paramref name="path"/> names, when Bridge can read it.</summary>
    /// <exception cref="ArgumentException">Unknown ending, or a format Bridge writes only; the message lists those it reads.</exception>
    public static WeightFormat ForReading(string path)
    {
        var format = Of(path);
        if (!format.CanRead)
            throw new ArgumentException($"{path}: Bridge writes {format.Name} files but does not read them. {Listing()}");
        return format;
    }

    /// <summary>Saves <paramref name="model"/>'s current weights (with its spec where the format holds one).</summary>
    public static void Save(IModel model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(model.Spec, model.GetWeights(), path, metadata);
    }

    /// <summary>Saves <paramref name="weights"/>, which must fit <paramref name="spec"/>, atomically.</summary>
    /// <param name="metadata">Extra text kept where the format has room for it (safetensors and ONNX).</param>
    /// <exception cref="ArgumentException">Unknown or read-only format, or weights that do not fit the spec.</exception>
    public static void Save(ModelSpec spec, WeightSet weights, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        var format = ForWriting(path);
        spec.Validate();
        weights.EnsureMatches(spec);
        if (format == WeightFormat.Safetensors)
        {
            var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
            all.TryAdd("spec", spec.Describe());
            WeightFile.Save(weights, path, all);
        }
        else if (format == WeightFormat.Onnx) OnnxExport.Save(spec, weights, path, metadata);
        else if (format == WeightFormat.KerasWeights) KerasWeightsFile.Save(weights, path);
        else if (format == WeightFormat.PyTorch) PyTorchStateDict.Save(spec, weights, path);
        else throw new InvalidOperationException($"No writer for {format}.");
    }

    /// <summary>
    /// Reads the weights in <paramref name="path"/> and checks them against <paramref name="spec"/>. They come back
    /// in the file's precision (a float32 file into a float64 model widens exactly; the other way rounds).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown or write-only format.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, not of its format, or holds another network (the first layer that does not fit is named).</exception>
    public static WeightSet Load(string path, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var format = ForReading(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at {path}.", path);
        if (format == WeightFormat.Safetensors) return WeightFile.Load(path, spec);
        if (format == WeightFormat.KerasWeights) return KerasWeightsFile.Load(path, spec);
        if (format == WeightFormat.KerasModel) return KerasModelFile.Load(path, spec);
        if (format == WeightFormat.PyTorch) return PyTorchStateDict.Load(path, spec);
        throw new InvalidOperationException($"No reader for {format}.");
    }

    /// <summary>Reads the weights in <paramref name="path"/>, checks them against the model's spec, then sets them.</summary>
    public static void LoadInto(IModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.SetWeights(Load(path, model.Spec));
    }

    /// <summary>"Formats by file ending: …", every format with what Bridge does with it.</summary>
    public static string Listing() => "Formats by file ending: " + string.Join("; ", WeightFormat.All) + ".";

    private static string Hint(string path) =>
        path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase)
            ? " (Keras 3 names its weight files NAME.weights.h5; a Keras 2 .h5 model file is another layout)"
            : "";
}
