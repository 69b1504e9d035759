using System.CommandLine;
using Bridge.Comparison;

namespace Bridge.Cli;

/// <summary>
/// The whole command line: compare, train, bench, backends, soak, device-check. Parse errors are answered here, in the user's terms, with
/// exit code 2 (see <see cref="ExitCodes"/>).
/// </summary>
public static class CommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Bridge: train the same network on every backend and check that they agree.")
        {
            HelpName = ToolName.Command,
        };
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(BackendsCommand.Create());
        root.Subcommands.Add(SoakCommand.Create());
        root.Subcommands.Add(DeviceCheckCommand.Create());
        return root;
    }

    /// <param name="output">Where help goes (standard output when null).</param>
    /// <param name="error">Where parse errors go (standard error when null).</param>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            string name = command is RootCommand ? ToolName.Command : $"{ToolName.Command} {command.Name}";
            foreach (string line in ParseErrorText.Lines(parsed)) error.WriteLine($"{name}: {line}");
            error.WriteLine($"Run '{name} --help' for the options.");
            return ExitCodes.BadArguments;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output ?? Console.Out, Error = error });
    }
}
