using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Formats;

/// <summary>
/// The safetensors format, read and written here: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// mapping each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets into the data that follows)
/// plus an optional "__metadata__" object of strings, then the tensors' raw little-endian bytes, in order, without gaps.
/// Python reads it with the safetensors package, or with numpy alone:
/// <code>
/// n = int.from_bytes(f.read(8), "little"); header = json.loads(f.read(n)); data = f.read()
/// w = np.frombuffer(data[b:e], dtype="&lt;f8").reshape(shape)   # b, e = header[name]["data_offsets"]
/// </code>
/// Bridge writes F32 and F64 tensors and refuses anything else on reading. Reading checks every length and offset
/// against the file's size before allocating, so a hostile file cannot make it allocate more than the file holds.
/// </summary>
public static class Safetensors
{
    /// <summary>The largest header accepted (the safetensors specification's own limit).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Writes the tensors (in the given order) and metadata to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata) meta[key] = value;
            header[MetadataKey] = meta;
        }
        long offset = 0;
        var names = new HashSet<string>();
        foreach (var tensor in tensors)
        {
            if (!names.Add(tensor.Name)) throw new ArgumentException($"Tensor '{tensor.Name}' appears twice.");
            if (tensor.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for metadata.");
            if (tensor.ElementCount != tensor.Values.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}' of shape [{string.Join(", ", tensor.Shape)}] needs {tensor.ElementCount} values, has {tensor.Values.Length}.");
            long bytes = tensor.Values.Length * (long)ItemSize(tensor.DType);
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = DTypeName(tensor.DType),
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The data starts 8-byte aligned: pad the header with spaces, as the reference implementation does.
        int padding = (8 - json.Length % 8) % 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.Length + padding));
        stream.Write(length);
        stream.Write(json);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        var buffer = new byte[8192];
        foreach (var tensor in tensors)
        {
            int size = ItemSize(tensor.DType);
            int perBuffer = buffer.Length / size;
            for (int start = 0; start < tensor.Values.Length; start += perBuffer)
            {
                int count = Math.Min(perBuffer, tensor.Values.Length - start);
                for (int k = 0; k < count; k++)
                {
                    if (tensor.DType == Precision.Float32)
                        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(k * 4), (float)tensor.Values[start + k]);
                    else
                        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(k * 8), tensor.Values[start + k]);
                }
                stream.Write(buffer, 0, count * size);
            }
        }
    }

    /// <summary>What a safetensors file holds.</summary>
    public sealed record Contents(IReadOnlyDictionary<string, NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads a safetensors file, refusing anything malformed with an <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static Contents Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at {path}.", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, path);
    }

    /// <summary>Reads from a seekable stream; <paramref name="name"/> is used in error messages.</summary>
    public static Contents Read(Stream stream, string name)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw Corrupt(name, $"it is {fileLength} bytes long, shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw Corrupt(name, $"its header claims {headerLength} bytes, more than the {MaxHeaderBytes} allowed");
        if ((long)headerLength > fileLength - 8) throw Corrupt(name, $"its header claims {headerLength} bytes but only {fileLength - 8} follow");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        try
        {
            // Strict decoding first: JSON text with invalid UTF-8 inside strings would otherwise fail later, untidily.
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt(name, "its header is not valid UTF-8");
        }
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) as JsonObject
                ?? throw Corrupt(name, "its header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Corrupt(name, $"its header is not valid JSON ({e.Message})");
        }

        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, Precision DType, int[] Shape, long Begin, long End)>();
        foreach (var (key, node) in header)
        {
            if (key == MetadataKey)
            {
                if (node is not JsonObject meta) throw Corrupt(name, "__metadata__ is not an object");
                foreach (var (mk, mv) in meta)
                {
                    if (mv is not JsonValue value || !value.TryGetValue<string>(out var text))
                        throw Corrupt(name, $"metadata '{mk}' is not a string");
                    metadata[mk] = text;
                }
                continue;
            }
            entries.Add(Entry(name, key, node));
        }

        // The data must be covered exactly: sorted by offset, each tensor starts where the last ended, the last ends at the file's end.
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin != expected)
                throw Corrupt(name, $"tensor '{entry.Name}' starts at data offset {entry.Begin}, expected {expected} (overlapping or gapped offsets)");
            expected = entry.End;
        }
        if (expected != dataLength)
            throw Corrupt(name, $"the tensors cover {expected} bytes of data but the file holds {dataLength} (truncated or padded)");

        var tensors = new Dictionary<string, NamedTensor>();
        var buffer = new byte[8192];
        foreach (var entry in entries)
        {
            int size = ItemSize(entry.DType);
            var values = new double[(entry.End - entry.Begin) / size];
            stream.Position = dataStart + entry.Begin;
            int filled = 0;
            while (filled < values.Length)
            {
                int count = Math.Min(buffer.Length / size, values.Length - filled);
                stream.ReadExactly(buffer, 0, count * size);
                for (int k = 0; k < count; k++)
                    values[filled + k] = entry.DType == Precision.Float32
                        ? BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(k * 4))
                        : BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(k * 8));
                filled += count;
            }
            tensors[entry.Name] = new NamedTensor(entry.Name, entry.DType, entry.Shape, values);
        }
        return new Contents(tensors, metadata);
    }

    private static (string, Precision, int[], long, long) Entry(string file, string tensor, JsonNode? node)
    {
        if (node is not JsonObject entry) throw Corrupt(file, $"tensor '{tensor}' is not described by an object");
        string dtypeName = entry["dtype"] is JsonValue d && d.TryGetValue<string>(out var s) ? s
            : throw Corrupt(file, $"tensor '{tensor}' has no dtype");
        Precision dtype = dtypeName switch
        {
            "F32" => Precision.Float32,
            "F64" => Precision.Float64,
            _ => throw Corrupt(file, $"tensor '{tensor}' has dtype {dtypeName}; Bridge reads F32 and F64 weights only"),
        };
        if (entry["shape"] is not JsonArray shapeArray) throw Corrupt(file, $"tensor '{tensor}' has no shape");
        if (shapeArray.Count > 8) throw Corrupt(file, $"tensor '{tensor}' has {shapeArray.Count} dimensions");
        var shape = new int[shapeArray.Count];
        long elements = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeArray[i] is not JsonValue v || !v.TryGetValue<long>(out long dim) || dim < 0 || dim > int.MaxValue)
                throw Corrupt(file, $"tensor '{tensor}' has an invalid dimension {shapeArray[i]?.ToJsonString() ?? "null"}");
            shape[i] = (int)dim;
            elements *= dim; // both factors are at most 2^31, so the product fits in a long
            if (elements > int.MaxValue) throw Corrupt(file, $"tensor '{tensor}' has more than {int.MaxValue} elements");
        }
        if (entry["data_offsets"] is not JsonArray offsets || offsets.Count != 2
            || offsets[0] is not JsonValue b || !b.TryGetValue<long>(out long begin)
            || offsets[1] is not JsonValue e || !e.TryGetValue<long>(out long end) || begin < 0 || end < begin)
            throw Corrupt(file, $"tensor '{tensor}' has invalid data_offsets");
        if ((end - begin) != elements * ItemSize(dtype))
            throw Corrupt(file, $"tensor '{tensor}' of shape [{string.Join(", ", shape)}] and dtype {dtypeName} needs {elements * ItemSize(dtype)} bytes, its offsets span {end - begin}");
        return (tensor, dtype, shape, begin, end);
    }

    private static int ItemSize(Precision dtype) => dtype == Precision.Float32 ? 4 : 8;

    private static string DTypeName(Precision dtype) => dtype == Precision.Float32 ? "F32" : "F64";

    private static InvalidDataException Corrupt(string file, string problem) =>
        new($"{file} is not a valid safetensors weight file: {problem}.");
}
