using Bridge;
using Bridge.Backends;
using Bridge.Isolation;

/// <summary>
/// The entry point of a worker process. A worker is the calling application started again with
/// <c>--bridge-worker PIPE TYPE ARGUMENT</c> and with this assembly named in DOTNET_STARTUP_HOOKS (see
/// <see cref="WorkerLaunch"/>): the runtime calls <see cref="Initialize"/> before the application's Main, which then
/// never runs. The application therefore needs no code of its own for it, whether it is the command line, a lab, a
/// test host, framework-dependent or self-contained. The runtime finds the hook by this type name in the global
/// namespace. A process of the same application started without the flag (a child that inherited the variable) is
/// left alone.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        string[] args = Environment.GetCommandLineArgs(); // [0] is the program
        if (args.Length != 5 || args[1] != WorkerProtocol.WorkerFlag) return;
        Environment.Exit(WorkerHost.Run(args[2], new BackendRecipe(args[3], args[4])));
    }
}
