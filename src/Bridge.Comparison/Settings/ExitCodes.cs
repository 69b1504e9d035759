namespace Bridge.Comparison;

/// <summary>The exit codes of every command, as README.md and src/Bridge.Comparison/REPORT-SCHEMA.md document them.</summary>
public static class ExitCodes
{
    /// <summary>Every check passed, every backend asked for by name ran, and something was compared with the reference.</summary>
    public const int Agree = 0;

    /// <summary>A check failed: two backends disagree, or one failed while running.</summary>
    public const int Disagree = 1;

    /// <summary>The command line asked for something that cannot be done; the message says what.</summary>
    public const int BadArguments = 2;

    /// <summary>
    /// Every check that ran passed, but the run proves less than was asked: a backend named in --backends could not
    /// run here, or no backend besides the reference ran, so nothing was compared with anything.
    /// </summary>
    public const int Incomplete = 3;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it); a checkpoint, if kept, stays.</summary>
    public const int Cancelled = 130;
}
