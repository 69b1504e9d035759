using System.CommandLine;
using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Comparison;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary><c>bridge-nn backends</c>: which backends can run here, and if not, why and how to fix it.</summary>
public static class BackendsCommand
{
    public static Command Create()
    {
        var device = new Option<string?>("--device") { Description = "Device for torch: cpu, cuda, cuda:N or auto." };
        var command = new Command("backends", "List the backends and whether each can run on this machine.") { device };
        command.SetAction(result =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("backend").AddColumn("available").AddColumn("detail");
            foreach (var backend in BackendCatalog.Parse("all", result.GetValue(device)))
            {
                var availability = backend.Availability;
                table.AddRow(Markup.Escape(backend.Name), availability.IsAvailable ? "[green]yes[/]" : "[yellow]no[/]",
                    Markup.Escape(availability.Detail));
            }
            AnsiConsole.Write(table);
            return ExitCodes.Agree;
        });
        return command;
    }
}
