using System.Text.Json.Nodes;

namespace Bridge.Isolation.Tests;

/// <summary>
/// The runtime configuration a worker starts with when the application's own forbids startup hooks: a copy in the shared
/// temporary folder, used again only while it holds exactly what it should.
/// </summary>
public sealed class StartupHookConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-hooks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_damaged_copy_of_the_configuration_is_written_again_not_used()
    {
        string original = Path.Combine(_folder, "app.runtimeconfig.json");
        File.WriteAllText(original, """{ "runtimeOptions": { "tfm": "net10.0", "configProperties": { "System.StartupHookProvider.IsSupported": false } } }""");

        string copy = WorkerLaunch.WithStartupHooks(original);
        string written = File.ReadAllText(copy);
        Assert.True((bool)JsonNode.Parse(written)!["runtimeOptions"]!["configProperties"]!["System.StartupHookProvider.IsSupported"]!);

        File.WriteAllText(copy, "{ \"runtimeOptions\": "); // cut short, as by a full disk or another program
        string again = WorkerLaunch.WithStartupHooks(original);
        Assert.Equal(written, File.ReadAllText(again));
    }
}
