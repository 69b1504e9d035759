using System.CommandLine;
using Bridge.Comparison;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge-nn device-check</c>: what training on a device must keep beyond agreeing with the other backends
/// (<see cref="DeviceChecks"/>); exit code 0 when every check passed, 1 otherwise.
/// </summary>
public static class DeviceCheckCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "Device for torch: cuda, cuda:N (or cpu, to run the checks against the CPU itself).", DefaultValueFactory = _ => "cuda" };
        var work = new Option<DirectoryInfo?>("--work") { Description = "Folder for the checkpoints the checks write (default: a new temporary folder)." };
        var command = new Command("device-check", "Check torch training on a device: no read per step, a non-finite step rolled back, checkpoints across devices bit for bit, float32 products.") { device, work };
        command.SetAction(result =>
        {
            var console = AnsiConsole.Console;
            string? temporary = result.GetValue(work) is null ? Directory.CreateTempSubdirectory("bridge-device-check-").FullName : null;
            string folder = result.GetValue(work)?.FullName ?? temporary!;
            IReadOnlyList<DeviceChecks.Result> results;
            try
            {
                results = new DeviceChecks(result.GetValue(device)!, folder, line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]")).Run();
            }
            catch (Exception e) when (e is BackendUnavailableException or ArgumentException)
            {
                console.MarkupLine($"[red]{ToolName.Command} device-check:[/] {Markup.Escape(e is BackendUnavailableException u ? u.Reason : UsageException.MessageOf(e))}");
                return ExitCodes.BadArguments;
            }
            finally
            {
                // A folder the user named keeps the checkpoints for inspection; one made here goes with the command.
                if (temporary is not null) Directory.Delete(temporary, recursive: true);
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("passed").AddColumn("what was measured");
            foreach (var r in results)
                table.AddRow(Markup.Escape(r.Name), r.Passed ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(r.Detail));
            console.Write(table);
            return results.All(r => r.Passed) ? ExitCodes.Agree : ExitCodes.Disagree;
        });
        return command;
    }
}
