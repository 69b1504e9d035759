using Bridge.Formats;

namespace Bridge;

/// <summary>
/// Weight sets saved as safetensors files, readable by the Python world: tensors <c>dense_0.kernel</c> ([inputs,
/// outputs], the canonical W[i, j], which is also Keras's Dense kernel) and <c>dense_0.bias</c>, in F32 or F64 as
/// the weights' precision. Saves are atomic. Loads check names, dtypes and shapes (and, given a spec, that they fit it)
/// before returning anything.
/// </summary>
public static class WeightFile
{
    public static string KernelName(int layer) => $"{WeightSet.LayerName(layer)}.kernel";

    public static string BiasName(int layer) => $"{WeightSet.LayerName(layer)}.bias";

    /// <summary>Saves <paramref name="weights"/> to <paramref name="path"/> (atomically), with optional metadata.</summary>
    public static void Save(WeightSet weights, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, stream => Safetensors.Write(stream, Tensors(weights, "").ToList(), WithFormat(metadata)));

    /// <summary>Loads a weight set; with <paramref name="expected"/>, also checks that it fits that spec.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid weight file (the message says why).</exception>
    public static WeightSet Load(string path, ModelSpec? expected = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at {path}.", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, path, expected);
    }

    /// <summary>Reads a weight set from a seekable stream; <paramref name="name"/> names it in errors.</summary>
    public static WeightSet Read(Stream stream, string name, ModelSpec? expected = null)
    {
        string path = name;
        var contents = Safetensors.Read(stream, name);
        var weights = FromTensors(contents.Tensors, "", path);
        if (expected is not null)
        {
            try { weights.EnsureMatches(expected); }
            catch (ArgumentException e) { throw new InvalidDataException($"{path} does not fit {expected.Describe()}: {e.Message}", e); }
        }
        return weights;
    }

    /// <summary>The tensors of a weight set, names prefixed by <paramref name="prefix"/>.</summary>
    internal static IEnumerable<NamedTensor> Tensors(WeightSet weights, string prefix)
    {
        for (int l = 0; l < weights.Layers.Count; l++)
        {
            var layer = weights.Layers[l];
            yield return new NamedTensor(prefix + KernelName(l), weights.Precision, [layer.Inputs, layer.Outputs], layer.Kernel);
            yield return new NamedTensor(prefix + BiasName(l), weights.Precision, [layer.Outputs], layer.Bias);
        }
    }

    /// <summary>Reassembles dense_0.kernel, dense_0.bias, dense_1.kernel, … (under a prefix) into a weight set.</summary>
    internal static WeightSet FromTensors(IReadOnlyDictionary<string, NamedTensor> tensors, string prefix, string file)
    {
        var layers = new List<LayerWeights>();
        Precision? precision = null;
        for (int l = 0; ; l++)
        {
            bool hasKernel = tensors.TryGetValue(prefix + KernelName(l), out var kernel);
            bool hasBias = tensors.TryGetValue(prefix + BiasName(l), out var bias);
            if (!hasKernel && !hasBias) break;
            if (!hasKernel || !hasBias)
                throw new InvalidDataException($"{file}: layer {WeightSet.LayerName(l)} has {(hasKernel ? "a kernel but no bias" : "a bias but no kernel")}.");
            if (kernel!.Shape.Count != 2)
                throw new InvalidDataException($"{file}: {kernel.Name} has shape [{string.Join(", ", kernel.Shape)}]; a kernel is [inputs, outputs].");
            if (bias!.Shape.Count != 1 || bias.Shape[0] != kernel.Shape[1])
                throw new InvalidDataException($"{file}: {bias.Name} has shape [{string.Join(", ", bias.Shape)}]; layer {WeightSet.LayerName(l)} has {kernel.Shape[1]} outputs.");
            if (kernel.DType != bias.DType || (precision is not null && precision != kernel.DType))
                throw new InvalidDataException($"{file}: the weights mix float32 and float64 tensors.");
            if (kernel.Shape[0] < 1 || kernel.Shape[1] < 1)
                throw new InvalidDataException($"{file}: {kernel.Name} has an empty shape [{string.Join(", ", kernel.Shape)}].");
            precision = kernel.DType;
            if (layers.Count > 0 && layers[^1].Outputs != kernel.Shape[0])
                throw new InvalidDataException($"{file}: {kernel.Name} takes {kernel.Shape[0]} inputs but the layer before has {layers[^1].Outputs} outputs.");
            layers.Add(new LayerWeights(kernel.Shape[0], kernel.Shape[1], kernel.Values, bias.Values));
        }
        if (layers.Count == 0) throw new InvalidDataException($"{file}: no {prefix}dense_0.kernel: it holds no Bridge weights.");
        int expectedTensors = layers.Count * 2;
        int present = tensors.Keys.Count(k => k.StartsWith(prefix + "dense_", StringComparison.Ordinal));
        if (present != expectedTensors)
            throw new InvalidDataException($"{file}: layers dense_0..dense_{layers.Count - 1} are complete but other {prefix}dense_ tensors follow a gap.");
        return new WeightSet(precision!.Value, layers);
    }

    private static IReadOnlyDictionary<string, string> WithFormat(IReadOnlyDictionary<string, string>? metadata)
    {
        var all = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = "bridge-weights",
            ["layout"] = "dense_N.kernel is [inputs, outputs]: W[i, j] from node i of the previous layer to node j",
        };
        return all;
    }
}
