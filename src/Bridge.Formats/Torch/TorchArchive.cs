using System.IO.Compression;
using System.Text;

namespace Bridge.Formats;

/// <summary>
/// The container <c>torch.save</c> writes since torch 1.6: a zip whose records all sit in one folder — <c>data.pkl</c>
/// (the pickle of the saved object, tensors replaced by references to storages), <c>data/KEY</c> (each storage's raw
/// bytes, in the byte order of <c>byteorder</c>, little-endian when absent), <c>version</c> (the format's version).
/// </summary>
internal sealed class TorchArchive : IDisposable
{
    /// <summary>The record format version torch writes and reads for tensors in storages ("3").</summary>
    public const string FormatVersion = "3";

    /// <summary>The largest pickle read: a state_dict's is a few kilobytes per tensor.</summary>
    public const int MaxPickleBytes = 64 << 20;

    private readonly ZipArchive _zip;
    private readonly string _name;
    private readonly string _folder;
    private readonly long _fileLength;

    private TorchArchive(ZipArchive zip, string name, string folder, long fileLength)
    {
        _zip = zip;
        _name = name;
        _folder = folder;
        _fileLength = fileLength;
    }

    /// <summary>Writes a torch.save archive in folder <paramref name="folder"/>: the pickle, then storage i as data/i.</summary>
    public static void Write(Stream stream, string folder, byte[] pickle, IReadOnlyList<byte[]> storages)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        void Record(string name, byte[] bytes)
        {
            // Stored, not deflated: as torch writes them, so a reader may map the storages straight from the file.
            using var entry = zip.CreateEntry($"{folder}/{name}", CompressionLevel.NoCompression).Open();
            entry.Write(bytes);
        }
        Record("data.pkl", pickle);
        Record("byteorder", "little"u8.ToArray()); // the storages are always written little-endian
        for (int i = 0; i < storages.Count; i++) Record($"data/{i}", storages[i]);
        Record("version", Encoding.ASCII.GetBytes(FormatVersion + "\n"));
    }

    /// <summary>Opens a torch.save archive, refusing anything that is not one.</summary>
    /// <exception cref="InvalidDataException">Not a zip, or a zip without one folder's data.pkl.</exception>
    public static TorchArchive Open(string path)
    {
        long length = new FileInfo(path).Length;
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"{path} is not a readable torch.save file: it is not a zip archive ({e.Message}). It may be truncated, damaged, " +
                "or saved in torch's format from before 1.6 (_use_new_zipfile_serialization=False): save it again with a current torch.", e);
        }
        try
        {
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException($"{path} is a zip but not a torch.save file: it has {(pickles.Count == 0 ? "no" : pickles.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} FOLDER/data.pkl record{(pickles.Count == 0 ? "" : "s")}.");
            return new TorchArchive(zip, path, pickles[0].FullName[..^"/data.pkl".Length], length);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>The pickle of the saved object.</summary>
    public byte[] Pickle() => Read("data.pkl", MaxPickleBytes, expected: null);

    /// <summary>Whether the storages were written big-endian (the byteorder record says "big").</summary>
    public bool BigEndian
    {
        get
        {
            if (_zip.GetEntry($"{_folder}/byteorder") is null) return false;
            string order = Encoding.ASCII.GetString(Read("byteorder", 16, expected: null)).Trim();
            return order switch
            {
                "little" => false,
                "big" => true,
                _ => throw new InvalidDataException($"{_name}: its byteorder record says '{order}', neither little nor big."),
            };
        }
    }

    /// <summary>The raw bytes of storage <paramref name="key"/>, which must be exactly <paramref name="bytes"/> long.</summary>
    public byte[] Storage(string key, long bytes) => Read($"data/{key}", long.MaxValue, bytes);

    private byte[] Read(string record, long limit, long? expected)
    {
        var entry = _zip.GetEntry($"{_folder}/{record}")
            ?? throw new InvalidDataException($"{_name}: the record {_folder}/{record} is missing (truncated or damaged archive).");
        if (expected is long size && entry.Length != size)
            throw new InvalidDataException($"{_name}: the record {entry.FullName} holds {entry.Length} bytes where its tensor needs {size} (damaged archive).");
        return ZipRecord.Read(entry, _name, _fileLength, limit);
    }

    public void Dispose() => _zip.Dispose();
}
