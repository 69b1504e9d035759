namespace Bridge.Isolation;

/// <summary>An exception thrown inside a worker process that has no counterpart here; its type and message as the worker gave them.</summary>
public sealed class WorkerException(string backend, string operation, string remoteType, string message)
    : Exception($"{message} ({remoteType}, in the {backend} worker process, during {operation})")
{
    public string Backend { get; } = backend;
    public string RemoteType { get; } = remoteType;
    public string RemoteMessage { get; } = message;
}

/// <summary>
/// A worker process that died (abort, segfault, killed) or stopped answering. Says which backend, during what, how it
/// ended (exit code and signal) and the last lines it wrote, which is usually where the native runtime said why.
/// </summary>
public sealed class WorkerCrashedException(string backend, string operation, string how, IReadOnlyList<string> lastLines)
    : Exception(Describe(backend, operation, how, lastLines))
{
    public string Backend { get; } = backend;
    public string Operation { get; } = operation;

    /// <summary>"killed by SIGABRT (exit code 134)", "did not answer within 30 s (killed)", …</summary>
    public string How { get; } = how;

    public IReadOnlyList<string> LastLines { get; } = lastLines;

    private static string Describe(string backend, string operation, string how, IReadOnlyList<string> lastLines)
    {
        string text = $"The {backend} worker process {how} during {operation}.";
        if (lastLines.Count == 0) return text + " It wrote nothing.";
        return text + " Its last lines:" + Environment.NewLine + string.Join(Environment.NewLine, lastLines.Select(l => "  " + l));
    }
}
