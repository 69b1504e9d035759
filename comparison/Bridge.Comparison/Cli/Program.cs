using System.CommandLine;
using Bridge.Comparison;

// bridge: compare backends, list them. Exit codes: 0 all checks pass, 1 a check failed, 2 bad arguments.
// Logs and pipes get the report's full width instead of a terminal's 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Console.Profile.Width = 200;
var root = new RootCommand("Bridge: train the same network on every backend and check that they agree.");
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(BackendsCommand.Create());
root.Subcommands.Add(SoakCommand.Create());
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"bridge: {error.Message}");
    Console.Error.WriteLine("Run 'bridge --help' or 'bridge compare --help' for the options.");
    return ExitCodes.BadArguments;
}
return parsed.Invoke();
