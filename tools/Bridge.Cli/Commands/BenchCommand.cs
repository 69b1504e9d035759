using System.CommandLine;
using System.Globalization;
using Bridge.Benchmarks;
using Bridge.Comparison;
using Bridge.Formats;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary><c>bridge-nn bench</c>: the managed engine against libtorch, as ratios against the speed targets.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer repetitions (about a minute)." };
        var reference = new Option<bool>("--torch-reference") { Description = "Only the rows against idiomatic raw TorchSharp loops (Bridge's torch backend and the managed engine)." };
        var device = new Option<string?>("--device") { Description = "Time Bridge's torch backend against raw TorchSharp on this device (cpu, cuda, cuda:N) on the --nets, with the device's matrix-product rate, instead of the default rows." };
        var nets = new Option<string>("--nets") { Description = "With --device: networks as layer widths and batch size, comma-separated.", DefaultValueFactory = _ => BenchNet.Defaults };
        var samples = new Option<int>("--samples") { Description = "With --device: samples per epoch (generated, of Fashion-MNIST's shape).", DefaultValueFactory = _ => 60_000 };
        var rounds = new Option<int>("--rounds") { Description = "With --device: timed rounds per workload.", DefaultValueFactory = _ => 5 };
        var json = new Option<FileInfo?>("--json") { Description = "With --device: also write the figures as JSON." };
        var waits = new Option<bool>("--time-to-accuracy", "--wall-clock")
        {
            Description = "Only whole commands as a user waits for them, each in a process of its own: train's wall clock and memory on Fashion-MNIST, " +
                          "and the time to 87 % test accuracy against scikit-learn, Keras and PyTorch (several minutes).",
        };
        // The time-to-accuracy race runs Bridge's contenders through this: one process per run, as a user starts it.
        var contender = new Option<string?>("--contender") { Hidden = true };
        var command = new Command("bench", "Time the managed engine against libtorch and print the ratios against the targets.")
        {
            quick, reference, device, nets, samples, rounds, json, waits, contender,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(contender) is { } backend) return BridgeContender.Run(backend, Console.Out);
            var console = AnsiConsole.Console;
            console.MarkupLine($"[bold]Bridge bench[/] on {Environment.ProcessorCount} cores, {Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString())}, .NET {Environment.Version}");
            Action<string> log = line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            if (result.GetValue(device) is { } onDevice)
                return OnDevice(console, onDevice, result.GetValue(nets)!, result.GetValue(samples), result.GetValue(rounds), result.GetValue(json)?.FullName, log);
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

    private static int OnDevice(IAnsiConsole console, string device, string nets, int samples, int rounds, string? json, Action<string> log)
    {
        IReadOnlyList<BenchNet> parsed;
        try
        {
            parsed = nets.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(BenchNet.Parse).ToList();
            if (parsed.Count == 0) throw new FormatException("--nets names no network.");
            if (samples < 1 || rounds < 1) throw new FormatException("--samples and --rounds must be at least 1.");
        }
        catch (FormatException e)
        {
            console.MarkupLine($"[red]{ToolName.Command} bench:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadArguments;
        }
        DeviceBench.Outcome outcome;
        try
        {
            outcome = new DeviceBench(device, parsed, samples, rounds, log).Run();
        }
        catch (Exception e) when (e is BackendUnavailableException or ArgumentException)
        {
            console.MarkupLine($"[red]{ToolName.Command} bench:[/] {Markup.Escape(e is BackendUnavailableException u ? u.Reason : UsageException.MessageOf(e))}");
            return ExitCodes.BadArguments;
        }
        console.MarkupLine($"[grey]{Markup.Escape(outcome.Detail)}; data: {samples:N0} generated samples of Fashion-MNIST's shape[/]");
        Write(console, outcome.Rows);
        if (json is not null)
        {
            AtomicFile.Write(json, stream => System.Text.Json.JsonSerializer.Serialize(stream, outcome,
                new System.Text.Json.JsonSerializerOptions
                {
                    WriteIndented = true,
                    PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
                    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                }));
            console.MarkupLine($"JSON: [blue]{Markup.Escape(json)}[/]");
        }
        return ExitCodes.Agree;
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
