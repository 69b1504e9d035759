using System.Diagnostics;
using Bridge.Python;

namespace Bridge.PythonBackends;

/// <summary>
/// The fix for a Python that lacks a module a backend needs, naming the choices that exist on this machine: another
/// Python here that has the module (Debian's, through BRIDGE_PYTHON), the repository's environment.yml where the user
/// has the repository, and installing the module into the Python in use (pip, conda or apt, whichever manages it).
/// Someone who installed the tool from a package has no environment.yml, so it is named only where one is found.
/// </summary>
internal static class MissingModuleFix
{
    /// <summary>A Python module and the package that brings it, per installer (null: that installer has none).</summary>
    internal sealed record Package(string Module, string Pip, string Conda, string? Debian);

    private static readonly Package[] Known =
    [
        new("sklearn", "scikit-learn", "scikit-learn", "python3-sklearn"),
        new("numpy", "numpy", "numpy", "python3-numpy"),
        new("keras", "keras", "keras", null),
        new("torch", "torch", "pytorch", "python3-torch"),
        new("jax", "jax", "jax", null),
        new("tensorflow", "tensorflow", "tensorflow", null),
    ];

    /// <summary>What the fix may look at; <see cref="Real"/> is this machine.</summary>
    internal sealed record Surroundings(
        Func<string, bool> FileExists,
        Func<string, bool> DirectoryExists,
        Func<string, string, bool> HasModule,
        Func<string?> EnvironmentYml)
    {
        public static Surroundings Real { get; } = new(File.Exists, Directory.Exists, InterpreterHasModule, FindEnvironmentYml);
    }

    internal const string DebianPython = "/usr/bin/python3";

    /// <summary>The package for a top-level module or a package name (an unknown one is installed under its own name).</summary>
    internal static Package For(string moduleOrPackage)
    {
        string top = moduleOrPackage.Split('.')[0];
        return Known.FirstOrDefault(p => p.Module == top || p.Pip == top) ?? new Package(top, top, top, null);
    }

    /// <summary>The missing module's name from a ModuleNotFoundError ("No module named 'sklearn.neural_network'" → sklearn).</summary>
    internal static string? MissingModule(PythonException error)
    {
        if (error.TypeName != "ModuleNotFoundError") return null;
        const string lead = "No module named '";
        int start = error.PythonMessage.IndexOf(lead, StringComparison.Ordinal);
        if (start < 0) return null;
        start += lead.Length;
        int end = error.PythonMessage.IndexOf('\'', start);
        return end > start ? error.PythonMessage[start..end].Split('.')[0] : null;
    }

    /// <summary>
    /// "Fix: …; or …" for <paramref name="packages"/> missing from <paramref name="python"/>: the module that did not
    /// import and the package the backend needs (scikit-learn, where numpy is what is missing), each once.
    /// </summary>
    internal static string Describe(IReadOnlyList<Package> packages, PythonInstallation python, Surroundings world)
    {
        packages = packages.DistinctBy(p => p.Module).ToList();
        var choices = new List<string>();
        string? executable = python.Executable;
        string modules = string.Join(" and ", packages.Select(p => p.Module));

        // Another Python on this machine that has them: Debian's (python3-numpy, python3-sklearn, python3-torch, …).
        if (executable != DebianPython && world.FileExists(DebianPython) && packages.All(p => world.HasModule(DebianPython, p.Module)))
            choices.Add($"BRIDGE_PYTHON={DebianPython} (Debian's Python here has {modules})");

        if (world.EnvironmentYml() is { } environmentYml)
            choices.Add($"conda env create -f {environmentYml}; conda activate bridge (everything the backends use)");

        choices.Add(Install(packages, python, world));
        return "Fix: " + string.Join("; or ", choices) + ".";
    }

    /// <summary>How to install the packages into the Python in use, by whatever manages that Python.</summary>
    private static string Install(IReadOnlyList<Package> packages, PythonInstallation python, Surroundings world)
    {
        string? prefix = python.Prefix;
        string pip = string.Join(" ", packages.Select(p => p.Pip));
        if (prefix is not null && world.DirectoryExists(Path.Combine(prefix, "conda-meta")))
            return $"conda install -p {prefix} -c conda-forge {string.Join(" ", packages.Select(p => p.Conda))}";
        string pythonCommand = python.Executable ?? "python3";
        // Debian's own Python refuses pip (PEP 668, EXTERNALLY-MANAGED): its packages come from apt, others go into a
        // virtualenv that still sees the Debian ones.
        if (python.Executable == DebianPython || (prefix == "/usr" && world.FileExists(DebianPython)))
            return packages.All(p => p.Debian is not null)
                ? $"apt-get install {string.Join(" ", packages.Select(p => p.Debian))}"
                : $"python3 -m venv --system-site-packages ~/.venvs/bridge && ~/.venvs/bridge/bin/python3 -m pip install {pip}, " +
                  "then BRIDGE_PYTHON=~/.venvs/bridge/bin/python3";
        return $"{pythonCommand} -m pip install {pip}";
    }

    /// <summary>Whether <paramref name="python"/> finds <paramref name="module"/> (without importing it).</summary>
    private static bool InterpreterHasModule(string python, string module)
    {
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({Quote(module)}) else 1)");
            using var process = Process.Start(start);
            if (process is null) return false;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string Quote(string module) => "'" + module.Replace("\\", "").Replace("'", "") + "'";

    /// <summary>The repository's environment.yml above the program's folder or the current folder, if there is one.</summary>
    private static string? FindEnvironmentYml()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "environment.yml");
                if (File.Exists(candidate) && File.Exists(Path.Combine(folder.FullName, "Bridge.sln"))) return candidate;
            }
        return null;
    }
}
