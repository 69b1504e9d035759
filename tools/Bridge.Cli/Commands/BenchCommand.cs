using System.CommandLine;
using System.Globalization;
using Bridge.Benchmarks;
using Bridge.Comparison;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary><c>bridge-nn bench</c>: the managed engine against libtorch, as ratios against the speed targets.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer repetitions (about a minute)." };
        var reference = new Option<bool>("--torch-reference") { Description = "Only the rows against idiomatic raw TorchSharp loops (Bridge's torch backend and the managed engine)." };
        var waits = new Option<bool>("--time-to-accuracy", "--wall-clock")
        {
            Description = "Only whole commands as a user waits for them, each in a process of its own: train's wall clock and memory on Fashion-MNIST, " +
                          "and the time to 87 % test accuracy against scikit-learn, Keras and PyTorch (several minutes).",
        };
        // The time-to-accuracy race runs Bridge's contenders through this: one process per run, as a user starts it.
        var contender = new Option<string?>("--contender") { Hidden = true };
        var command = new Command("bench", "Time the managed engine against libtorch and print the ratios against the targets.") { quick, reference, waits, contender };
        command.SetAction(result =>
        {
            if (result.GetValue(contender) is { } backend) return BridgeContender.Run(backend, Console.Out);
            var console = AnsiConsole.Console;
            console.MarkupLine($"[bold]Bridge bench[/] on {Environment.ProcessorCount} cores, {Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString())}, .NET {Environment.Version}");
            Action<string> log = line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            bool isQuick = result.GetValue(quick);
            IReadOnlyList<BenchRow> rows = result.GetValue(waits)
                ? [.. new TrainCommandBench(SelfCommand.OfThisProcess(), isQuick, log).Run(), .. new TimeToAccuracyBench(SelfCommand.OfThisProcess(), isQuick, log).Run()]
                : result.GetValue(reference)
                ? new TorchReferenceBench(isQuick, log).Run()
                : [.. new BenchSuite(isQuick, log).Run(), .. new TorchReferenceBench(isQuick, log).Run()];
            Write(console, rows);
            return ExitCodes.Agree;
        });
        return command;
    }

    /// <summary>The table of a bench run: each workload, both sides, the ratio, the target and whether it is met.</summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<BenchRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("workload").AddColumn(new TableColumn("Bridge").RightAligned()).AddColumn(new TableColumn("reference").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned()).AddColumn(new TableColumn("median ratio").RightAligned()).AddColumn("target").AddColumn("met").AddColumn("what limits it");
        foreach (var row in rows)
            table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Managed), Markup.Escape(row.Other),
                Ratio(row.Ratio), Ratio(row.MedianRatio), Markup.Escape(row.Target),
                row.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "-" }, Markup.Escape(row.Limit));
        console.Write(table);
        console.MarkupLine("[grey]Each row names Bridge's side (the managed engine, or a Bridge backend) and the reference it is timed against; ratio = reference time ÷ Bridge time (above 1: Bridge faster).[/]");
        console.MarkupLine("[grey]Figures are the fastest of several rounds, each round the mean of many calls; the median ratio shows how much a busy machine moved them.[/]");
    }

    private static string Ratio(double ratio) => double.IsNaN(ratio) ? "" : ratio.ToString("F2", CultureInfo.InvariantCulture);
}
