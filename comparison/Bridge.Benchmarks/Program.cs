using BenchmarkDotNet.Running;
using Bridge.Comparison;
using Spectre.Console;

// --quick: the target table from the timing harness (the same as `bridge bench --quick`).
// Otherwise BenchmarkDotNet, e.g. --filter '*Digits*' or --filter '*Python*'.
if (args.Contains("--quick"))
{
    var rows = new BenchSuite(quick: true, line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")).Run();
    BenchCommand.Write(AnsiConsole.Console, rows);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Bridge.Benchmarks.TrainingBenchmarks).Assembly).Run(args);
return 0;
