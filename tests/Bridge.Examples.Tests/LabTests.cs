using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Plots;

namespace Bridge.Examples.Tests;

/// <summary>
/// Every lab runs, small (BRIDGE_QUICK=1), exits 0 and writes each picture it promises as a PNG that decodes and is not
/// blank. Labs that need something this machine lacks are skipped, naming it.
/// </summary>
public sealed class LabTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("bridge-labs-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    public static TheoryData<string, string[]> Labs => new()
    {
        { "perceptron", ["gates"] },
        { "backprop-by-hand", ["gradients"] },
        { "xor", ["boundary", "loss"] },
        { "digits", ["confusion", "misread", "first-layer", "accuracy"] },
        { "autoencoder-2d", ["digits"] },
        { "denoising", ["error", "grid"] },
        { "pretraining", ["accuracy"] },
        { "explore-keras", ["loss"] },
        { "sklearn-mlp", ["loss"] },
    };

    [SkippableTheory]
    [MemberData(nameof(Labs))]
    public void The_lab_runs_and_draws_what_it_promises(string lab, string[] pictures)
    {
        var sklearn = BackendCatalog.Get("sklearn");
        Skip.If(lab == "sklearn-mlp" && !sklearn.Availability.IsAvailable, sklearn.Availability.Detail);

        var run = LabRun.Start(lab, "--out", _out);

        Assert.True(run.ExitCode == 0, $"{lab} exited {run.ExitCode}:\n{run.Output}");
        var expected = pictures.ToList();
        if (lab == "autoencoder-2d" && FashionMnist.IsAvailable) expected.Add("fashion-mnist");
        foreach (string picture in expected)
        {
            string path = Path.Combine(_out, $"{lab}-{picture}.png");
            var png = PngInspection.Of(path);
            Assert.True(png.LooksDrawn, $"{path} looks blank: {png}");
            Assert.True(png.Width >= 300 && png.Height >= 300, $"{path} is {png.Width}×{png.Height}");
        }
        Assert.Contains("Pictures:", run.Output);
        if (lab == "autoencoder-2d") AssertAQuickRunSaysWhatItsNumbersMean(run.Output);
    }

    /// <summary>
    /// A quick autoencoder run is too short to learn a good code: it may reverse the lesson (PCA ahead), and then it
    /// must say so in words rather than print the reversed numbers silently.
    /// </summary>
    private static void AssertAQuickRunSaysWhatItsNumbersMean(string output)
    {
        Assert.Contains("these are not the lesson's numbers", output);
        var verdicts = output.Split('\n').Where(l => l.Contains("keep the classes apart better", StringComparison.Ordinal)
                                                   || l.Contains("keeps the classes apart better", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(verdicts);
        if (verdicts.Any(v => v.Contains("the opposite of the lesson", StringComparison.Ordinal)))
            Assert.Contains("These numbers are not the lesson's", output);
    }

    [Fact]
    public void The_perceptron_learns_the_linear_gates_and_not_xor()
    {
        var run = LabRun.Start("perceptron", "--out", _out);
        Assert.True(run.ExitCode == 0, run.Output);
        // AND, OR and NAND: every point right; XOR: a line gets at most three of four.
        Assert.Equal(3, CountOf(run.Output, "4 of 4 right."));
        Assert.Contains("Best accuracy over 20 starts: 75 %", run.Output);
    }

    [Fact]
    public void Another_backend_is_chosen_with_backend_and_an_unknown_one_is_named()
    {
        var torch = LabRun.Start("xor", "--backend", "torch", "--out", _out);
        Assert.True(torch.ExitCode == 0, torch.Output);
        Assert.Contains("on torch", torch.Output);
        Assert.Contains("accuracy 100 %", torch.Output);

        var unknown = LabRun.Start("xor", "--backend", "tensorflow", "--out", _out);
        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("Unknown backend 'tensorflow'", unknown.Output);

        var badOption = LabRun.Start("xor", "--epochs", "5");
        Assert.Equal(2, badOption.ExitCode);
        Assert.Contains("Unknown option '--epochs'", badOption.Output);

        var notItsOption = LabRun.Start("explore-keras", "--backend", "torch");
        Assert.Equal(2, notItsOption.ExitCode);
        Assert.Contains("takes no --backend", notItsOption.Output);
    }

    [Fact]
    public void A_backend_that_cannot_run_here_says_why_and_how_to_fix_it()
    {
        // Debian's Python without the keras folder on its path: Python runs, keras does not import.
        var withoutKeras = new Dictionary<string, string> { ["PYTHONPATH"] = "", ["BRIDGE_PYTHON"] = "/usr/bin/python3" };
        var run = LabRun.StartWith(withoutKeras, "xor", "--backend", "keras", "--out", _out);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("environment.yml", run.Output);
    }

    [Fact]
    public void The_examples_readme_lists_every_lab()
    {
        string readme = File.ReadAllText(Path.Combine(LabRun.ExamplesFolder, "README.md"));
        foreach (string file in Directory.GetFiles(LabRun.ExamplesFolder, "*.cs"))
            Assert.Contains($"`{Path.GetFileName(file)}`", readme);
        Assert.Equal(Labs.Count, Directory.GetFiles(LabRun.ExamplesFolder, "*.cs").Length);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
