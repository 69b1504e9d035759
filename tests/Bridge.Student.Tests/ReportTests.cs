using Bridge.Comparison;
using Bridge.Managed;
using Spectre.Console.Testing;

namespace Bridge.Student.Tests;

/// <summary>The diagnosis reaches what a student reads: the terminal report, the HTML page and the JSON report.</summary>
[Collection(PythonCollection.Name)]
public sealed class ReportTests
{
    private static (int Exit, string Terminal, string Html, string Json) Run(IBackend student)
    {
        var console = new TestConsole { EmitAnsiSequences = false }.Width(250);
        string folder = Directory.CreateTempSubdirectory("bridge-student-").FullName;
        try
        {
            string html = Path.Combine(folder, "report.html"), json = Path.Combine(folder, "report.json");
            var settings = new CompareSettings { Layers = "4,4,3", Activation = "tanh", OutputActivation = "sigmoid", Loss = "half-squared-error", Epochs = 2, BatchSize = 8 };
            int exit = ComparisonConsole.Run(settings, json, html, null, console,
                loadData: (_, _) => Datasets.Blobs(samples: 60, centers: 3, features: 4, seed: 5),
                backendsOverride: [ManagedBackend.Batched, student]);
            return (exit, console.Output, File.ReadAllText(html), File.ReadAllText(json));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_csharp_mistake_is_named_in_every_report()
    {
        var (exit, terminal, html, json) = Run(new CSharpStudentBackend(new CSharpBackprop(Mistake.SigmoidDerivativeForTanh)));
        Assert.Equal(ExitCodes.Disagree, exit);
        const string text = "The tanh layers use the sigmoid's derivative o·(1 − o)";
        Assert.Contains(text, terminal.Replace("\n", " "));
        Assert.Contains(System.Net.WebUtility.HtmlEncode(text), html);
        Assert.Contains("tanh layers use the sigmoid", json);
    }

    [SkippableFact]
    public void A_python_traceback_is_shown_in_the_terminal_report()
    {
        var (exit, terminal, _, _) = Run(StudentFixture.Python("raises.py"));
        Assert.Equal(ExitCodes.Disagree, exit);
        Assert.Contains("raised ValueError", terminal);
        Assert.Contains("in compute_deltas", terminal);
    }

    [SkippableFact]
    public void A_correct_module_agrees_and_exits_0()
    {
        var (exit, terminal, _, _) = Run(StudentFixture.Python("correct.py"));
        Assert.True(exit == ExitCodes.Agree, terminal);
    }
}
