using Bridge.Build;

namespace Bridge.Torch.Tests;

/// <summary>The build step that relaxes libLibTorchSharp.so's need for GLIBCXX_3.4.32, tested on copies of real libraries.</summary>
public sealed class NativeLibraryAdaptationTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private const string Marker = "_ZSt21ios_base_library_initv";
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-elf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The library exactly as the TorchSharp package ships it, from the NuGet cache.</summary>
    private static string ShippedLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Skip.IfNot(File.Exists(path), $"TorchSharp's package is not in the NuGet cache at {path}");
        return path;
    }

    [SkippableFact]
    public void Relaxing_changes_only_the_weak_flag_and_the_marker_symbols_version()
    {
        string copy = Path.Combine(_folder, "lib.so");
        File.Copy(ShippedLibrary(), copy);
        byte[] original = File.ReadAllBytes(copy);

        var elf = ElfSymbolVersions.Read(copy);
        var need = Assert.Single(elf.NeededVersions(), n => n.Name == Version);
        Assert.False(need.IsWeak);
        Assert.Equal(Marker, Assert.Single(elf.SymbolsNeeding(need.Index)).Name);

        string? change = elf.RelaxVersion(Version);
        Assert.NotNull(change);
        elf.Save(copy);

        byte[] patched = File.ReadAllBytes(copy);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal(2, differing.Count);
        var reread = ElfSymbolVersions.Read(copy);
        Assert.True(reread.NeededVersions().Single(n => n.Name == Version).IsWeak);
        Assert.Empty(reread.SymbolsNeeding(need.Index));
        // Applying it again finds nothing to do.
        Assert.Null(reread.RelaxVersion(Version));
    }

    [SkippableFact]
    public void The_build_output_holds_the_adapted_copy_exactly_when_the_system_lacks_the_version()
    {
        string system = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists)
            ?? throw new SkipException("no system libstdc++.so.6 at the usual paths");
        bool systemHasIt = ElfSymbolVersions.Read(system).DefinedVersions().Contains(Version);
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var need = ElfSymbolVersions.Read(output).NeededVersions().Single(n => n.Name == Version);
        Assert.Equal(!systemHasIt, need.IsWeak);
        // The package cache's original is never touched.
        Assert.False(ElfSymbolVersions.Read(ShippedLibrary()).NeededVersions().Single(n => n.Name == Version).IsWeak);
    }

    [Fact]
    public void Reads_the_versions_a_system_library_defines()
    {
        string libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("no libc.so.6 found");
        var versions = ElfSymbolVersions.Read(libc).DefinedVersions();
        Assert.Contains("GLIBC_2.2.5", versions);
        Assert.Contains("GLIBC_2.17", versions);
    }

    [Fact]
    public void Refuses_to_relax_a_version_that_relocated_symbols_need()
    {
        // libstdc++ itself needs GLIBC versions for functions it really calls (memcpy, malloc…): relaxing one is unsafe.
        string library = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);
        var elf = ElfSymbolVersions.Read(library);
        var needed = elf.NeededVersions().First(n => n.Name.StartsWith("GLIBC_2.", StringComparison.Ordinal) && elf.SymbolsNeeding(n.Index).Any(s => s.Relocated));
        var error = Assert.Throws<InvalidOperationException>(() => elf.RelaxVersion(needed.Name));
        Assert.Contains("not be safe", error.Message);
    }

    [Fact]
    public void Malformed_files_are_refused_with_the_reason()
    {
        string notElf = Path.Combine(_folder, "text.so");
        File.WriteAllText(notElf, "this is not a shared library, just some text padding it past sixty-four bytes long.");
        Assert.Contains("not an ELF file", Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.Read(notElf)).Message);

        string truncated = Path.Combine(_folder, "truncated.so");
        var bytes = File.ReadAllBytes("/lib/x86_64-linux-gnu/libc.so.6").AsSpan(0, 4096).ToArray();
        File.WriteAllBytes(truncated, bytes);
        Assert.Contains("outside the file", Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.Read(truncated)).Message);
    }
}
