using System.Diagnostics;

namespace Bridge.Torch.Tests;

/// <summary>
/// BRIDGE_LIBTORCH and BRIDGE_LIBTORCHSHARP: each way they can be wrong is refused with the file and the reason, before
/// anything is loaded that could take the process down. (That a right pair loads and trains is shown by
/// build/gpu/check.sh --cpu, which runs the published tool on the CPU libtorch package named this way; this test
/// process has TorchSharp's own libtorch loaded, beside which another must not be.)
/// </summary>
public sealed class ExternalLibTorchTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-external-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Func<string, string?> Variables(string? libtorch, string? shim) => name => name switch
    {
        ExternalLibTorch.LibTorchVariable => libtorch,
        ExternalLibTorch.ShimVariable => shim,
        _ => null,
    };

    [Fact]
    public void Neither_variable_means_the_builds_own_libtorch()
    {
        Assert.Null(ExternalLibTorch.FromEnvironment(Variables(null, null)));
        Assert.Null(ExternalLibTorch.FromEnvironment(Variables("", "")));
    }

    [Fact]
    public void A_folder_without_libtorch_is_named_with_how_to_find_the_right_one()
    {
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(_folder, null), []));
        Assert.Contains($"BRIDGE_LIBTORCH={_folder} holds no libtorch.so", e.Message);
        Assert.Contains("torch.__file__", e.Message);
    }

    [Fact]
    public void A_missing_shim_file_is_named()
    {
        string missing = Path.Combine(_folder, "libLibTorchSharp.so");
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(null, missing), []));
        Assert.Equal($"BRIDGE_LIBTORCHSHARP={missing}: no such file.", e.Message);
    }

    [Fact]
    public void A_libtorch_beside_the_applications_own_is_refused_with_the_build_property_that_leaves_it_out()
    {
        File.WriteAllText(Path.Combine(_folder, "libtorch.so"), "");
        string carried = Path.Combine(_folder, "app");
        Directory.CreateDirectory(carried);
        File.WriteAllText(Path.Combine(carried, "libtorch_cpu.so"), "");
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(_folder, null), [carried]));
        Assert.Contains($"this application carries its own ({Path.Combine(carried, "libtorch_cpu.so")})", e.Message);
        Assert.Contains("-p:BridgeLibTorch=external", e.Message);
    }

    [Fact]
    public void The_applications_own_folder_named_with_a_trailing_separator_is_its_own_libtorch_not_another_beside_it()
    {
        // An empty file: past the check for a shadowing libtorch, loading it fails, and says so.
        File.WriteAllText(Path.Combine(_folder, "libtorch.so"), "");
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(_folder + "/", null), [_folder]));
        Assert.DoesNotContain("carries its own", e.Message);
        Assert.Contains($"BRIDGE_LIBTORCH: {Path.Combine(_folder, "libtorch.so")} could not be loaded", e.Message);
    }

    [Fact]
    public void A_path_that_is_no_path_is_refused_as_a_load_failure_naming_it()
    {
        // What the runtime turns into "torch unavailable"; any other exception would make every later question about torch throw.
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables("/opt/lib\0torch", null), []));
        Assert.Contains("BRIDGE_LIBTORCH=/opt/lib", e.Message);
        Assert.Contains("a path could not be used", e.Message);
    }

    [Fact]
    public void A_shim_beside_the_applications_own_is_refused()
    {
        string shim = Path.Combine(_folder, "libLibTorchSharp.so");
        File.WriteAllText(shim, "");
        string carried = Path.Combine(_folder, "app");
        Directory.CreateDirectory(carried);
        File.WriteAllText(Path.Combine(carried, "libLibTorchSharp.so"), "");
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(null, shim), [carried]));
        Assert.Contains("which TorchSharp would load instead", e.Message);
    }

    [SkippableFact]
    public void A_shim_built_for_another_libtorch_is_refused_naming_the_symbol_it_lacks()
    {
        // A library that calls a function no loaded library defines: what a shim built for another libtorch is.
        string shim = Compile("libLibTorchSharp.so", "extern void bridge_test_absent_function(void); void THSCaller(void) { bridge_test_absent_function(); }");
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(null, shim), []));
        Assert.Contains($"BRIDGE_LIBTORCHSHARP: {shim} could not be loaded", e.Message);
        Assert.Contains("undefined symbol: bridge_test_absent_function", e.Message);
        Assert.Contains("built against another libtorch", e.Message);
    }

    [SkippableFact]
    public void A_shim_that_TorchSharp_would_not_find_by_name_is_refused()
    {
        string shim = Compile("libLibTorchSharp.so", "int THSNothing(void) { return 1; }", soname: "libSomethingElse.so");
        var e = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.FromEnvironment(Variables(null, shim), []));
        Assert.Contains("not under the name libLibTorchSharp.so", e.Message);
    }

    /// <summary>A shared library from C source, with the system's C compiler (skips without one).</summary>
    private string Compile(string name, string source, string? soname = null)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "loading a shim is Linux's");
        string compiler = new[] { "/usr/bin/cc", "/usr/bin/gcc" }.FirstOrDefault(File.Exists) ?? "";
        Skip.If(compiler == "", "no C compiler (/usr/bin/cc) to build a test library with; install gcc");
        string directory = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string c = Path.Combine(directory, "shim.c"), library = Path.Combine(directory, name);
        File.WriteAllText(c, source);
        var start = new ProcessStartInfo(compiler) { RedirectStandardError = true };
        foreach (string a in new[] { "-shared", "-fPIC", "-o", library, c, $"-Wl,-soname,{soname ?? name}" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the test library did not compile: {errors}");
        return library;
    }
}
