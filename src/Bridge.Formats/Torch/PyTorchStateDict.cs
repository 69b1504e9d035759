using System.Buffers.Binary;
using System.Globalization;
using Bridge.Formats.Pickle;

namespace Bridge.Formats;

/// <summary>
/// A Bridge network's weights as the <c>state_dict</c> of the equivalent PyTorch <c>nn.Sequential</c>, in the file
/// <c>torch.save</c> writes and <c>torch.load</c> reads. The equivalent Sequential has, per Bridge layer, an
/// <c>nn.Linear(inputs, outputs)</c> followed by its activation module (<c>nn.Sigmoid()</c>, <c>nn.Tanh()</c>,
/// <c>nn.ReLU()</c>, <c>nn.Softmax(dim=1)</c>; none for linear), so an MLP 2-8(tanh)-3(softmax) is
/// <code>
/// nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=1))   # keys 0.weight, 0.bias, 2.weight, 2.bias
/// model.load_state_dict(torch.load("net.pt"))
/// </code>
/// <c>Linear.weight</c> is [outputs, inputs], the transpose of Bridge's [inputs, outputs] kernel: the kernel is
/// transposed in <see cref="Save"/> (by <see cref="LayerWeights.KernelTransposed"/>) and back in <see cref="Load"/>
/// (by <see cref="LayerWeights.FromTransposedKernel"/>), nowhere else. Tensors are float32 or float64 as the weights.
/// Reading never runs the file's pickle: <see cref="RestrictedUnpickler"/> reads tensors and the dict around them and
/// refuses everything else. Reading takes each module's <c>weight</c> and <c>bias</c> in the file's order, whatever
/// the modules are called (a model of its own with fc1, fc2 reads as well as a Sequential's 0, 2), and a checkpoint
/// dict that holds the state_dict under <c>state_dict</c>, <c>model_state_dict</c> or <c>model</c>.
/// </summary>
public static class PyTorchStateDict
{
    private const string Folder = "archive";

    /// <summary>The keys a checkpoint dict may keep the model's state_dict under (the PyTorch tutorials' names).</summary>
    private static readonly string[] NestedStateDictKeys = ["state_dict", "model_state_dict", "model"];

    /// <summary>The index of each Bridge layer's <c>nn.Linear</c> in the equivalent <c>nn.Sequential</c>: "0", "2", ….</summary>
    public static IReadOnlyList<string> ModuleNames(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var names = new List<string>();
        int index = 0;
        foreach (var layer in spec.Layers)
        {
            names.Add(index.ToString(CultureInfo.InvariantCulture));
            index += layer.Activation == Activation.Linear ? 1 : 2;
        }
        return names;
    }

    /// <summary>Writes the state_dict of the equivalent nn.Sequential to <paramref name="path"/> (atomically).</summary>
    /// <exception cref="ArgumentException">The spec is invalid or the weights do not fit it.</exception>
    public static void Save(ModelSpec spec, WeightSet weights, string path)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        spec.Validate();
        weights.EnsureMatches(spec);
        bool single = weights.Precision == Precision.Float32;
        var modules = ModuleNames(spec);
        var storages = new List<byte[]>();
        var pickle = new PickleWriter()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Mark();
        for (int l = 0; l < weights.Layers.Count; l++)
        {
            var layer = weights.Layers[l];
            // Here Bridge's [inputs, outputs] kernel becomes torch's [outputs, inputs] Linear.weight.
            Tensor(pickle, $"{modules[l]}.weight", layer.KernelTransposed(), [layer.Outputs, layer.Inputs]);
            Tensor(pickle, $"{modules[l]}.bias", layer.Bias, [layer.Outputs]);
        }
        var bytes = pickle.SetItems().Finish();
        AtomicFile.Write(path, stream => TorchArchive.Write(stream, Folder, bytes, storages));

        // torch._utils._rebuild_tensor_v2(storage, offset 0, size, contiguous stride, requires_grad False, no hooks)
        void Tensor(PickleWriter p, string key, double[] values, long[] size)
        {
            string storageKey = storages.Count.ToString(CultureInfo.InvariantCulture);
            storages.Add(Bytes(values, single));
            long[] stride = size.Length == 2 ? [size[1], 1] : [1];
            p.Text(key).Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().Text("storage").Global("torch", single ? "FloatStorage" : "DoubleStorage").Text(storageKey).Text("cpu").Int(values.Length).Tuple()
                .PersistentId()
                .Int(0);
            p.Mark(); foreach (long d in size) p.Int(d); p.Tuple();
            p.Mark(); foreach (long s in stride) p.Int(s); p.Tuple();
            p.Bool(false).Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();
        }
    }

    /// <summary>Reads a torch.save'd state_dict and checks it against <paramref name="spec"/>, without running its pickle.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The pickle asks for more than tensors and dicts (refused; nothing was run), not a torch.save file, damaged, or another network (the first layer that does not fit is named).</exception>
    public static WeightSet Load(string path, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!File.Exists(path)) throw new FileNotFoundException($"No state_dict file at {path}.", path);
        using var archive = TorchArchive.Open(path);
        var root = RestrictedUnpickler.Load(archive.Pickle(), $"{path} (data.pkl)");
        var stateDict = StateDictIn(root, path);
        var modules = Modules(stateDict, path);

        var shapes = spec.LayerShapes();
        for (int l = 0; l < Math.Max(shapes.Count, modules.Count); l++)
        {
            if (l >= modules.Count)
                throw SpecFit.Mismatch(path, spec, l, "after the file's last module", $"a Linear module of weight [{shapes[l].Outputs}, {shapes[l].Inputs}]",
                    $"only {modules.Count} modules with weights");
            var (module, parameters) = modules[l];
            if (l >= shapes.Count)
                throw SpecFit.Mismatch(path, spec, $"its module '{module}' (weight {SpecFit.Shape(parameters.GetValueOrDefault("weight")?.Size ?? [])}) is one more than the model's {shapes.Count} layers");
            if (parameters.Count != 2 || !parameters.ContainsKey("weight") || !parameters.ContainsKey("bias"))
                throw SpecFit.Mismatch(path, spec, l, $"module '{module}' in the file", "a Linear module's weight and bias",
                    string.Join(", ", parameters.Keys.Select(p => Key(module, p))));
            SpecFit.CheckShapes(path, spec, l, Key(module, "weight"), "Linear weight [outputs, inputs]", parameters["weight"].Size,
                [shapes[l].Outputs, shapes[l].Inputs], Key(module, "bias"), parameters["bias"].Size);
        }

        // Every shape fits: now the values, each storage read once.
        bool bigEndian = archive.BigEndian;
        var storages = new Dictionary<string, double[]>();
        Precision? precision = null;
        var layers = new List<LayerWeights>();
        for (int l = 0; l < shapes.Count; l++)
        {
            var (module, parameters) = modules[l];
            var weight = Values(archive, parameters["weight"], Key(module, "weight"), path, bigEndian, storages, ref precision);
            var bias = Values(archive, parameters["bias"], Key(module, "bias"), path, bigEndian, storages, ref precision);
            // Here torch's [outputs, inputs] Linear.weight becomes Bridge's [inputs, outputs] kernel.
            layers.Add(LayerWeights.FromTransposedKernel(shapes[l].Inputs, shapes[l].Outputs, weight, bias));
        }
        return new WeightSet(precision!.Value, layers);
    }

    /// <summary>The dict of tensors: the pickle's root, or the state_dict a checkpoint dict keeps under a known key.</summary>
    private static PickleDict StateDictIn(object? root, string path)
    {
        if (root is not PickleDict dict)
            throw new InvalidDataException($"{path} holds a {(root is null ? "None" : root is object?[] ? "tuple" : root is List<object?> ? "list" : root.GetType().Name)}, not a state_dict (a dict of tensors).");
        if (dict.Items.Count > 0 && dict.Items.All(i => i.Value is TensorRef)) return dict;
        foreach (string key in NestedStateDictKeys)
            if (dict[key] is PickleDict nested && nested.Items.Count > 0 && nested.Items.All(i => i.Value is TensorRef))
                return nested;
        var notTensor = dict.Items.FirstOrDefault(i => i.Value is not TensorRef);
        throw new InvalidDataException(dict.Items.Count == 0
            ? $"{path} holds an empty dict: no weights."
            : $"{path} is not a state_dict: its entry '{notTensor.Key}' is not a tensor, and none of {string.Join(", ", NestedStateDictKeys)} holds a dict of tensors.");
    }

    /// <summary>The tensors grouped by module (the key before the last dot), modules in the order the file lists them.</summary>
    private static List<(string Module, Dictionary<string, TensorRef> Parameters)> Modules(PickleDict stateDict, string path)
    {
        var modules = new List<(string, Dictionary<string, TensorRef>)>();
        foreach (var (key, value) in stateDict.Items)
        {
            string name = key as string ?? throw new InvalidDataException($"{path}: a state_dict key is {key}, not text.");
            // "0.weight" is module 0's weight; a lone Linear's own state_dict has plain "weight" and "bias" (module "").
            int dot = name.LastIndexOf('.');
            string module = dot < 0 ? "" : name[..dot];
            var existing = modules.FindIndex(m => m.Item1 == module);
            if (existing < 0) modules.Add((module, new Dictionary<string, TensorRef>()));
            modules[existing < 0 ? ^1 : existing].Item2[dot < 0 ? name : name[(dot + 1)..]] = (TensorRef)value!;
        }
        return modules;
    }

    /// <summary>A state_dict key: MODULE.PARAMETER, or PARAMETER alone for the top module (a lone Linear's own state_dict).</summary>
    private static string Key(string module, string parameter) => module.Length == 0 ? parameter : $"{module}.{parameter}";

    /// <summary>A tensor's values, row-major, gathered from its storage through its offset and strides (bounds checked).</summary>
    private static double[] Values(TorchArchive archive, TensorRef tensor, string key, string path, bool bigEndian,
        Dictionary<string, double[]> storages, ref Precision? precision)
    {
        var storage = tensor.Storage;
        var tensorPrecision = storage.Type.Name switch
        {
            "FloatStorage" => Precision.Float32,
            "DoubleStorage" => Precision.Float64,
            _ => throw new InvalidDataException($"{path}: {key} is a {storage.Type} tensor; Bridge reads float32 and float64 weights (convert with .float() or .double())."),
        };
        if (precision is not null && precision != tensorPrecision)
            throw new InvalidDataException($"{path}: the weights mix float32 and float64 tensors ({key} is {tensorPrecision.Name()}).");
        precision = tensorPrecision;
        int size = tensorPrecision == Precision.Float32 ? 4 : 8;
        if (!storages.TryGetValue(storage.Key, out var all))
        {
            if (storage.ElementCount > Array.MaxLength / size)
                throw new InvalidDataException($"{path}: the storage of {key} claims {storage.ElementCount} elements (damaged file).");
            var bytes = archive.Storage(storage.Key, storage.ElementCount * size);
            all = new double[storage.ElementCount];
            for (int i = 0; i < all.Length; i++)
            {
                var item = bytes.AsSpan(i * size, size);
                if (bigEndian) item.Reverse();
                all[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(item) : BinaryPrimitives.ReadDoubleLittleEndian(item);
            }
            storages[storage.Key] = all;
        }
        long[] shape = tensor.Size, stride = tensor.Stride;
        if (stride.Length != shape.Length) throw new InvalidDataException($"{path}: {key} has {shape.Length} sizes but {stride.Length} strides (damaged file).");
        long count, last;
        try
        {
            // Checked: a crafted stride would wrap the index of the last element round to one inside the storage.
            // Offset and strides are ≥ 0 (the unpickler refuses others), so no element's index exceeds the last's.
            checked
            {
                count = shape.Aggregate(1L, (a, d) => a * d);
                last = tensor.Offset + shape.Select((d, i) => d == 0 ? 0 : (d - 1) * stride[i]).Sum();
            }
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: {key}'s sizes [{string.Join(", ", shape)}] and strides [{string.Join(", ", stride)}] from offset {tensor.Offset} put its last element past any storage: its index overflows (damaged file).");
        }
        if (count > 0 && last >= all.Length)
            throw new InvalidDataException($"{path}: {key} reaches element {last} of a storage of {all.Length} (damaged file).");
        var values = new double[count];
        if (shape.Length == 1)
            for (long i = 0; i < shape[0]; i++) values[i] = all[checked(tensor.Offset + i * stride[0])];
        else
            for (long r = 0; r < shape[0]; r++)
                for (long c = 0; c < shape[1]; c++)
                    values[r * shape[1] + c] = all[checked(tensor.Offset + r * stride[0] + c * stride[1])];
        return values;
    }

    private static byte[] Bytes(double[] values, bool single)
    {
        var bytes = new byte[values.Length * (single ? 4 : 8)];
        for (int i = 0; i < values.Length; i++)
        {
            if (single) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), (float)values[i]);
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }
        return bytes;
    }
}
