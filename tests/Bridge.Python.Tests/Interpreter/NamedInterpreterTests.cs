namespace Bridge.Python.Tests;

/// <summary>
/// The embedded interpreter is the Python that was named, whole: its sys.prefix, sys.base_prefix, sys.executable,
/// sys.path and standard library are the ones that interpreter reports when run on its own (the truth here), even
/// with a different Python first on PATH. Each case starts Python in a child process of its own.
/// </summary>
public sealed class NamedInterpreterTests
{
    private const string DebianPython = "/usr/bin/python3";
    private static readonly string PyenvShims = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv", "shims");

    [SkippableFact]
    public void Bridge_python_names_the_interpreter_even_with_another_python_first_on_path()
    {
        RequireDebianPython();
        var environment = Clean(OtherPythonFirst());
        environment["BRIDGE_PYTHON"] = DebianPython;
        var truth = ChildProcess.Direct(DebianPython, environment);
        var (embedded, output) = ChildProcess.Run(environment);
        Assert.NotEqual(PathPython(environment).Prefix, truth.Prefix); // Otherwise the case proves nothing.
        AssertSamePython(truth, embedded, output);
        Assert.Contains("BRIDGE_PYTHON=", output);
    }

    [SkippableFact]
    public void A_library_named_alone_is_started_as_its_own_interpreter()
    {
        RequireDebianPython();
        var library = InterpreterFacts.Probe(DebianPython, out var problem)?.LibraryCandidates.FirstOrDefault(File.Exists);
        Skip.If(library is null, $"Debian's libpython was not found ({problem ?? "no candidate exists"}; apt-get install libpython3.11)");
        var environment = Clean(OtherPythonFirst());
        environment["BRIDGE_PYTHON_LIB"] = library;
        var (embedded, output) = ChildProcess.Run(environment);
        // Its interpreter is python3.X in /usr/bin, which reports that name as its executable.
        var truth = ChildProcess.Direct(embedded.Executable, environment);
        Assert.StartsWith("/usr/bin/python3.", embedded.Executable);
        AssertSamePython(truth, embedded, output);
        Assert.Equal(ChildProcess.Direct(DebianPython, environment).Prefix, embedded.Prefix);
    }

    [SkippableFact]
    public void A_virtualenv_is_its_own_prefix_over_its_base()
    {
        RequireDebianPython();
        string venv = Virtualenv.Path;
        var environment = Clean(OtherPythonFirst());
        environment["VIRTUAL_ENV"] = venv;
        string venvPython = System.IO.Path.Combine(venv, "bin", "python3");
        var truth = ChildProcess.Direct(venvPython, environment);
        var (embedded, output) = ChildProcess.Run(environment);
        AssertSamePython(truth, embedded, output);
        Assert.Equal(venv, embedded.Prefix);
        Assert.Equal(ChildProcess.Direct(DebianPython, environment).Prefix, embedded.BasePrefix);
        Assert.Equal(venvPython, embedded.Executable);
        Assert.Contains("VIRTUAL_ENV=", output);
    }

    [SkippableFact]
    public void A_conda_prefix_is_used_whole()
    {
        RequireDebianPython();
        // A conda environment is a full installation under CONDA_PREFIX (bin/python3, lib/libpython3.x.so, lib/python3.x).
        // Without conda here, a pyenv installation is one; else Debian's /usr is, with a virtualenv first on PATH.
        string? pyenvPrefix = InstalledPythons().Select(p => Directory.GetParent(System.IO.Path.GetDirectoryName(p)!)!.FullName)
            .FirstOrDefault(prefix => prefix.Contains(".pyenv"));
        string condaPrefix = pyenvPrefix ?? "/usr";
        var environment = Clean(pyenvPrefix is null ? $"{Virtualenv.Path}/bin:/usr/bin:/bin" : "/usr/bin:/bin");
        environment["CONDA_PREFIX"] = condaPrefix;
        var truth = ChildProcess.Direct(System.IO.Path.Combine(condaPrefix, "bin", "python3"), environment);
        var (embedded, output) = ChildProcess.Run(environment);
        Assert.NotEqual(PathPython(environment).Prefix, truth.Prefix);
        AssertSamePython(truth, embedded, output);
        Assert.Equal(condaPrefix, embedded.Prefix);
        Assert.Contains("CONDA_PREFIX=", output);
    }

    [SkippableFact]
    public void Python3_on_path_is_the_first_one_there()
    {
        RequireDebianPython();
        var environment = Clean(OtherPythonFirst());
        var truth = PathPython(environment);
        var (embedded, output) = ChildProcess.Run(environment);
        Assert.NotEqual(ChildProcess.Direct(DebianPython, environment).Prefix, truth.Prefix);
        AssertSamePython(truth, embedded, output);
        Assert.Contains("python3 on PATH", output);
    }

    [SkippableFact]
    public void Every_installed_cpython_from_3_8_starts_as_itself()
    {
        // The interpreter is configured through PyConfig, whose layout changes with every minor release; each release
        // found here is started once, as BRIDGE_PYTHON, and must report what it reports on its own.
        var pythons = InstalledPythons().ToList();
        Skip.If(pythons.Count == 0, "no CPython 3.8 or newer with a shared library found");
        foreach (string python in pythons)
        {
            var environment = Clean("/usr/bin:/bin");
            environment["BRIDGE_PYTHON"] = python;
            var truth = ChildProcess.Direct(python, environment);
            var (embedded, output) = ChildProcess.Run(environment);
            AssertSamePython(truth, embedded, $"{python}:\n{output}");
        }
    }

    private static void AssertSamePython(InterpreterReport truth, InterpreterReport embedded, string output)
    {
        Assert.True(truth.Version == embedded.Version, $"version {embedded.Version}, expected {truth.Version}\n{output}");
        Assert.True(truth.Prefix == embedded.Prefix, $"sys.prefix {embedded.Prefix}, expected {truth.Prefix}\n{output}");
        Assert.True(truth.BasePrefix == embedded.BasePrefix, $"sys.base_prefix {embedded.BasePrefix}, expected {truth.BasePrefix}\n{output}");
        Assert.True(truth.Executable == embedded.Executable, $"sys.executable {embedded.Executable}, expected {truth.Executable}\n{output}");
        Assert.True(truth.OsModule == embedded.OsModule, $"os from {embedded.OsModule}, expected {truth.OsModule}\n{output}");
        // Bridge puts its helper modules' folder in front; the rest is the interpreter's own sys.path, in its order.
        var own = embedded.Path.Where(p => p != ChildProcess.TestPythonFolder).ToList();
        Assert.True(truth.Path.SequenceEqual(own), $"sys.path\n  {string.Join("\n  ", own)}\nexpected\n  {string.Join("\n  ", truth.Path)}");
        Assert.False(embedded.PythonHandlesSigint, "Python installed its SIGINT handler; Bridge leaves Ctrl+C to .NET unless asked");
    }

    /// <summary>The environment of a case: only PATH chooses, unless the case names a Python.</summary>
    private static Dictionary<string, string?> Clean(string path) => new()
    {
        ["PATH"] = path,
        ["BRIDGE_PYTHON"] = null,
        ["BRIDGE_PYTHON_LIB"] = null,
        ["PYTHONNET_PYDLL"] = null,
        ["CONDA_PREFIX"] = null,
        ["VIRTUAL_ENV"] = null,
        ["PYTHONHOME"] = null,
    };

    /// <summary>A PATH whose python3 is not Debian's: pyenv's shims (as on a developer's machine) or a virtualenv.</summary>
    private static string OtherPythonFirst() =>
        File.Exists(System.IO.Path.Combine(PyenvShims, "python3")) ? $"{PyenvShims}:/usr/bin:/bin" : $"{Virtualenv.Path}/bin:/usr/bin:/bin";

    private static InterpreterReport PathPython(IReadOnlyDictionary<string, string?> environment)
    {
        string python = environment["PATH"]!.Split(':').Select(d => System.IO.Path.Combine(d, "python3")).First(File.Exists);
        return ChildProcess.Direct(python, environment);
    }

    /// <summary>Debian's python3 and every pyenv CPython from 3.8 on (those are built with a shared libpython).</summary>
    private static IEnumerable<string> InstalledPythons()
    {
        if (File.Exists(DebianPython)) yield return DebianPython;
        string versions = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv", "versions");
        if (!Directory.Exists(versions)) yield break;
        foreach (string folder in Directory.GetDirectories(versions).Order())
        {
            var name = System.IO.Path.GetFileName(folder).Split('.');
            if (name.Length < 2 || name[0] != "3" || !int.TryParse(name[1], out int minor) || minor < 8) continue;
            string python = System.IO.Path.Combine(folder, "bin", "python3");
            if (File.Exists(python) && Directory.GetFiles(System.IO.Path.Combine(folder, "lib"), "libpython3*.so*").Length > 0) yield return python;
        }
    }

    private static void RequireDebianPython() => Skip.IfNot(File.Exists(DebianPython), $"{DebianPython} is not installed");
}
