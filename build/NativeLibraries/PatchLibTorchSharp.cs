// The build step that lets TorchSharp-cpu 0.107's native library load on systems whose libstdc++ predates GCC 13.
// MSBuild's RoslynCodeTaskFactory compiles exactly one source file per task, so the task and the ELF reader it uses
// share this file; the tests compile the reader alone (with BRIDGE_ELF_READER_ONLY defined).
// Written without nullable annotations: the build compiles it with the task factory's defaults.
#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if !BRIDGE_ELF_READER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Bridge.Build
{
#if !BRIDGE_ELF_READER_ONLY
    /// <summary>
    /// libLibTorchSharp.so (TorchSharp 0.107, built with GCC 13) needs GLIBCXX_3.4.32 for one symbol,
    /// _ZSt21ios_base_library_initv: a marker GCC 13's &lt;iostream&gt; emits with no relocation, so nothing ever binds it.
    /// Where the system's libstdc++ lacks that version (GCC 12 and older: Debian 12, Ubuntu 22.04), the loader refuses
    /// the library. This task relaxes exactly that need in the build output's copy and changes nothing else; on a system
    /// whose libstdc++ has the version it does nothing.
    /// </summary>
    public sealed class PatchLibTorchSharp : Task
    {
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>The copies of libLibTorchSharp.so in the output folder.</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Where to look for the system's libstdc++.so.6, first found wins.</summary>
        [Required]
        public ITaskItem[] LibstdcxxCandidates { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            var libstdcxx = LibstdcxxCandidates.Select(c => c.ItemSpec).FirstOrDefault(File.Exists);
            if (libstdcxx == null)
            {
                Log.LogMessage(MessageImportance.Low, "Bridge: no system libstdc++.so.6 found; libLibTorchSharp.so left as shipped.");
                return true;
            }
            if (ElfSymbolVersions.Read(libstdcxx).DefinedVersions().Contains(Version))
            {
                Log.LogMessage(MessageImportance.Low, $"Bridge: {libstdcxx} provides {Version}; libLibTorchSharp.so left as shipped.");
                return true;
            }
            foreach (var item in Libraries)
            {
                string path = item.ItemSpec;
                try
                {
                    var elf = ElfSymbolVersions.Read(path);
                    string change = elf.RelaxVersion(Version);
                    if (change == null) continue;
                    elf.Save(path);
                    Log.LogMessage(MessageImportance.Normal,
                        $"Bridge: {Path.GetFileName(path)} in {Path.GetDirectoryName(path)}: {change} ({libstdcxx} lacks {Version}; see src/Bridge.Torch/README.md).");
                }
                catch (Exception e) when (e is InvalidDataException || e is InvalidOperationException || e is IOException)
                {
                    Log.LogWarning($"Bridge: could not adapt {path} to this system's libstdc++: {e.Message} TorchSharp may fail to load.");
                }
            }
            return true;
        }
    }
#endif

    /// <summary>
    /// The parts of an ELF file that symbol versioning lives in: the version definitions a library provides
    /// (.gnu.version_d), the versions it needs from others (.gnu.version_r), and which version each dynamic symbol
    /// asks for (.gnu.version, parallel to .dynsym).
    /// </summary>
    public sealed class ElfSymbolVersions
    {
        private const uint ShtDynsym = 11, ShtRela = 4, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
        public const ushort VerFlagWeak = 0x2;
        public const ushort VersionIndexGlobal = 1;

        private readonly byte[] _bytes;
        private readonly string _path;
        private readonly List<Section> _sections = new List<Section>();

        private ElfSymbolVersions(string path, byte[] bytes)
        {
            _path = path;
            _bytes = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw Corrupt("it is not an ELF file");
            if (bytes[4] != 2) throw Corrupt("it is not a 64-bit ELF file");
            if (bytes[5] != 1) throw Corrupt("it is not a little-endian ELF file");
            ulong sectionOffset = U64(0x28);
            int entrySize = U16(0x3A), count = U16(0x3C);
            if (entrySize < 64 || sectionOffset + (ulong)entrySize * (ulong)count > (ulong)bytes.Length)
                throw Corrupt("its section header table lies outside the file");
            for (int i = 0; i < count; i++)
            {
                int o = checked((int)sectionOffset + i * entrySize);
                var s = new Section(U32(o + 4), U64(o + 24), U64(o + 32), U32(o + 40), U32(o + 44), U64(o + 56));
                if (s.Type != 8 /* NOBITS */ && s.Offset + s.Size > (ulong)bytes.Length)
                    throw Corrupt($"section {i} lies outside the file");
                _sections.Add(s);
            }
        }

        public static ElfSymbolVersions Read(string path) => new ElfSymbolVersions(path, File.ReadAllBytes(path));

        /// <summary>The version names this library defines (for libstdc++: GLIBCXX_3.4, …, GLIBCXX_3.4.30).</summary>
        public IReadOnlyList<string> DefinedVersions()
        {
            var names = new List<string>();
            foreach (var section in _sections.Where(s => s.Type == ShtGnuVerdef))
            {
                var strings = StringTable(section);
                int entry = checked((int)section.Offset);
                for (uint n = 0; n < section.Info; n++)
                {
                    int auxiliary = entry + (int)U32(entry + 12);
                    names.Add(ReadString(strings, U32(auxiliary)));
                    uint next = U32(entry + 16);
                    if (next == 0) break;
                    entry += (int)next;
                }
            }
            return names;
        }

        /// <summary>One version this library needs: the library that should provide it, its index and flags, and where the flags are.</summary>
        public sealed class NeededVersion
        {
            public NeededVersion(string library, string name, ushort index, ushort flags, int flagsOffset)
            {
                Library = library; Name = name; Index = index; Flags = flags; FlagsOffset = flagsOffset;
            }
            public string Library { get; }
            public string Name { get; }
            public ushort Index { get; }
            public ushort Flags { get; }
            public int FlagsOffset { get; }
            public bool IsWeak => (Flags & VerFlagWeak) != 0;
        }

        public IReadOnlyList<NeededVersion> NeededVersions()
        {
            var needed = new List<NeededVersion>();
            foreach (var section in _sections.Where(s => s.Type == ShtGnuVerneed))
            {
                var strings = StringTable(section);
                int entry = checked((int)section.Offset);
                for (uint n = 0; n < section.Info; n++)
                {
                    int count = U16(entry + 2);
                    string library = ReadString(strings, U32(entry + 4));
                    int auxiliary = entry + (int)U32(entry + 8);
                    for (int k = 0; k < count; k++)
                    {
                        Inside(auxiliary, 16);
                        needed.Add(new NeededVersion(library, ReadString(strings, U32(auxiliary + 8)), U16(auxiliary + 6), U16(auxiliary + 4), auxiliary + 4));
                        uint nextAux = U32(auxiliary + 12);
                        if (nextAux == 0) break;
                        auxiliary += (int)nextAux;
                    }
                    uint next = U32(entry + 12);
                    if (next == 0) break;
                    entry += (int)next;
                }
            }
            return needed;
        }

        /// <summary>A dynamic symbol with the version index it asks for and whether any relocation refers to it.</summary>
        public sealed class VersionedSymbol
        {
            public VersionedSymbol(int index, string name, ushort version, int versionOffset, bool defined, bool relocated)
            {
                Index = index; Name = name; Version = version; VersionOffset = versionOffset; Defined = defined; Relocated = relocated;
            }
            public int Index { get; }
            public string Name { get; }
            public ushort Version { get; }
            public int VersionOffset { get; }
            public bool Defined { get; }
            public bool Relocated { get; }
        }

        /// <summary>The dynamic symbols that ask for version <paramref name="index"/>.</summary>
        public IReadOnlyList<VersionedSymbol> SymbolsNeeding(ushort index)
        {
            var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym) ?? throw Corrupt("it has no dynamic symbol table");
            var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym) ?? throw Corrupt("it has no .gnu.version section");
            var strings = StringTable(dynsym);
            int count = (int)(dynsym.Size / 24);
            if (versym.Size < (ulong)count * 2) throw Corrupt(".gnu.version is shorter than the dynamic symbol table");
            var relocated = RelocatedSymbols(dynsym);
            var result = new List<VersionedSymbol>();
            for (int i = 0; i < count; i++)
            {
                int versionOffset = checked((int)versym.Offset + 2 * i);
                ushort version = (ushort)(U16(versionOffset) & 0x7fff);
                if (version != index) continue;
                int symbol = checked((int)dynsym.Offset + 24 * i);
                result.Add(new VersionedSymbol(i, ReadString(strings, U32(symbol)), version, versionOffset, U16(symbol + 6) != 0, relocated.Contains(i)));
            }
            return result;
        }

        /// <summary>
        /// Makes the need for <paramref name="version"/> weak and releases the symbols that ask for it from their version,
        /// if, and only if, every such symbol is an undefined marker that no relocation uses: then the library never
        /// looks the version up, and a system whose libstdc++ lacks it loads the library unchanged in behaviour.
        /// Returns a description of what was changed, or null when the file already carries the change.
        /// </summary>
        /// <exception cref="InvalidOperationException">The version is used by a symbol the library really binds.</exception>
        public string RelaxVersion(string version)
        {
            var needs = NeededVersions().Where(n => n.Name == version).ToList();
            if (needs.Count == 0) return null;
            var changes = new List<string>();
            foreach (var need in needs)
            {
                var symbols = SymbolsNeeding(need.Index);
                var bound = symbols.Where(s => s.Defined || s.Relocated).ToList();
                if (bound.Count > 0)
                    throw new InvalidOperationException(
                        $"{_path} needs {version} for {string.Join(", ", bound.Select(s => s.Name))}, which the library binds at run time; relaxing that version would not be safe.");
                foreach (var symbol in symbols)
                {
                    Write16(symbol.VersionOffset, VersionIndexGlobal);
                    changes.Add($"cleared the version of {symbol.Name}");
                }
                if (!need.IsWeak)
                {
                    Write16(need.FlagsOffset, (ushort)(need.Flags | VerFlagWeak));
                    changes.Add($"marked the need for {version} from {need.Library} weak");
                }
            }
            return changes.Count == 0 ? null : string.Join("; ", changes);
        }

        /// <summary>Writes the (edited) bytes to <paramref name="path"/> through a temporary file and a rename.</summary>
        public void Save(string path)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(_bytes, 0, _bytes.Length);
                    stream.Flush(true);
                }
                // A rename, never a write through the old file: a hard link to the package cache's original stays untouched.
                if (File.Exists(path)) File.Replace(temporary, path, null);
                else File.Move(temporary, path);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }

        public byte[] Bytes => _bytes;

        private HashSet<int> RelocatedSymbols(Section dynsym)
        {
            int dynsymIndex = _sections.IndexOf(dynsym);
            var symbols = new HashSet<int>();
            foreach (var rela in _sections.Where(s => s.Type == ShtRela && s.Link == dynsymIndex))
            {
                for (ulong o = rela.Offset; o + 24 <= rela.Offset + rela.Size; o += 24)
                    symbols.Add((int)(U64(checked((int)o) + 8) >> 32));
            }
            return symbols;
        }

        private Section StringTable(Section section)
        {
            if (section.Link >= _sections.Count) throw Corrupt("a section links to a string table that does not exist");
            return _sections[(int)section.Link];
        }

        private string ReadString(Section table, uint offset)
        {
            if (offset >= table.Size) throw Corrupt("a name lies outside its string table");
            int start = checked((int)(table.Offset + offset));
            int end = start;
            int limit = checked((int)(table.Offset + table.Size));
            while (end < limit && _bytes[end] != 0) end++;
            return Encoding.ASCII.GetString(_bytes, start, end - start);
        }

        private void Inside(int offset, int length)
        {
            if (offset < 0 || offset + length > _bytes.Length) throw Corrupt("a version entry lies outside the file");
        }

        private ushort U16(int o) { Inside(o, 2); return (ushort)(_bytes[o] | _bytes[o + 1] << 8); }
        private uint U32(int o) { Inside(o, 4); return BitConverter.ToUInt32(_bytes, o); }
        private ulong U64(int o) { Inside(o, 8); return BitConverter.ToUInt64(_bytes, o); }

        private void Write16(int o, ushort value)
        {
            Inside(o, 2);
            _bytes[o] = (byte)value;
            _bytes[o + 1] = (byte)(value >> 8);
        }

        private InvalidDataException Corrupt(string problem) => new InvalidDataException($"{_path}: {problem}.");

        private sealed class Section
        {
            public Section(uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
            {
                Type = type; Offset = offset; Size = size; Link = link; Info = info; EntrySize = entrySize;
            }
            public uint Type { get; }
            public ulong Offset { get; }
            public ulong Size { get; }
            public uint Link { get; }
            public uint Info { get; }
            public ulong EntrySize { get; }
        }
    }
}
