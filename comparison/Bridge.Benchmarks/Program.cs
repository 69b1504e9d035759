using BenchmarkDotNet.Running;
using Bridge.Comparison;
using Spectre.Console;

// --quick: the target table from the timing harness (the same as `bridge-nn bench --quick`).
// Otherwise BenchmarkDotNet, e.g. --filter '*Digits*' or --filter '*Python*'.
if (args.Contains("--quick"))
{
    var rows = new BenchSuite(quick: true, line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")).Run();
    BenchCommand.Write(AnsiConsole.Console, rows);
    return 0;
}
// In process: this program's output folder holds the libLibTorchSharp.so adapted to the system's libstdc++ (see
// build/NativeLibraries); the separate project BenchmarkDotNet would otherwise generate and build does not, and its
// torch benchmarks would fail to load libtorch on such systems.
string[] benchmarkArgs = args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Bridge.Benchmarks.DigitsTrainingBenchmarks).Assembly).Run(benchmarkArgs);
return 0;
