using System.Diagnostics;
using Bridge.Python;
using Bridge.Sklearn;

namespace Bridge.PythonBackends.Tests;

/// <summary>
/// The fix offered for a Python that lacks a backend's module names what exists on the machine: Debian's Python where
/// it has the module, environment.yml where the repository is at hand, else installing into the Python in use.
/// </summary>
public sealed class MissingModuleFixTests
{
    private const string Pyenv = "/home/u/.pyenv/versions/3.11.7/bin/python3";

    private static PythonInstallation Python(string executable, string prefix) =>
        new("/lib/libpython3.11.so", executable, "3.11.7", prefix, [], "test");

    private static MissingModuleFix.Surroundings World(string[] debianModules, string? environmentYml = null, string[]? directories = null) =>
        new(path => path == MissingModuleFix.DebianPython,
            directory => directories?.Contains(directory) ?? false,
            (python, module) => python == MissingModuleFix.DebianPython && debianModules.Contains(module),
            () => environmentYml);

    [Fact]
    public void A_python_without_sklearn_is_pointed_at_debians_that_has_it_at_the_repository_and_at_pip()
    {
        string fix = MissingModuleFix.Describe([MissingModuleFix.For("scikit-learn")], Python(Pyenv, "/home/u/.pyenv/versions/3.11.7"),
            World(["sklearn", "numpy"], "/src/bridge/environment.yml"));
        Assert.Contains("BRIDGE_PYTHON=/usr/bin/python3", fix);
        Assert.Contains("conda env create -f /src/bridge/environment.yml", fix);
        Assert.Contains($"{Pyenv} -m pip install scikit-learn", fix);
    }

    [Fact]
    public void Without_the_repository_environment_yml_is_not_mentioned()
    {
        string fix = MissingModuleFix.Describe([MissingModuleFix.For("sklearn")], Python(Pyenv, "/p"), World([]));
        Assert.DoesNotContain("environment.yml", fix);
        Assert.DoesNotContain("BRIDGE_PYTHON=/usr/bin/python3", fix); // Debian's has no sklearn in this world.
        Assert.Contains($"{Pyenv} -m pip install scikit-learn", fix);
    }

    [Fact]
    public void Debians_python_is_not_offered_as_the_fix_for_itself_and_pip_is_not_offered_where_apt_manages()
    {
        var debian = Python(MissingModuleFix.DebianPython, "/usr");
        string keras = MissingModuleFix.Describe([MissingModuleFix.For("keras")], debian, World(["sklearn"]));
        Assert.DoesNotContain("BRIDGE_PYTHON=/usr/bin/python3 (", keras);
        Assert.Contains("-m venv --system-site-packages", keras); // Debian packages no keras: a virtualenv over it.
        Assert.Contains("pip install keras", keras);
        string sklearn = MissingModuleFix.Describe([MissingModuleFix.For("sklearn")], debian, World([]));
        Assert.Contains("apt-get install python3-sklearn", sklearn);
        Assert.DoesNotContain("pip", sklearn);
    }

    [Fact]
    public void A_conda_environment_gets_conda_install_under_condas_package_name()
    {
        var conda = Python("/opt/conda/envs/x/bin/python3", "/opt/conda/envs/x");
        string fix = MissingModuleFix.Describe([MissingModuleFix.For("torch")], conda, World([], directories: ["/opt/conda/envs/x/conda-meta"]));
        Assert.Contains("conda install -p /opt/conda/envs/x -c conda-forge pytorch", fix);
        Assert.DoesNotContain("pip", fix);
    }

    [Fact]
    public void A_missing_dependency_is_installed_with_the_package_and_debian_must_have_both()
    {
        string fix = MissingModuleFix.Describe([MissingModuleFix.For("numpy"), MissingModuleFix.For("scikit-learn")], Python(Pyenv, "/p"),
            World(["numpy"]));
        Assert.DoesNotContain("BRIDGE_PYTHON=/usr/bin/python3", fix); // Debian's has numpy but no sklearn in this world.
        Assert.Contains("pip install numpy scikit-learn", fix);
        string both = MissingModuleFix.Describe([MissingModuleFix.For("numpy"), MissingModuleFix.For("scikit-learn")], Python(Pyenv, "/p"),
            World(["numpy", "sklearn"]));
        Assert.Contains("BRIDGE_PYTHON=/usr/bin/python3 (Debian's Python here has numpy and sklearn)", both);
    }

    [Fact]
    public void The_missing_module_is_read_from_the_python_error()
    {
        Assert.Equal("sklearn", MissingModuleFix.MissingModule(new PythonException("ModuleNotFoundError", "No module named 'sklearn.neural_network'", "", "import")));
        Assert.Equal("numpy", MissingModuleFix.MissingModule(new PythonException("ModuleNotFoundError", "No module named 'numpy'", "", "import")));
        Assert.Null(MissingModuleFix.MissingModule(new PythonException("ImportError", "cannot import name 'x' from 'y'", "", "import")));
    }

    /// <summary>End to end, in a process of its own: a virtualenv without scikit-learn, named by BRIDGE_PYTHON.</summary>
    [SkippableFact]
    public void A_virtualenv_without_sklearn_gets_the_choices_of_this_machine()
    {
        Skip.IfNot(File.Exists(MissingModuleFix.DebianPython), "no /usr/bin/python3");
        string venv = Path.Combine(Path.GetTempPath(), $"bridge-venv-nosklearn-{Environment.ProcessId}");
        try
        {
            var (made, error) = Run("/usr/bin/python3", [], "-m", "venv", "--without-pip", "--clear", venv);
            Skip.If(made != 0, $"no virtualenv could be made (Debian: apt-get install python3-venv): {error}");
            string python = Path.Combine(venv, "bin", "python3");
            var (code, output) = Run("dotnet", new() { ["BRIDGE_PYTHON"] = python, ["BRIDGE_PYTHON_LIB"] = null, ["PYTHONNET_PYDLL"] = null },
                typeof(MissingModuleFixTests).Assembly.Location, "sklearn-availability");
            Assert.True(code == 0, output);
            Assert.Contains("No module named", output);
            Assert.Contains($"{python} -m pip install", output);
            Assert.Contains("environment.yml", output); // The tests run inside the repository.
            bool debianHasSklearn = Run("/usr/bin/python3", [], "-c", "import sklearn").Code == 0;
            Assert.Equal(debianHasSklearn, output.Contains("BRIDGE_PYTHON=/usr/bin/python3"));
        }
        finally
        {
            if (Directory.Exists(venv)) Directory.Delete(venv, recursive: true);
        }
    }

    private static (int Code, string Output) Run(string program, Dictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
