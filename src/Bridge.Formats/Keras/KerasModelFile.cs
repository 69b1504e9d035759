using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Formats;

/// <summary>
/// Keras 3's whole-model file, <c>NAME.keras</c> (<c>model.save("m.keras")</c>): a zip holding <c>config.json</c> (the
/// architecture), <c>metadata.json</c> and <c>model.weights.h5</c> (the weights, as <see cref="KerasWeightsFile"/>).
/// Bridge reads it: the config is checked against the spec layer by layer (a Dense layer's units, activation and bias;
/// InputLayer and Dropout, which change nothing at inference, are passed over; any other layer is refused), then the
/// weights are read. The optimizer's state and the compile settings in it are not carried over.
/// </summary>
public static class KerasModelFile
{
    public const string ConfigEntry = "config.json";
    public const string WeightsEntry = "model.weights.h5";

    /// <summary>The largest weight file read out of an archive (it is held in memory while it is read).</summary>
    public const long MaxWeightsBytes = 1L << 31;

    /// <summary>The largest config read: a Sequential's is a kilobyte or two per layer.</summary>
    public const long MaxConfigBytes = 16 << 20;

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Not a zip, not a Keras model, damaged, or another network.</exception>
    public static WeightSet Load(string path, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!File.Exists(path)) throw new FileNotFoundException($"No Keras model file at {path}.", path);
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a readable .keras file (a zip archive): {e.Message}", e);
        }
        using (archive)
        {
            var config = archive.GetEntry(ConfigEntry)
                ?? throw new InvalidDataException($"{path} is a zip but not a Keras model: it has no {ConfigEntry}.");
            var weights = archive.GetEntry(WeightsEntry)
                ?? throw new InvalidDataException($"{path} is a zip but not a Keras model: it has no {WeightsEntry}.");
            long length = new FileInfo(path).Length;
            CheckConfig(ReadJson(ZipRecord.Read(config, path, length, MaxConfigBytes), path), path, spec);
            var buffer = new MemoryStream(ZipRecord.Read(weights, path, length, MaxWeightsBytes), writable: false);
            return KerasWeightsFile.Read(buffer, $"{path} ({WeightsEntry})", spec);
        }
    }

    private static JsonObject ReadJson(byte[] json, string path)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                ?? throw new InvalidDataException($"{path}: {ConfigEntry} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {ConfigEntry} is not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Checks that the config describes <paramref name="spec"/>'s network: Dense layers of the same units and activations.</summary>
    private static void CheckConfig(JsonObject root, string path, ModelSpec spec)
    {
        string where = $"{ConfigEntry}";
        if (root["config"]?["layers"] is not JsonArray layers)
            throw new InvalidDataException($"{path}: {where} has no config.layers list: not a Keras Sequential or functional model.");
        int l = 0;
        foreach (var node in layers)
        {
            string kind = Text(node?["class_name"]) ?? "?";
            string layerName = Text(node?["config"]?["name"]) ?? "?";
            if (kind is "InputLayer" or "Dropout") continue;
            if (kind != "Dense")
                throw SpecFit.Mismatch(path, spec, $"its layer '{layerName}' is a {kind}; Bridge's networks are Dense layers only");
            if (l >= spec.Layers.Count)
                throw SpecFit.Mismatch(path, spec, $"its Dense layer '{layerName}' is one more than the model's {spec.Layers.Count}");
            var expected = spec.Layers[l];
            var layerConfig = node!["config"]!;
            string at = $"Dense '{layerName}' in {ConfigEntry}";
            if (layerConfig["units"] is not JsonValue unitsValue || !unitsValue.TryGetValue<int>(out int units) || units != expected.Units)
                throw SpecFit.Mismatch(path, spec, l, at, $"{expected.Units} units", $"{layerConfig["units"]?.ToJsonString() ?? "none"}");
            string activation = Text(layerConfig["activation"]) ?? layerConfig["activation"]?.ToJsonString() ?? "none";
            if (activation != expected.Activation.Name())
                throw SpecFit.Mismatch(path, spec, l, at, $"activation {expected.Activation.Name()}", activation);
            if (layerConfig["use_bias"] is JsonValue bias && bias.TryGetValue<bool>(out bool useBias) && !useBias)
                throw SpecFit.Mismatch(path, spec, l, at, "a bias", "use_bias false");
            l++;
        }
        if (l < spec.Layers.Count)
            throw SpecFit.Mismatch(path, spec, l, ConfigEntry, $"a Dense layer of {spec.Layers[l].Units} units", $"only {l} Dense layers");
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
