using System.Text.Json.Nodes;
using Bridge.Managed;
using Xunit.Abstractions;

namespace Bridge.Formats.Tests;

/// <summary>
/// PyTorch state_dicts both ways, against Debian's python3-torch in a Python process of its own: state_dicts that
/// torch trained and saved (a Sequential's, one with named modules, a lone Linear's, one inside a checkpoint dict with its optimizer's
/// state, one of non-contiguous tensors) read into Bridge give torch's outputs; Bridge's .pt files read by
/// <c>torch.load(weights_only=True)</c> into the equivalent nn.Sequential (<c>load_state_dict(strict=True)</c>) give the
/// managed engine's outputs. Norm-wise relative error within 1e-12 in float64 and 1e-6 in float32. A malicious
/// pickle that torch.load runs is refused by Bridge without running.
/// </summary>
public sealed class PyTorchStateDictTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-torch-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Variants = ["sequential", "named", "checkpoint", "strided"];

    [SkippableFact]
    public void State_dicts_torch_saved_give_torchs_outputs_in_Bridge()
    {
        OtherSide.RequireTorch();
        var cases = new JsonArray();
        foreach (string name in Shapes.Representative)
            foreach (string variant in Shapes.All[name].Layers.Count == 1 ? [.. Variants, "lone"] : Variants)
            {
                var spec = Shapes.All[name];
                var request = OtherSide.Describe(spec);
                request["name"] = $"{name} {variant}";
                request["variant"] = variant;
                request["x"] = OtherSide.Rows(Shapes.Inputs(spec));
                request["path"] = Path.Combine(_folder, $"{name.Replace(' ', '_')}-{variant}.pt");
                cases.Add(request);
            }
        var answer = OtherSide.Ask("torch_side.py", new JsonObject { ["mode"] = "save", ["cases"] = cases }, _folder);
        output.WriteLine($"torch {answer["torch"]}");

        foreach (var request in cases)
        {
            string name = request!["name"]!.GetValue<string>(), path = request["path"]!.GetValue<string>();
            var spec = Shapes.All[string.Join(' ', name.Split(' ')[..^1])];
            var weights = WeightFormats.Load(path, spec);
            Assert.Equal(spec.Precision, weights.Precision);
            using var model = ManagedBackend.Batched.Build(spec, weights);
            double error = Agreement.RelativeError(model.Forward(Shapes.Inputs(spec)), OtherSide.Matrix(answer["cases"]![name]!["y"]!));
            output.WriteLine($"{name}: relative error {error:G3}");
            Assert.True(error <= OtherSide.Tolerance(spec), $"{name}: Bridge's outputs with torch's {path} are {error:G3} from torch's (tolerance {OtherSide.Tolerance(spec):G1}).");
        }

        // A state_dict of another network: the first layer that does not fit is named, in torch's layout.
        string digits = cases.Select(c => c!["path"]!.GetValue<string>()).First(p => p.Contains("digits") && p.EndsWith("-sequential.pt"));
        var other = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(8, Activation.Softmax));
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(digits, other));
        Assert.Contains("layer dense_1 (2.weight in the file): expected a Linear weight [outputs, inputs] of shape [8, 32], found [10, 32]", e.Message);
    }

    [SkippableFact]
    public void Bridges_state_dicts_load_into_torchs_Sequential_and_give_Bridges_outputs()
    {
        OtherSide.RequireTorch();
        var (answer, errors) = OtherSide.PredictFromBridgesFiles(_folder, ".pt", "torch_side.py", "load", "path");
        output.WriteLine($"torch {answer["torch"]}");
        foreach (var (name, error) in errors)
        {
            var spec = Shapes.All[name];
            output.WriteLine($"{name}: relative error {error:G3}");
            Assert.True(error <= OtherSide.Tolerance(spec), $"{name}: torch's outputs with Bridge's file are {error:G3} from Bridge's (tolerance {OtherSide.Tolerance(spec):G1}).");
        }
    }

    [SkippableFact]
    public void A_malicious_pickle_that_torch_runs_is_refused_without_running()
    {
        OtherSide.RequireTorch();
        string file = Path.Combine(_folder, "evil.pt"), marker = Path.Combine(_folder, "ran");
        var request = new JsonObject { ["name"] = "evil", ["path"] = file, ["marker"] = marker };
        OtherSide.Ask("torch_side.py", new JsonObject { ["mode"] = "evil", ["cases"] = new JsonArray(request.DeepClone()) }, _folder);
        Assert.False(File.Exists(marker));

        var spec = new Perceptron(1);
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(file, spec));
        Assert.Contains("refused without running anything", e.Message);
        Assert.Contains("posix.system", e.Message);
        Assert.False(File.Exists(marker), "Bridge ran the pickle's command.");
        using (var model = ManagedBackend.Batched.Build(spec, Shapes.Weights(spec)))
        {
            var before = model.GetWeights().Flatten();
            Assert.Throws<InvalidDataException>(() => model.LoadWeights(file));
            Assert.Equal(before, model.GetWeights().Flatten());
        }

        // The control: torch's own unpickler runs the very same file.
        OtherSide.Ask("torch_side.py", new JsonObject { ["mode"] = "run-evil", ["cases"] = new JsonArray(request.DeepClone()) }, _folder);
        Assert.True(File.Exists(marker), "torch.load did not run the pickle: the file is not the exploit this test means.");
    }
}
