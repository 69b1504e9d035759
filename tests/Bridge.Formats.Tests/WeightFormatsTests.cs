using System.IO.Compression;
using System.Text.Json.Nodes;
using Bridge.Managed;
using PureHDF;

namespace Bridge.Formats.Tests;

/// <summary>
/// The dispatcher and the readers' refusals, without Python: formats chosen by ending (an unknown one lists them all),
/// exact round trips, files of another network named by their first layer that does not fit, truncated and damaged
/// files refused as such, and nothing changed — not the model, not the file on disk — when a load or save fails.
/// </summary>
public sealed class WeightFormatsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-formats-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    private static readonly ModelSpec Net = new Mlp(5, new Dense(7, Activation.Tanh), new Dense(6, Activation.Relu), new Dense(3, Activation.Softmax));

    /// <summary>The endings Bridge both writes and reads.</summary>
    public static TheoryData<string> RoundTrips => [".safetensors", ".weights.h5", ".pt"];

    [Theory]
    [InlineData("model.xyz")]
    [InlineData("model")]
    [InlineData("model.h5")]
    [InlineData("model.pkl")]
    public void An_unknown_ending_is_an_error_that_lists_every_format(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => WeightFormats.Save(Net, Shapes.Weights(Net), File(name)));
        foreach (var format in WeightFormat.All)
            foreach (string ending in format.Extensions)
                Assert.Contains(ending, e.Message);
        Assert.Contains("read and write", e.Message);
        Assert.Contains("write only", e.Message);
        if (name.EndsWith(".h5")) Assert.Contains("NAME.weights.h5", e.Message);
        Assert.Throws<ArgumentException>(() => WeightFormats.Load(File(name), Net));
        Assert.False(System.IO.File.Exists(File(name)));
    }

    [Fact]
    public void Formats_Bridge_reads_only_or_writes_only_say_so()
    {
        var e = Assert.Throws<ArgumentException>(() => WeightFormats.Save(Net, Shapes.Weights(Net), File("model.keras")));
        Assert.Contains("reads Keras model files but does not write them", e.Message);
        WeightFormats.Save(Net, Shapes.Weights(Net), File("model.onnx"));
        e = Assert.Throws<ArgumentException>(() => WeightFormats.Load(File("model.onnx"), Net));
        Assert.Contains("writes ONNX files but does not read them", e.Message);
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void Weights_come_back_bit_for_bit_in_their_precision(string ending)
    {
        foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
        {
            var spec = Net with { Precision = precision };
            var weights = Shapes.Weights(spec);
            string path = File($"net-{precision.Name()}{ending.ToUpperInvariant()}"); // endings are matched whatever their case
            WeightFormats.Save(spec, weights, path);
            var read = WeightFormats.Load(path, spec);
            Assert.Equal(precision, read.Precision);
            Assert.Equal(weights.Flatten().Select(BitConverter.DoubleToInt64Bits), read.Flatten().Select(BitConverter.DoubleToInt64Bits));
        }
        // A float32 file into a float64 model widens exactly.
        var single = Shapes.Weights(Net with { Precision = Precision.Float32 });
        using var model = ManagedBackend.Batched.Build(Net, Shapes.Weights(Net));
        model.LoadWeights(File($"net-float32{ending.ToUpperInvariant()}"));
        Assert.Equal(single.Flatten(), model.GetWeights().Flatten());
    }

    /// <summary>Networks that differ from <see cref="Net"/> in one place, and what the error must name.</summary>
    public static TheoryData<string, ModelSpec, string[]> OtherNetworks => new()
    {
        { ".safetensors", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(4, Activation.Relu), new Dense(3, Activation.Softmax)), ["dense_1", "[7, 4]", "[7, 6]"] },
        { ".weights.h5", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(4, Activation.Relu), new Dense(3, Activation.Softmax)),
            ["layer dense_1 (layers/dense_1/vars/0 in the file): expected a kernel [inputs, outputs] of shape [7, 4], found [7, 6]"] },
        { ".weights.h5", new Mlp(4, new Dense(7, Activation.Tanh), new Dense(6, Activation.Relu), new Dense(3, Activation.Softmax)),
            ["layer dense_0 (layers/dense/vars/0 in the file): expected a kernel [inputs, outputs] of shape [4, 7], found [5, 7]"] },
        { ".weights.h5", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(6, Activation.Relu), new Dense(3, Activation.Relu), new Dense(2, Activation.Softmax)),
            ["layer dense_3 (layers/dense_3 in the file): expected a Dense layer's group layers/dense_3, found Dense layers dense, dense_1, dense_2 only"] },
        { ".weights.h5", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(6, Activation.Relu)),
            ["more Dense layers than the model's 2: layers/dense_2 has no counterpart"] },
        { ".pt", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(4, Activation.Relu), new Dense(3, Activation.Softmax)),
            ["layer dense_1 (2.weight in the file): expected a Linear weight [outputs, inputs] of shape [4, 7], found [6, 7]"] },
        { ".pt", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(6, Activation.Relu), new Dense(2, Activation.Softmax)),
            ["layer dense_2 (4.weight in the file): expected a Linear weight [outputs, inputs] of shape [2, 6], found [3, 6]"] },
        { ".pt", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(6, Activation.Relu), new Dense(3, Activation.Relu), new Dense(2, Activation.Softmax)),
            ["layer dense_3 (after the file's last module): expected a Linear module of weight [2, 3], found only 3 modules with weights"] },
        { ".pt", new Mlp(5, new Dense(7, Activation.Tanh), new Dense(3, Activation.Softmax)) { Init = WeightInit.Zeros },
            ["layer dense_1 (2.weight in the file): expected a Linear weight [outputs, inputs] of shape [3, 7], found [6, 7]"] },
    };

    [Theory]
    [MemberData(nameof(OtherNetworks))]
    public void A_file_of_another_network_names_the_first_layer_that_does_not_fit_and_changes_nothing(string ending, ModelSpec other, string[] named)
    {
        string path = File("net" + ending);
        WeightFormats.Save(Net, Shapes.Weights(Net), path);
        using var model = ManagedBackend.Batched.Build(other, Shapes.Weights(other, seed: 3));
        var before = model.GetWeights().Flatten();

        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));

        Assert.Contains($"{path} does not fit {other.Describe()}", e.Message);
        foreach (string part in named) Assert.Contains(part, e.Message);
        Assert.Equal(before, model.GetWeights().Flatten());
    }

    [Theory]
    [InlineData(".safetensors")]
    [InlineData(".weights.h5")]
    [InlineData(".pt")]
    [InlineData(".keras")]
    public void Truncated_files_are_refused_as_damaged(string ending)
    {
        string whole = File("whole" + ending);
        if (ending == ".keras") KerasArchiveOf(Net, Shapes.Weights(Net), whole);
        else WeightFormats.Save(Net, Shapes.Weights(Net), whole);
        var bytes = System.IO.File.ReadAllBytes(whole);
        string cut = File("cut" + ending);
        int step = Math.Max(1, bytes.Length / 97);
        for (int length = 0; length < bytes.Length; length += step)
        {
            System.IO.File.WriteAllBytes(cut, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(cut, Net));
            Assert.Matches("truncated|damaged|not a readable|not a valid|is not a", e.Message);
        }
    }

    /// <summary>
    /// Every byte of a file flipped in turn: the load is refused as damaged, or reads the right network. In .pt and
    /// .keras files every record carries a CRC-32, so what reads is the original weights bit for bit; safetensors and
    /// HDF5 check their structure, not their values (neither format stores a checksum of them).
    /// </summary>
    [Theory]
    [InlineData(".safetensors")]
    [InlineData(".weights.h5")]
    [InlineData(".pt")]
    [InlineData(".keras")]
    public void Damaged_files_are_refused_or_read_right_never_anything_else(string ending)
    {
        var weights = Shapes.Weights(Net);
        string whole = File("whole" + ending);
        if (ending == ".keras") KerasArchiveOf(Net, weights, whole);
        else WeightFormats.Save(Net, weights, whole);
        var bytes = System.IO.File.ReadAllBytes(whole);
        string damaged = File("damaged" + ending);
        bool checksummed = ending is ".pt" or ".keras";
        int refused = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0xff;
            System.IO.File.WriteAllBytes(damaged, bytes);
            bytes[i] ^= 0xff;
            try
            {
                var read = WeightFormats.Load(damaged, Net);
                read.EnsureMatches(Net);
                if (checksummed) Assert.True(weights.Flatten().SequenceEqual(read.Flatten()), $"byte {i} flipped: read other weights without a word");
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }
        Assert.True(refused > 0);
    }

    [Fact]
    public void A_Keras_file_with_other_layers_or_without_biases_is_refused_naming_them()
    {
        var weights = Shapes.Weights(Net);
        string path = File("odd.weights.h5");
        var layers = new H5Group();
        for (int l = 0; l < 3; l++)
            layers[l == 0 ? "dense" : $"dense_{l}"] = new H5Group
            {
                ["vars"] = new H5Group
                {
                    ["0"] = new H5Dataset(weights[l].Kernel, fileDims: [(ulong)weights[l].Inputs, (ulong)weights[l].Outputs]),
                    ["1"] = new H5Dataset(weights[l].Bias, fileDims: [(ulong)weights[l].Outputs]),
                },
            };
        // Weightless layers (a Dropout) are passed over; a layer with weights that is not Dense is not.
        layers["dropout"] = new H5Group { ["vars"] = new H5Group() };
        layers["batch_normalization"] = new H5Group { ["vars"] = new H5Group { ["0"] = new H5Dataset(new double[7], fileDims: [7]) } };
        WriteH5(path, layers);
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Net));
        Assert.Contains("layers/batch_normalization holds weights of a layer that is not Dense", e.Message);

        layers.Remove("batch_normalization");
        WriteH5(path, layers);
        Assert.Equal(weights.Flatten(), WeightFormats.Load(path, Net).Flatten());

        ((H5Group)((H5Group)layers["dense_1"])["vars"]).Remove("1");
        WriteH5(path, layers);
        e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Net));
        Assert.Contains("layer dense_1 (layers/dense_1 in the file): expected vars/0 (kernel) and vars/1 (bias), found vars 0 (a Dense layer without a bias?)", e.Message);

        System.IO.File.WriteAllText(path, "not HDF5 at all");
        e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Net));
        Assert.Contains("not a readable HDF5 file", e.Message);
    }

    [Fact]
    public void A_Keras_model_file_is_checked_against_the_spec_layer_by_layer()
    {
        string path = File("net.keras");
        KerasArchiveOf(Net, Shapes.Weights(Net), path);
        Assert.Equal(Shapes.Weights(Net).Flatten(), WeightFormats.Load(path, Net).Flatten());

        var otherActivation = new Mlp(5, new Dense(7, Activation.Tanh), new Dense(6, Activation.Sigmoid), new Dense(3, Activation.Softmax));
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, otherActivation));
        Assert.Contains("layer dense_1 (Dense 'dense_1' in config.json): expected activation sigmoid, found relu", e.Message);

        KerasArchiveOf(Net, Shapes.Weights(Net), path, extraLayer: new JsonObject { ["class_name"] = "BatchNormalization", ["config"] = new JsonObject { ["name"] = "batch_normalization" } });
        e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Net));
        Assert.Contains("its layer 'batch_normalization' is a BatchNormalization; Bridge's networks are Dense layers only", e.Message);

        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update)) zip.GetEntry("config.json")!.Delete();
        e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Net));
        Assert.Contains("has no config.json", e.Message);
    }

    [Theory]
    [InlineData(".safetensors")]
    [InlineData(".onnx")]
    [InlineData(".weights.h5")]
    [InlineData(".pt")]
    public void A_save_that_fails_leaves_the_old_file_as_it_was(string ending)
    {
        string path = File("kept" + ending);
        WeightFormats.Save(Net, Shapes.Weights(Net), path);
        var before = System.IO.File.ReadAllBytes(path);
        var other = new Mlp(5, new Dense(4, Activation.Tanh), new Dense(6, Activation.Relu), new Dense(3, Activation.Softmax));

        var e = Assert.Throws<ArgumentException>(() => WeightFormats.Save(Net, Shapes.Weights(other), path));

        Assert.Contains("Layer dense_0: the model expects a [5, 7] kernel, the weights have [5, 4]", e.Message);
        Assert.Equal(before, System.IO.File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_missing_file_is_said_to_be_missing()
    {
        foreach (string ending in new[] { ".safetensors", ".weights.h5", ".keras", ".pt" })
        {
            var e = Assert.Throws<FileNotFoundException>(() => WeightFormats.Load(File("absent" + ending), Net));
            Assert.Contains("absent" + ending, e.Message);
        }
    }

    private static void WriteH5(string path, H5Group layers)
    {
        var file = new H5File { ["layers"] = layers, ["optimizer"] = new H5Group { ["vars"] = new H5Group() }, ["vars"] = new H5Group() };
        file.Write(path);
    }

    /// <summary>A .keras archive as Keras 3 lays it out: config.json (Sequential of InputLayer and Dense layers), metadata.json, model.weights.h5.</summary>
    private void KerasArchiveOf(ModelSpec spec, WeightSet weights, string path, JsonObject? extraLayer = null)
    {
        string h5 = File("inner.weights.h5");
        KerasWeightsFile.Save(weights, h5);
        var layers = new JsonArray(new JsonObject { ["class_name"] = "InputLayer", ["config"] = new JsonObject { ["name"] = "input_layer" } });
        for (int i = 0; i < spec.Layers.Count; i++)
            layers.Add(new JsonObject
            {
                ["class_name"] = "Dense",
                ["config"] = new JsonObject
                {
                    ["name"] = i == 0 ? "dense" : $"dense_{i}",
                    ["units"] = spec.Layers[i].Units,
                    ["activation"] = spec.Layers[i].Activation.Name(),
                    ["use_bias"] = true,
                },
            });
        if (extraLayer is not null) layers.Add(extraLayer);
        var config = new JsonObject { ["class_name"] = "Sequential", ["config"] = new JsonObject { ["name"] = "sequential", ["layers"] = layers } };
        if (System.IO.File.Exists(path)) System.IO.File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("config.json").Open())) writer.Write(config.ToJsonString());
        using (var writer = new StreamWriter(zip.CreateEntry("metadata.json").Open())) writer.Write("""{"keras_version": "3.3.3"}""");
        zip.CreateEntryFromFile(h5, "model.weights.h5");
    }
}
