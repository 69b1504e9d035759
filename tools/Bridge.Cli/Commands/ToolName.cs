namespace Bridge.Cli;

/// <summary>
/// The command's name once installed as a .NET tool (ToolCommandName in the project file). Not plain "bridge": that
/// is iproute2's network command on every Debian and Ubuntu system, found first on PATH.
/// </summary>
public static class ToolName
{
    public const string Command = "bridge-nn";
}
