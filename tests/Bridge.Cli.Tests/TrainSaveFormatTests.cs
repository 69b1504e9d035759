using Bridge.Comparison;
using Bridge.Formats;
using Onnx;
using Spectre.Console.Testing;

namespace Bridge.Cli.Tests;

/// <summary>
/// <c>bridge-nn train --save FILE</c> writes the format FILE's ending names — the same trained weights in each — and
/// refuses an ending it cannot write before training starts.
/// </summary>
public sealed class TrainSaveFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-train-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly CompareSettings Digits = new() { Data = "digits", Layers = "64,16,10", Optimizer = "adam", LearningRate = 0.01, Epochs = 2, BatchSize = 32 };

    private (int Code, string Output) Train(string saveAs)
    {
        var console = new TestConsole().Width(400);
        int code = TrainCommand.Run(Digits, "managed", Path.Combine(_folder, saveAs), null, 1, false, console);
        return (code, console.Output);
    }

    [Fact]
    public void Each_ending_gets_its_format_holding_the_same_trained_weights()
    {
        foreach (string name in new[] { "net.safetensors", "net.onnx", "net.weights.h5", "net.pt" })
        {
            var (code, output) = Train(name);
            Assert.True(code == ExitCodes.Agree, output);
            Assert.Contains(name, output);
        }
        var spec = PlanBuilder.Build(Digits, (name, seed) => Datasets.Load(name, seed)).Spec;
        var trained = WeightFile.Load(Path.Combine(_folder, "net.safetensors"), spec);
        // The managed engine trains to the same bits every run, so every file must hold exactly these weights.
        foreach (string name in new[] { "net.weights.h5", "net.pt" })
            Assert.Equal(trained.Flatten(), WeightFormats.Load(Path.Combine(_folder, name), spec).Flatten());

        var onnx = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(_folder, "net.onnx")));
        Assert.Equal(spec.Describe(), onnx.MetadataProps.Single(p => p.Key == "bridge.spec").Value);
        Assert.Equal(["Gemm", "Tanh", "Gemm", "Softmax"], onnx.Graph.Node.Select(n => n.OpType));
        var kernel = onnx.Graph.Initializer.Single(t => t.Name == "dense_1.kernel");
        Assert.Equal([16L, 10L], kernel.Dims);
        var values = new double[kernel.RawData.Length / 8];
        Buffer.BlockCopy(kernel.RawData.ToByteArray(), 0, values, 0, kernel.RawData.Length);
        Assert.Equal(trained[1].Kernel, values);
    }

    [Theory]
    [InlineData("model.xyz", "does not know this file ending")]
    [InlineData("model.h5", "NAME.weights.h5")]
    [InlineData("model.keras", "reads Keras model files but does not write them")]
    public void An_ending_it_cannot_write_is_refused_before_training(string name, string reason)
    {
        var (code, output) = Train(name);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains(reason, output);
        Assert.Contains(".safetensors", output);
        Assert.Contains(".onnx", output);
        Assert.Contains(".weights.h5", output);
        Assert.Contains(".pt", output);
        Assert.DoesNotContain("epoch", output);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_file_that_cannot_be_written_is_reported_with_its_reason_not_thrown()
    {
        // A folder where a file stands: the save fails after training, as a full disk or a read-only folder would.
        File.WriteAllText(Path.Combine(_folder, "taken"), "");
        var (code, output) = Train(Path.Combine("taken", "net.safetensors"));
        Assert.Equal(ExitCodes.Disagree, code);
        Assert.Contains("train:", output);
        Assert.Contains("taken", output);
        Assert.Contains("test set accuracy", output);
    }
}
