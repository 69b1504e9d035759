using System.Buffers.Binary;
using System.Reflection;
using Google.Protobuf;
using Onnx;

namespace Bridge.Formats;

/// <summary>
/// A Bridge network as an ONNX model that ONNX Runtime (or any ONNX reader) runs: one graph input <c>input</c>
/// [batch, inputs], per layer a <c>Gemm</c> (Y = X·W + b, with W Bridge's own [inputs, outputs] kernel, so nothing is
/// transposed) followed by its activation (<c>Sigmoid</c>, <c>Tanh</c>, <c>Relu</c>, <c>Softmax</c> over the nodes, none
/// for linear), and the graph output <c>output</c> [batch, outputs]. An autoencoder also outputs its <c>code</c> (the last
/// encoder layer). Tensors are float or double as the spec's precision. The messages are OnnxSharp's classes,
/// generated from onnx.proto, written by Google's protobuf serializer.
/// </summary>
public static class OnnxExport
{
    /// <summary>
    /// Operator set 13: the first where Softmax normalises over one axis (the last) rather than over everything after
    /// it, which is the layer's meaning; Gemm, Sigmoid, Tanh and Relu take float and double there.
    /// </summary>
    public const long OpsetVersion = 13;

    /// <summary>IR version 7, the one released with operator set 13: every reader of that set accepts it.</summary>
    public const long IrVersion = 7;

    public const string InputName = "input";
    public const string OutputName = "output";

    /// <summary>An autoencoder's second output: the code, the last encoder layer's output.</summary>
    public const string CodeName = "code";

    /// <summary>Writes the model to <paramref name="path"/> (atomically).</summary>
    /// <param name="metadata">Extra key/value text stored in the model's metadata_props.</param>
    public static void Save(ModelSpec spec, WeightSet weights, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = Build(spec, weights, metadata);
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>The ONNX model of <paramref name="spec"/> with <paramref name="weights"/>.</summary>
    /// <exception cref="ArgumentException">The spec is invalid or the weights do not fit it.</exception>
    public static ModelProto Build(ModelSpec spec, WeightSet weights, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        spec.Validate();
        weights.EnsureMatches(spec);
        var elementType = spec.Precision == Precision.Float32 ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Double;
        var graph = new GraphProto
        {
            Name = spec.Kind,
            DocString = spec.Describe(),
        };
        graph.Input.Add(Value(InputName, elementType, spec.Inputs));

        string current = InputName;
        int codeLayer = spec is Autoencoder ae ? ae.Encoder.Count - 1 : -1;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            var layer = weights.Layers[l];
            string name = WeightSet.LayerName(l);
            string kernel = $"{name}.kernel", bias = $"{name}.bias";
            graph.Initializer.Add(Tensor(kernel, elementType, [layer.Inputs, layer.Outputs], layer.Kernel));
            graph.Initializer.Add(Tensor(bias, elementType, [layer.Outputs], layer.Bias));

            // The layer's output o is named after the layer; the last one (and an autoencoder's code) after the graph's outputs.
            string output = l == spec.Layers.Count - 1 ? OutputName : l == codeLayer ? CodeName : name;
            var activation = spec.Layers[l].Activation;
            string net = activation == Activation.Linear ? output : $"{name}.net";
            graph.Node.Add(Node("Gemm", $"{name}.gemm", [current, kernel, bias], net));
            if (activation != Activation.Linear)
            {
                var node = Node(OperatorOf(activation), $"{name}.{activation.Name()}", [net], output);
                // Softmax over each sample's nodes (axis 1 of [batch, nodes]), stated rather than left to the default.
                if (activation == Activation.Softmax) node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                graph.Node.Add(node);
            }
            current = output;
        }
        graph.Output.Add(Value(OutputName, elementType, spec.Outputs));
        if (codeLayer >= 0) graph.Output.Add(Value(CodeName, elementType, spec.Layers[codeLayer].Units));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Bridge",
            ProducerVersion = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = spec.Describe(),
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "bridge.spec", Value = spec.Describe() });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            if (key != "bridge.spec") model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static string OperatorOf(Activation activation) => activation switch
    {
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        Activation.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Linear layers have no activation node."),
    };

    private static NodeProto Node(string operation, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = operation, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>A [batch, width] tensor value; the batch dimension is named, so any number of rows runs.</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType elementType, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }

    /// <summary>A constant tensor; raw_data holds the values little-endian, as ONNX defines it on every platform.</summary>
    private static TensorProto Tensor(string name, TensorProto.Types.DataType elementType, long[] dims, double[] values)
    {
        bool single = elementType == TensorProto.Types.DataType.Float;
        var bytes = new byte[values.Length * (single ? 4 : 8)];
        for (int i = 0; i < values.Length; i++)
        {
            if (single) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), (float)values[i]);
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }
        var tensor = new TensorProto { Name = name, DataType = (int)elementType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
