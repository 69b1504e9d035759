using Bridge.Python;

namespace Bridge.Python.Tests;

/// <summary>The discovery rules, on a simulated environment and file system: no interpreter is started.</summary>
public sealed class DiscoveryTests
{
    private static InterpreterFacts Facts(string exe, string lib, bool shared = true, params string[] path) =>
        new(exe, "3.11.2", "/prefix", shared, [lib], path);

    private static PythonLocator.Surroundings World(
        Dictionary<string, string> variables, HashSet<string> files, Dictionary<string, InterpreterFacts> interpreters) =>
        new(name => variables.GetValueOrDefault(name),
            files.Contains,
            exe => interpreters.TryGetValue(exe, out var facts) ? (facts, null) : (null, "could not be run (not found or not executable)"));

    [Fact]
    public void An_explicit_library_wins_over_everything()
    {
        var world = World(new() { ["BRIDGE_PYTHON_LIB"] = "/env/lib.so", ["PATH"] = "/usr/bin" },
            ["/opt/lib.so", "/env/lib.so", "/usr/bin/python3"], []);
        var found = PythonLocator.Locate(new PythonOptions { LibraryPath = "/opt/lib.so" }, world);
        Assert.Equal("/opt/lib.so", found.LibraryPath);
        Assert.Equal("the LibraryPath option", found.FoundBy);
    }

    [Fact]
    public void Library_variables_come_next_bridge_first_then_pythonnet()
    {
        var files = new HashSet<string> { "/a.so", "/b.so" };
        Assert.Equal("/a.so", PythonLocator.Locate(new(), World(new() { ["BRIDGE_PYTHON_LIB"] = "/a.so", ["PYTHONNET_PYDLL"] = "/b.so" }, files, [])).LibraryPath);
        Assert.Equal("/b.so", PythonLocator.Locate(new(), World(new() { ["PYTHONNET_PYDLL"] = "/b.so" }, files, [])).LibraryPath);
    }

    [Fact]
    public void An_interpreter_variable_gives_its_library_and_its_sys_path()
    {
        var world = World(new() { ["BRIDGE_PYTHON"] = "/usr/bin/python3", ["PATH"] = "/other" },
            ["/usr/lib/libpython3.11.so.1.0", "/other/python3"],
            new() { ["/usr/bin/python3"] = Facts("/usr/bin/python3", "/usr/lib/libpython3.11.so.1.0", true, "/usr/lib/python3/dist-packages") });
        var found = PythonLocator.Locate(new(), world);
        Assert.Equal("/usr/lib/libpython3.11.so.1.0", found.LibraryPath);
        Assert.Contains("/usr/lib/python3/dist-packages", found.SysPath);
        Assert.StartsWith("BRIDGE_PYTHON=", found.FoundBy);
    }

    [Fact]
    public void Conda_then_virtualenv_then_path()
    {
        var interpreters = new Dictionary<string, InterpreterFacts>
        {
            ["/conda/bin/python3"] = Facts("/conda/bin/python3", "/conda/lib/libpython3.11.so"),
            ["/venv/bin/python3"] = Facts("/venv/bin/python3", "/base/lib/libpython3.11.so"),
            ["/usr/bin/python3"] = Facts("/usr/bin/python3", "/usr/lib/libpython3.11.so"),
        };
        var files = new HashSet<string> { "/conda/lib/libpython3.11.so", "/base/lib/libpython3.11.so", "/usr/lib/libpython3.11.so", "/usr/bin/python3" };
        Assert.Equal("/conda/lib/libpython3.11.so", PythonLocator.Locate(new(), World(new() { ["CONDA_PREFIX"] = "/conda", ["VIRTUAL_ENV"] = "/venv", ["PATH"] = "/usr/bin" }, files, interpreters)).LibraryPath);
        Assert.Equal("/base/lib/libpython3.11.so", PythonLocator.Locate(new(), World(new() { ["VIRTUAL_ENV"] = "/venv", ["PATH"] = "/usr/bin" }, files, interpreters)).LibraryPath);
        Assert.Equal("/usr/lib/libpython3.11.so", PythonLocator.Locate(new(), World(new() { ["PATH"] = "/nothing:/usr/bin" }, files, interpreters)).LibraryPath);
    }

    [Fact]
    public void A_library_named_alone_is_started_as_its_own_interpreter_of_the_same_version()
    {
        const string debianLibrary = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
        var interpreters = new Dictionary<string, InterpreterFacts>
        {
            ["/usr/bin/python3.11"] = Facts("/usr/bin/python3.11", debianLibrary, true, "/usr/lib/python3/dist-packages"),
        };
        var found = PythonLocator.Locate(new(), World(new() { ["BRIDGE_PYTHON_LIB"] = debianLibrary }, [debianLibrary, "/usr/bin/python3.11"], interpreters));
        Assert.Equal("/usr/bin/python3.11", found.Executable);
        Assert.Contains("/usr/lib/python3/dist-packages", found.SysPath);

        // A python3.11 beside it that is another version is not this library's interpreter.
        interpreters["/usr/bin/python3.11"] = Facts("/usr/bin/python3.11", debianLibrary) with { Version = "3.12.1" };
        var alone = PythonLocator.Locate(new(), World(new() { ["BRIDGE_PYTHON_LIB"] = debianLibrary }, [debianLibrary, "/usr/bin/python3.11"], interpreters));
        Assert.Null(alone.Executable);
        Assert.Equal(debianLibrary, alone.LibraryPath);
    }

    [Fact]
    public void A_wrong_library_path_is_an_error_that_names_it()
    {
        var error = Assert.Throws<PythonNotFoundException>(() =>
            PythonLocator.Locate(new(), World(new() { ["BRIDGE_PYTHON_LIB"] = "/wrong/libpython.so", ["PATH"] = "/usr/bin" }, ["/usr/bin/python3"], [])));
        Assert.Contains("/wrong/libpython.so", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void A_static_only_interpreter_is_explained_with_the_fix()
    {
        var world = World(new() { ["PATH"] = "/pyenv/bin" }, ["/pyenv/bin/python3"],
            new() { ["/pyenv/bin/python3"] = Facts("/pyenv/bin/python3", "/pyenv/lib/libpython3.11.a", shared: false) });
        var error = Assert.Throws<PythonNotFoundException>(() => PythonLocator.Locate(new(), world));
        Assert.Contains("without a shared libpython", error.Message);
        Assert.Contains("BRIDGE_PYTHON", error.Message);
        Assert.Contains("environment.yml", error.Message);
    }

    [Fact]
    public void An_explicit_interpreter_that_fails_is_not_silently_replaced()
    {
        var world = World(new() { ["BRIDGE_PYTHON"] = "/missing/python3", ["PATH"] = "/usr/bin" },
            ["/usr/bin/python3", "/usr/lib/libpython3.11.so"],
            new() { ["/usr/bin/python3"] = Facts("/usr/bin/python3", "/usr/lib/libpython3.11.so") });
        var error = Assert.Throws<PythonNotFoundException>(() => PythonLocator.Locate(new(), world));
        Assert.Contains("/missing/python3", error.Message);
    }

    [Fact]
    public void Nothing_at_all_says_what_was_looked_at()
    {
        var error = Assert.Throws<PythonNotFoundException>(() => PythonLocator.Locate(new(), World(new(), [], [])));
        Assert.Contains("no python3 on PATH", error.Message);
    }

    [SkippableFact]
    public void A_real_interpreter_answers_the_probe()
    {
        Skip.IfNot(File.Exists("/usr/bin/python3"), "no /usr/bin/python3");
        var facts = InterpreterFacts.Probe("/usr/bin/python3", out var problem);
        Assert.True(facts is not null, problem);
        Assert.StartsWith("3.", facts!.Version);
        Assert.NotEmpty(facts.SysPath);
        Assert.Null(InterpreterFacts.Probe("/definitely/not/python", out var missing));
        Assert.Contains("could not be run", missing);
    }
}
