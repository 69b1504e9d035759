namespace Bridge.Python;

/// <summary>
/// Finds the shared libpython to embed. A pure function of the options, the environment variables, the file system
/// and what interpreters say about themselves (all passed in), so every rule can be tested without starting Python.
/// Explicit choices (the option, BRIDGE_PYTHON_LIB, PYTHONNET_PYDLL, BRIDGE_PYTHON) are final: if one fails, that is
/// the error, rather than a silent fall-back to another Python. The environment's own Pythons (conda, virtualenv,
/// PATH) are tried in turn.
/// </summary>
public static class PythonLocator
{
    /// <summary>What the locator may look at.</summary>
    public sealed record Surroundings(
        Func<string, string?> Variable,
        Func<string, bool> FileExists,
        Func<string, (InterpreterFacts? Facts, string? Problem)> Probe)
    {
        /// <summary>This process's environment and file system.</summary>
        public static Surroundings Real { get; } = new(
            Environment.GetEnvironmentVariable,
            File.Exists,
            executable => (InterpreterFacts.Probe(executable, out var problem), problem));
    }

    public static PythonInstallation Locate(PythonOptions options) => Locate(options, Surroundings.Real);

    public static PythonInstallation Locate(PythonOptions options, Surroundings world)
    {
        var tried = new List<string>();

        if (options.LibraryPath is { } explicitLibrary)
            return Library(explicitLibrary, "the LibraryPath option", options.Executable, world);
        foreach (var variable in new[] { "BRIDGE_PYTHON_LIB", "PYTHONNET_PYDLL" })
            if (world.Variable(variable) is { Length: > 0 } library)
                return Library(library, $"{variable}={library}", options.Executable ?? world.Variable("BRIDGE_PYTHON"), world);
        if (options.Executable is { } explicitExecutable)
            return Interpreter(explicitExecutable, "the Executable option", world, tried) ?? throw NotFound(tried);
        if (world.Variable("BRIDGE_PYTHON") is { Length: > 0 } bridgePython)
            return Interpreter(bridgePython, $"BRIDGE_PYTHON={bridgePython}", world, tried) ?? throw NotFound(tried);

        if (world.Variable("CONDA_PREFIX") is { Length: > 0 } conda)
        {
            var found = Interpreter(Path.Combine(conda, "bin", "python3"), $"CONDA_PREFIX={conda}", world, tried);
            if (found is not null) return found;
        }
        if (world.Variable("VIRTUAL_ENV") is { Length: > 0 } venv)
        {
            var found = Interpreter(Path.Combine(venv, "bin", "python3"), $"VIRTUAL_ENV={venv}", world, tried);
            if (found is not null) return found;
        }
        foreach (var directory in (world.Variable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, "python3");
            if (!world.FileExists(candidate)) continue;
            var found = Interpreter(candidate, $"python3 on PATH ({candidate})", world, tried);
            if (found is not null) return found;
            break; // The first python3 on PATH is the one a user means; a later one would be a surprise.
        }
        if (tried.Count == 0) tried.Add("no BRIDGE_PYTHON_LIB, PYTHONNET_PYDLL, BRIDGE_PYTHON, CONDA_PREFIX or VIRTUAL_ENV is set, and there is no python3 on PATH");
        throw NotFound(tried);
    }

    private static PythonInstallation Library(string library, string foundBy, string? executable, Surroundings world)
    {
        if (!world.FileExists(library))
            throw new PythonNotFoundException(
                $"{foundBy} names a Python library that does not exist: {library}. " +
                "Point it at a shared libpython (for Debian's Python: /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0), or unset it.");
        // With an interpreter at hand, use its sys.path so the environment's packages import, and start Python as that
        // interpreter. Without one named, the library's own interpreter (libpython3.11 in <prefix>/lib or a multiarch
        // folder under it, python3.11 in <prefix>/bin) is that interpreter; else CPython's build defaults apply.
        foreach (string candidate in executable is not null ? [executable] : InterpretersBeside(library).Where(world.FileExists))
        {
            var (facts, _) = world.Probe(candidate);
            if (facts is not null && (executable is not null || facts.Version.StartsWith(VersionOf(library) + ".", StringComparison.Ordinal)))
                return new PythonInstallation(library, facts.Executable, facts.Version, facts.Prefix, facts.SysPath, foundBy);
        }
        return new PythonInstallation(library, null, null, null, [], foundBy);
    }

    /// <summary>"3.11" for libpython3.11.so.1.0 (null for a name that is not a libpython's).</summary>
    private static string? VersionOf(string library)
    {
        string name = Path.GetFileName(library);
        if (!name.StartsWith("libpython", StringComparison.Ordinal)) return null;
        string rest = name["libpython".Length..];
        int end = rest.IndexOf(".so", StringComparison.Ordinal) is var so and >= 0 ? so : rest.IndexOf(".dylib", StringComparison.Ordinal);
        string version = (end >= 0 ? rest[..end] : rest).TrimEnd('d', 'm', 't'); // Build flags after the version (3.8d, 3.13t).
        return version.Length > 0 && char.IsDigit(version[0]) ? version : null;
    }

    /// <summary>Where a library's own interpreter would be: bin/python3.X one to three folders above it.</summary>
    private static IEnumerable<string> InterpretersBeside(string library)
    {
        if (VersionOf(library) is not { } version) yield break;
        var folder = Directory.GetParent(Path.GetFullPath(library));
        for (int up = 0; up < 3 && folder?.Parent is { } parent; up++, folder = parent)
            yield return Path.Combine(parent.FullName, "bin", $"python{version}");
    }

    private static PythonInstallation? Interpreter(string executable, string foundBy, Surroundings world, List<string> tried)
    {
        var (facts, problem) = world.Probe(executable);
        if (facts is null)
        {
            tried.Add($"{foundBy}: {executable} {problem ?? "did not answer"}");
            return null;
        }
        if (!facts.SharedLibrary)
        {
            tried.Add($"{foundBy}: {facts.Executable} (Python {facts.Version}) is built without a shared libpython, so it cannot be embedded");
            return null;
        }
        var library = facts.LibraryCandidates.FirstOrDefault(world.FileExists);
        if (library is null)
        {
            tried.Add($"{foundBy}: {facts.Executable} (Python {facts.Version}) names no libpython that exists (looked for {string.Join(", ", facts.LibraryCandidates)})");
            return null;
        }
        return new PythonInstallation(library, facts.Executable, facts.Version, facts.Prefix, facts.SysPath, foundBy);
    }

    private static PythonNotFoundException NotFound(List<string> tried) => new(
        "No usable Python was found. Tried:\n  - " + string.Join("\n  - ", tried) + "\n" +
        "Fix: set BRIDGE_PYTHON to a Python interpreter built with a shared library (Debian: apt-get install python3 " +
        "libpython3.11, then BRIDGE_PYTHON=/usr/bin/python3), or BRIDGE_PYTHON_LIB to the libpython file itself, or " +
        "activate the conda environment from environment.yml (conda env create -f environment.yml; conda activate bridge).");
}
