namespace Bridge.Benchmarks;

/// <summary>The Python peers of the time-to-accuracy bench (the .py files beside this one, embedded), written to a temporary folder for a run.</summary>
internal sealed class PythonScripts : IDisposable
{
    private PythonScripts(string directory) => Directory = directory;

    public string Directory { get; }

    public static PythonScripts Extract()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("bridge-time-to-accuracy-").FullName;
        var assembly = typeof(PythonScripts).Assembly;
        const string prefix = "TimeToAccuracy.";
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".py", StringComparison.Ordinal)))
        {
            using var resource = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(Path.Combine(folder, name[prefix.Length..]));
            resource.CopyTo(file);
        }
        return new PythonScripts(folder);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is no error.
        }
    }
}
