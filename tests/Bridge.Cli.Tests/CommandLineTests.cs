using System.Text.Json;
using Bridge.Catalog;
using Bridge.Comparison;
using Bridge.Managed;
using Bridge.Testing;
using Spectre.Console.Testing;

namespace Bridge.Cli.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly CompareSettings Quick = new()
    {
        Data = "moons",
        Layers = "2,8,1",
        Epochs = 3,
        Backends = "managed,torch",
    };

    private static (int Code, string Output) Run(CompareSettings settings, string? json = null, string? html = null,
        string? explain = null, IReadOnlyList<IBackend>? backends = null)
    {
        var console = new TestConsole().Width(250);
        int code = ComparisonConsole.Run(settings, json, html, explain, console, backendsOverride: backends);
        return (code, console.Output);
    }

    [Fact]
    public void Agreement_exits_0_and_prints_every_backend()
    {
        var (code, output) = Run(Quick);
        Assert.True(code == ExitCodes.Agree, output);
        Assert.Contains("torch", output);
        Assert.Contains("checks passed", output);
    }

    [Fact]
    public void Every_backend_of_the_catalog_is_reported_and_one_that_cannot_run_says_why()
    {
        var (code, output) = Run(Quick with { Backends = "all" });
        Assert.True(code == ExitCodes.Agree, output);
        foreach (string name in Bridge.Catalog.BackendCatalog.Names) Assert.Contains(name, output);
        var keras = Bridge.Catalog.BackendCatalog.Get("keras");
        if (!keras.Availability.IsAvailable)
            Assert.Contains("environment.yml", output);
    }

    [Fact]
    public void Disagreement_exits_1_and_names_the_layer()
    {
        var broken = new PerturbedWeightBackend(ManagedBackend.Batched, layer: 0, amount: 0.01);
        var (code, output) = Run(Quick, backends: [ManagedBackend.Batched, broken]);
        Assert.Equal(ExitCodes.Disagree, code);
        Assert.Contains("dense_0", output);
        Assert.Contains("checks failed", output);
    }

    [Theory]
    [InlineData("--model", "transformer", "Unknown --model")]
    [InlineData("--layers", "3,8,1", "input width 3")]
    [InlineData("--layers", "2,x,1", "positive whole numbers")]
    [InlineData("--data", "no-such-set", "no-such-set")]
    [InlineData("--optimizer", "rmsprop", "sgd or adam")]
    [InlineData("--precision", "float16", "float32 or float64")]
    [InlineData("--backends", "managed,tensorflow", "Unknown backend")]
    [InlineData("--loss", "hinge", "Unknown loss")]
    [InlineData("--epochs", "0", "--epochs")]
    public void Bad_arguments_exit_2_with_a_message_naming_them(string option, string value, string expected)
    {
        var settings = option switch
        {
            "--model" => Quick with { Model = value },
            "--layers" => Quick with { Layers = value },
            "--data" => Quick with { Data = value },
            "--optimizer" => Quick with { Optimizer = value },
            "--precision" => Quick with { Precision = value },
            "--backends" => Quick with { Backends = value },
            "--loss" => Quick with { Loss = value },
            "--epochs" => Quick with { Epochs = int.Parse(value) },
            _ => throw new ArgumentException(option),
        };
        var (code, output) = Run(settings);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains(expected, output);
    }

    [Fact]
    public void Unparsable_arguments_exit_2_from_the_real_entry_point()
    {
        var entry = typeof(CompareCommand).Assembly.EntryPoint!;
        var code = (int)entry.Invoke(null, [new[] { "compare", "--epochs", "many" }])!;
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Equal(ExitCodes.BadArguments, (int)entry.Invoke(null, [new[] { "compare", "--no-such-option" }])!);
    }

    [Fact]
    public void The_json_report_follows_the_documented_schema()
    {
        string path = Path.Combine(_folder, "report.json");
        var (code, _) = Run(Quick, json: path);
        Assert.Equal(ExitCodes.Agree, code);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        Assert.Equal("bridge-comparison/2", root.GetProperty("schema").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal("passed", root.GetProperty("outcome").GetString());
        Assert.Equal(ExitCodes.Agree, root.GetProperty("exitCode").GetInt32());
        foreach (var backend in root.GetProperty("backends").EnumerateArray())
            foreach (var field in new[] { "name", "available", "detail", "error", "device", "precision" })
                Assert.True(backend.TryGetProperty(field, out _), $"backends[].{field}");
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.NotEmpty(checks);
        foreach (var check in checks)
            foreach (var field in new[] { "name", "backend", "reference", "layer", "metric", "value", "tolerance", "passed", "detail", "error" })
                Assert.True(check.TryGetProperty(field, out _), $"checks[].{field}");
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.Equal(3, results[0].GetProperty("history").GetArrayLength());
        // Every check name used is documented.
        string schema = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Bridge.Comparison", "REPORT-SCHEMA.md"));
        foreach (var name in checks.Select(c => c.GetProperty("name").GetString()!).Distinct())
            Assert.Contains($"`{name}`", schema);
    }

    [Fact]
    public void A_topic_to_explain_that_does_not_exist_is_refused_naming_the_one_that_does()
    {
        var (code, output) = Run(Quick, explain: "gradient-clipping");
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("gradient-clipping", output);
        Assert.Contains(ComparisonConsole.LossReduction, output);
    }

    [Fact]
    public void The_explain_mode_reports_the_factor()
    {
        var (code, output) = Run(Quick with { Layers = "2,8,4", Data = "blobs" }, explain: "loss-reduction");
        // blobs has 3 classes; a 4-output net does not fit it, which the plan refuses.
        Assert.Equal(ExitCodes.BadArguments, code);
        (code, output) = Run(Quick with { Layers = "2,8,3", Data = "blobs", Loss = "half-squared-error", OutputActivation = "sigmoid" }, explain: "loss-reduction");
        Assert.True(code == ExitCodes.Agree, output);
        Assert.Contains("2/K", output);
        Assert.Contains("0.6666666667", output);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above the test folder.");
    }
}
