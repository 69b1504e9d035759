using System.CommandLine;
using Bridge.Comparison;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary><c>bridge-nn compare</c>: one spec, every backend, same weights and batches; an agreement report.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var shared = new ModelOptions();
        var backends = new Option<string?>("--backends") { Description = "Comma-separated: managed, managed-teaching, torch, keras, sklearn, or python:FILE.py (your own network, see examples/your-own-backprop). Default: all (unavailable ones are reported with their reason)." };
        var reference = new Option<string>("--reference") { Description = "The backend the others are measured against.", DefaultValueFactory = _ => "managed" };
        var kSteps = new Option<int>("--k-steps") { Description = "Steps of the 'weights after k steps' check.", DefaultValueFactory = _ => 10 };
        var json = new Option<FileInfo?>("--json") { Description = "Write the report as JSON (schema: src/Bridge.Comparison/REPORT-SCHEMA.md)." };
        var html = new Option<FileInfo?>("--html") { Description = "Write the report as one self-contained HTML page with plots." };
        var explain = new Option<string?>("--explain")
        {
            Description = "Show a classic disagreement on purpose. TOPIC: loss-reduction (the lecture's ½·Σ squared error against mean squared error).",
            HelpName = "TOPIC",
        };
        explain.AcceptOnlyFromAmong("loss-reduction");

        var command = new Command("compare", "Train one model on every backend from the same weights and batches, and check that they agree.")
        {
            backends, reference, kSteps, json, html, explain,
        };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            var settings = shared.Read(result) with
            {
                Backends = result.GetValue(backends),
                Reference = result.GetValue(reference)!,
                KSteps = result.GetValue(kSteps),
            };
            return ComparisonConsole.Run(settings, result.GetValue(json)?.FullName, result.GetValue(html)?.FullName, result.GetValue(explain),
                AnsiConsole.Console, errorPrefix: $"{ToolName.Command} compare:");
        });
        return command;
    }
}
