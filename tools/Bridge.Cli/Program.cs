using Bridge.Cli;

// bridge-nn: compare backends, train one, time the engine, soak it, check a GPU, list the backends. Exit codes: see ExitCodes.
// Logs and pipes get the report's full width instead of a terminal's 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Console.Profile.Width = 200;
return CommandLine.Run(args);
