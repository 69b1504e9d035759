namespace Bridge.Formats;

/// <summary>
/// One file format a network's weights travel in, known by its file name's ending. <see cref="WeightFormats"/> picks
/// the format from a path and reads or writes it.
/// </summary>
public sealed record WeightFormat
{
    private WeightFormat(string name, string[] extensions, bool canRead, bool canWrite)
    {
        Name = name;
        Extensions = extensions;
        CanRead = canRead;
        CanWrite = canWrite;
    }

    /// <summary>Bridge's own weight file (safetensors, <see cref="WeightFile"/>); checkpoints use it too.</summary>
    public static WeightFormat Safetensors { get; } = new("safetensors", [".safetensors"], canRead: true, canWrite: true);

    /// <summary>The whole network (layers, activations, weights) as an ONNX graph: written, not read.</summary>
    public static WeightFormat Onnx { get; } = new("ONNX", [".onnx"], canRead: false, canWrite: true);

    /// <summary>Keras 3's weight file (<c>model.save_weights</c> / <c>model.load_weights</c>).</summary>
    public static WeightFormat KerasWeights { get; } = new("Keras weights", [".weights.h5"], canRead: true, canWrite: true);

    /// <summary>Keras 3's whole-model archive (<c>model.save("m.keras")</c>): its weights are read, its config checked.</summary>
    public static WeightFormat KerasModel { get; } = new("Keras model", [".keras"], canRead: true, canWrite: false);

    /// <summary>A PyTorch <c>state_dict</c> saved by <c>torch.save</c> (the zip-based format).</summary>
    public static WeightFormat PyTorch { get; } = new("PyTorch state_dict", [".pt", ".pth"], canRead: true, canWrite: true);

    /// <summary>Every format, in the order the documentation lists them.</summary>
    public static IReadOnlyList<WeightFormat> All { get; } = [Safetensors, Onnx, KerasWeights, KerasModel, PyTorch];

    public string Name { get; }

    /// <summary>The endings that name this format, with their dot (".weights.h5" is one ending).</summary>
    public IReadOnlyList<string> Extensions { get; }

    public bool CanRead { get; }

    public bool CanWrite { get; }

    /// <summary>Whether <paramref name="path"/> ends with one of this format's endings (ignoring case).</summary>
    public bool Names(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>"read and write", "read only" or "write only".</summary>
    public string Abilities => (CanRead, CanWrite) switch
    {
        (true, true) => "read and write",
        (true, false) => "read only",
        _ => "write only",
    };

    /// <summary>e.g. ".pt/.pth (PyTorch state_dict, read and write)".</summary>
    public override string ToString() => $"{string.Join("/", Extensions)} ({Name}, {Abilities})";
}
