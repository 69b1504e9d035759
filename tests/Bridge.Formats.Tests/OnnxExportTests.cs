using System.Text.Json.Nodes;
using Bridge.Managed;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Bridge.Formats.Tests;

/// <summary>
/// Every network Bridge builds, exported to ONNX and run by Microsoft's ONNX Runtime, gives the managed engine's
/// outputs (norm-wise relative error, <see cref="Agreement"/>): within 1e-6 in float32 and 1e-12 in float64. onnx's own
/// checker (Debian's python3-onnx) accepts every file.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Shapes => Tests.Shapes.Names;

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Onnx_runtime_gives_the_managed_engines_outputs(string shape)
    {
        var spec = Tests.Shapes.All[shape];
        using var model = ManagedBackend.Batched.Build(spec, Tests.Shapes.Weights(spec));
        string path = Path.Combine(_folder, "net.onnx");
        model.SaveOnnx(path);
        var x = Tests.Shapes.Inputs(spec);

        var outputs = Run(path, spec, x);

        double tolerance = spec.Precision == Precision.Float32 ? 1e-6 : 1e-12;
        double error = Agreement.RelativeError(outputs[OnnxExport.OutputName], model.Forward(x));
        output.WriteLine($"{shape}: output relative error {error:G3}");
        Assert.True(error <= tolerance, $"{shape}: ONNX Runtime's output is {error:G3} from the managed engine's (tolerance {tolerance:G1}).");
        if (spec is Autoencoder)
        {
            double codeError = Agreement.RelativeError(outputs[OnnxExport.CodeName], model.Encode(x));
            output.WriteLine($"{shape}: code relative error {codeError:G3}");
            Assert.True(codeError <= tolerance, $"{shape}: the exported code is {codeError:G3} from Encode's (tolerance {tolerance:G1}).");
        }
    }

    [Fact]
    public void The_files_name_their_network_and_run_any_number_of_rows()
    {
        var spec = Tests.Shapes.All["harness 2-8tanh-3sigmoid float64"];
        string path = Path.Combine(_folder, "net.onnx");
        using var model = ManagedBackend.Batched.Build(spec, Tests.Shapes.Weights(spec));
        model.SaveOnnx(path, new Dictionary<string, string> { ["trained on"] = "moons" });

        using var session = new InferenceSession(path);
        Assert.Equal(spec.Describe(), session.ModelMetadata.CustomMetadataMap["bridge.spec"]);
        Assert.Equal("moons", session.ModelMetadata.CustomMetadataMap["trained on"]);
        Assert.Equal([-1, 2], session.InputMetadata[OnnxExport.InputName].Dimensions);
        foreach (int rows in new[] { 1, 300 })
        {
            var x = Tests.Shapes.Inputs(spec, rows);
            Assert.True(Agreement.RelativeError(Run(path, spec, x)[OnnxExport.OutputName], model.Forward(x)) <= 1e-12);
        }
    }

    [SkippableFact]
    public void Onnx_checker_accepts_every_file()
    {
        OtherSide.RequireOnnx();
        var files = new JsonArray();
        foreach (var (shape, spec) in Tests.Shapes.All)
        {
            string path = Path.Combine(_folder, $"{shape.Replace(' ', '_')}.onnx");
            OnnxExport.Save(spec, Tests.Shapes.Weights(spec), path);
            files.Add(path);
        }
        // A control the checker must refuse, so a checker that checked nothing could not pass this test.
        var broken = OnnxExport.Build(Tests.Shapes.All["xor 2-4sigmoid-1sigmoid float64"], Tests.Shapes.Weights(Tests.Shapes.All["xor 2-4sigmoid-1sigmoid float64"]));
        broken.Graph.Node[1].OpType = "Sigmod";
        string control = Path.Combine(_folder, "control.onnx");
        using (var stream = File.Create(control)) broken.WriteTo(stream);
        files.Add(control);
        var answer = OtherSide.Ask("onnx_check.py", new JsonObject { ["files"] = files }, _folder);
        output.WriteLine($"onnx {answer["onnx"]}: {files.Count} files");
        var results = answer["results"]!.AsObject();
        Assert.Contains("Sigmod", results[control]!.GetValue<string>());
        results.Remove(control);
        var refused = results.Where(r => r.Value!.GetValue<string>() != "ok").ToList();
        Assert.True(refused.Count == 0, string.Join("\n", refused.Select(r => $"{r.Key}: {r.Value}")));
        Assert.Equal(files.Count - 1, results.Count);
    }

    /// <summary>Runs the file in ONNX Runtime; returns every graph output.</summary>
    private static Dictionary<string, Matrix> Run(string path, ModelSpec spec, Matrix x)
    {
        using var session = new InferenceSession(path);
        NamedOnnxValue input = spec.Precision == Precision.Float32
            ? NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<float>(Array.ConvertAll(x.Data, v => (float)v), [x.Rows, x.Cols]))
            : NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<double>((double[])x.Data.Clone(), [x.Rows, x.Cols]));
        using var results = session.Run([input]);
        var outputs = new Dictionary<string, Matrix>();
        foreach (var result in results)
        {
            double[] values = spec.Precision == Precision.Float32
                ? Array.ConvertAll(result.AsTensor<float>().ToArray(), v => (double)v)
                : result.AsTensor<double>().ToArray();
            outputs[result.Name] = new Matrix(x.Rows, values.Length / x.Rows, values);
        }
        return outputs;
    }
}
