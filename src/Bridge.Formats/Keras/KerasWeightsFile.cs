using PureHDF;
using PureHDF.VOL.Native;

namespace Bridge.Formats;

/// <summary>
/// Keras 3's weight file, <c>NAME.weights.h5</c>, as Keras 3.3 writes it (<c>model.save_weights</c>) and reads it
/// (<c>model.load_weights</c>) for a <c>keras.Sequential</c> of Dense layers. It is HDF5:
/// <code>
/// /layers/dense/vars/0     kernel [inputs, outputs]   (Bridge's own layout: nothing is transposed)
/// /layers/dense/vars/1     bias [outputs]
/// /layers/dense_1/vars/0   the second Dense layer's kernel, and so on: dense, dense_1, dense_2, …
/// /optimizer/vars          the optimizer's variables (Bridge writes none: its optimizer state is not carried)
/// /vars                    the model's own variables (none)
/// </code>
/// Keras names a layer's group after its class and its position among the layers of that class, not after
/// <c>layer.name</c>, so the names depend only on the network. Layers that hold no weights (an InputLayer, a Dropout)
/// may have groups of their own; reading passes over them. Written and read with PureHDF.
/// </summary>
public static class KerasWeightsFile
{
    /// <summary>The group of Bridge layer <paramref name="layer"/>: layers/dense, layers/dense_1, …</summary>
    public static string LayerGroup(int layer) => layer == 0 ? "layers/dense" : $"layers/dense_{layer}";

    /// <summary>Writes the weights (float32 or float64 as their precision) to <paramref name="path"/>, atomically.</summary>
    public static void Save(WeightSet weights, string path)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var layers = new H5Group();
        for (int l = 0; l < weights.Layers.Count; l++)
        {
            var layer = weights.Layers[l];
            layers[LayerGroup(l)["layers/".Length..]] = new H5Group
            {
                ["vars"] = new H5Group
                {
                    ["0"] = Dataset(layer.Kernel, weights.Precision, [(ulong)layer.Inputs, (ulong)layer.Outputs]),
                    ["1"] = Dataset(layer.Bias, weights.Precision, [(ulong)layer.Outputs]),
                },
            };
        }
        // Keras's loader opens /vars (the model's own) and /optimizer/vars whether or not they hold anything.
        var file = new H5File
        {
            ["layers"] = layers,
            ["optimizer"] = new H5Group { ["vars"] = new H5Group() },
            ["vars"] = new H5Group(),
        };
        // PureHDF seeks back and reads what it wrote: it writes to memory, and the finished file goes out atomically.
        var buffer = new MemoryStream();
        file.Write(buffer);
        AtomicFile.Write(path, stream => buffer.WriteTo(stream));
    }

    /// <summary>Reads a Keras weight file and checks it against <paramref name="spec"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Not a readable HDF5 file, not Keras's layout, or another network.</exception>
    public static WeightSet Load(string path, ModelSpec spec)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at {path}.", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, path, spec);
    }

    /// <summary>Reads from a seekable stream; <paramref name="name"/> names it in errors.</summary>
    public static WeightSet Read(Stream stream, string name, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            Hdf5Screen.Check(stream, name);
            using var file = H5File.Open(stream, leaveOpen: true);
            return Read(file, name, spec);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            // PureHDF reports a damaged or foreign file with whatever its parser met first (an end of stream, a
            // signature it did not find, an offset out of range, values fewer than the shape): all of them mean the
            // file cannot be read as HDF5. Bridge's own refusals are InvalidDataException and pass through.
            throw new InvalidDataException($"{name} is not a readable HDF5 file (truncated, damaged, or another format): {e.Message}", e);
        }
    }

    private static WeightSet Read(NativeFile file, string name, ModelSpec spec)
    {
        if (!file.LinkExists("layers"))
            throw new InvalidDataException($"{name} is HDF5 but not a Keras 3 weight file: it has no /layers group (a Keras 2 .h5 file is another layout).");
        var layers = file.Group("layers");
        var shapes = spec.LayerShapes();
        var result = new List<LayerWeights>();
        Precision? precision = null;
        for (int l = 0; l < shapes.Count; l++)
        {
            string group = LayerGroup(l);
            string local = group["layers/".Length..];
            if (!layers.LinkExists(local))
            {
                string found = DenseGroupsIn(layers) is { Count: > 0 } present ? $"Dense layers {string.Join(", ", present)} only" : "no Dense layer";
                throw SpecFit.Mismatch(name, spec, l, $"{group} in the file", $"a Dense layer's group {group}", found);
            }
            var vars = layers.Group(local).LinkExists("vars") ? layers.Group(local).Group("vars") : null;
            if (vars is null || !vars.LinkExists("0") || !vars.LinkExists("1"))
                throw SpecFit.Mismatch(name, spec, l, $"{group} in the file", "vars/0 (kernel) and vars/1 (bias)",
                    vars is null ? "no vars group" : $"vars {string.Join(", ", vars.Children().Select(c => c.Name))} (a Dense layer without a bias?)");
            if (vars.Children().Count() != 2)
                throw SpecFit.Mismatch(name, spec, l, $"{group} in the file", "a Dense layer's two variables (kernel, bias)",
                    $"{vars.Children().Count()} variables: not a Dense layer");
            var kernelSet = vars.Dataset("0");
            var biasSet = vars.Dataset("1");
            // Shapes are checked before any value is read, so a file cannot make the reader allocate more than the spec needs.
            SpecFit.CheckShapes(name, spec, l, $"{group}/vars/0", "kernel [inputs, outputs]", ShapeOf(kernelSet),
                [shapes[l].Inputs, shapes[l].Outputs], $"{group}/vars/1", ShapeOf(biasSet));
            var kernelPrecision = PrecisionOf(kernelSet, name, $"{group}/vars/0");
            if (PrecisionOf(biasSet, name, $"{group}/vars/1") != kernelPrecision || (precision is not null && precision != kernelPrecision))
                throw new InvalidDataException($"{name}: the weights mix float32 and float64 ({group}).");
            precision = kernelPrecision;
            var kernel = Values(kernelSet, kernelPrecision);
            var bias = Values(biasSet, kernelPrecision);
            result.Add(new LayerWeights(shapes[l].Inputs, shapes[l].Outputs, kernel, bias));
        }
        var extra = DenseGroupsIn(layers).Skip(shapes.Count).FirstOrDefault();
        if (extra is not null)
            throw SpecFit.Mismatch(name, spec, $"the file holds more Dense layers than the model's {shapes.Count}: layers/{extra} has no counterpart");
        foreach (var child in layers.Children())
            if (child is IH5Group other && !IsDenseName(other.Name) && HoldsVariables(other))
                throw SpecFit.Mismatch(name, spec, $"layers/{other.Name} holds weights of a layer that is not Dense; Bridge's networks are Dense layers only");
        return new WeightSet(precision!.Value, result);
    }

    /// <summary>Keras's names of Dense layers present, in position order: dense, dense_1, dense_2, …</summary>
    private static List<string> DenseGroupsIn(IH5Group layers) =>
        layers.Children().OfType<IH5Group>().Select(g => g.Name).Where(IsDenseName)
            .OrderBy(n => n == "dense" ? 0 : int.Parse(n["dense_".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static bool IsDenseName(string name) =>
        name == "dense" || (name.StartsWith("dense_", StringComparison.Ordinal) && name.Length > 6 && name[6..].All(char.IsAsciiDigit) && name.Length < 16);

    private static bool HoldsVariables(IH5Group group) =>
        group.LinkExists("vars") && group.Group("vars").Children().Any();

    private static long[] ShapeOf(IH5Dataset dataset) => dataset.Space.Dimensions.Select(d => (long)d).ToArray();

    private static Precision PrecisionOf(IH5Dataset dataset, string file, string where)
    {
        var type = dataset.Type;
        if (type.Class != H5DataTypeClass.FloatingPoint || (type.Size != 4 && type.Size != 8))
            throw new InvalidDataException($"{file}: {where} holds {type.Class} values of {type.Size} bytes; Bridge reads float32 and float64 weights.");
        return type.Size == 4 ? Precision.Float32 : Precision.Float64;
    }

    /// <summary>A dataset's values as doubles (exactly: float32 widens without rounding).</summary>
    private static double[] Values(IH5Dataset dataset, Precision precision) =>
        precision == Precision.Float32 ? Array.ConvertAll(dataset.Read<float[]>(), v => (double)v) : dataset.Read<double[]>();

    /// <summary>A dataset of the weights' precision: Keras reads either into a model of either.</summary>
    private static H5Dataset Dataset(double[] values, Precision precision, ulong[] dims) =>
        precision == Precision.Float32
            ? new H5Dataset(Array.ConvertAll(values, v => (float)v), fileDims: dims)
            : new H5Dataset((double[])values.Clone(), fileDims: dims);
}
