using Bridge.Python;

namespace Bridge.Python.Tests;

/// <summary>
/// One interpreter per process: every test that needs Python starts it through here (idempotent), with the folder of
/// the tests' own Python modules on sys.path. Skips with the reason when no usable Python exists.
/// </summary>
internal static class PythonFixture
{
    private static readonly Lazy<string?> Problem = new(Start);

    public static void Require()
    {
        Skip.If(Problem.Value is not null, Problem.Value);
    }

    private static string? Start()
    {
        try
        {
            Bridge.Python.Python.Initialize(new PythonOptions
            {
                ExtraPaths = [Path.Combine(AppContext.BaseDirectory, "python")],
            });
            using var numpy = Bridge.Python.Python.Import("numpy");
            return null;
        }
        catch (PythonNotFoundException e)
        {
            return $"no usable Python: {e.Message}";
        }
        catch (PythonException e)
        {
            return $"Python lacks numpy ({e.PythonMessage}); set BRIDGE_PYTHON=/usr/bin/python3 with python3-numpy installed";
        }
    }
}

/// <summary>
/// Python tests run one after another: they share one interpreter, and the memory-growth tests measure the whole
/// process, which a large array in a parallel test would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PythonCollection
{
    public const string Name = "python";
}
