using Bridge.Backends;

namespace Bridge.Isolation;

/// <summary>The entry point of a worker process: <c>--bridge-worker PIPE TYPE ARGUMENT</c>. Not a command for people.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 4 || args[0] != WorkerProtocol.WorkerFlag)
        {
            Console.Error.WriteLine("Bridge.Isolation is the worker process of Bridge's isolated backends; it is started by Bridge, not by hand.");
            return 2;
        }
        return WorkerHost.Run(args[1], new BackendRecipe(args[2], args[3]));
    }
}
