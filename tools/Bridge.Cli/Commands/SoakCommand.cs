using System.CommandLine;
using Bridge.Benchmarks;
using Bridge.Comparison;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge-nn soak</c>: the torch backend trained for many steps under another thread's forced garbage collections;
/// exit code 0 when no step failed and resident memory (and on a CUDA device the card's memory) stayed flat, 1 otherwise.
/// </summary>
public static class SoakCommand
{
    public static Command Create()
    {
        var steps = new Option<long>("--steps") { Description = "Training steps in all (default 100000).", DefaultValueFactory = _ => 100_000 };
        var python = new Option<bool>("--python") { Description = "Also start Python (BRIDGE_PYTHON) in the process and leave numpy arrays to the finaliser." };
        var device = new Option<string>("--device") { Description = "Device for torch: cpu, cuda or cuda:N (on CUDA the card's memory in use is watched too).", DefaultValueFactory = _ => "cpu" };
        var command = new Command("soak", "Train the torch backend under garbage-collection stress and report failed steps and resident memory.") { steps, python, device };
        command.SetAction(result =>
        {
            var console = AnsiConsole.Console;
            long count = result.GetValue(steps);
            if (count < 1)
            {
                console.MarkupLine("[red]--steps must be at least 1.[/]");
                return ExitCodes.BadArguments;
            }
            var torch = new Bridge.Torch.TorchBackend(result.GetValue(device)!);
            if (!torch.Availability.IsAvailable)
            {
                console.MarkupLine($"[red]torch cannot run here:[/] {Markup.Escape(torch.Availability.Detail)}");
                return ExitCodes.BadArguments;
            }
            var outcome = new TorchSoak(count, result.GetValue(python), line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), torch.DeviceName).Run();
            console.MarkupLine($"{outcome.Steps:N0} steps in {outcome.Elapsed.TotalSeconds:F0} s under {outcome.Collections:N0} forced collections: " +
                $"{(outcome.Failures == 0 ? "[green]0 failed[/]" : $"[red]{outcome.Failures} failed[/]")}");
            foreach (var failure in outcome.FirstFailures) console.MarkupLine($"  [red]{Markup.Escape(failure)}[/]");
            console.MarkupLine($"resident memory {outcome.ResidentAfterWarmup >> 20} MB after warm-up, {outcome.ResidentAtEnd >> 20} MB at the end " +
                $"({(outcome.Growth >= 0 ? "+" : "")}{outcome.Growth / (1024.0 * 1024):F1} MB; flat means within {TorchSoak.FlatBound >> 20} MB): " +
                (outcome.Growth <= TorchSoak.FlatBound ? "[green]flat[/]" : "[red]growing[/]"));
            if (outcome.Card is { } card)
                console.MarkupLine($"card memory {(card.AtEnd.ThisProcessOnly ? "held by this process" : "in use on the whole card")} {card.AfterWarmup.Bytes >> 20} MB after warm-up, {card.AtEnd.Bytes >> 20} MB at the end " +
                    $"({(outcome.CardGrowth >= 0 ? "+" : "")}{outcome.CardGrowth / (1024.0 * 1024):F1} MB; flat means within {TorchSoak.FlatBound >> 20} MB): " +
                    (outcome.CardGrowth <= TorchSoak.FlatBound ? "[green]flat[/]" : "[red]growing[/]"));
            if (outcome.CardUnread is { } unread) console.MarkupLine($"[red]card memory could not be read: {Markup.Escape(unread)}[/]");
            return outcome.Passed ? ExitCodes.Agree : ExitCodes.Disagree;
        });
        return command;
    }
}
