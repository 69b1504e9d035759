using System.IO.Compression;
using System.IO.Hashing;

namespace Bridge.Formats;

/// <summary>
/// One record of a zip archive (a .pt or .keras file) read whole and checked: its size is bounded before anything is
/// allocated, and its CRC-32 must match the one the archive states, so a damaged byte anywhere in it is noticed
/// (.NET's ZipArchive does not check the CRC itself).
/// </summary>
internal static class ZipRecord
{
    /// <param name="file">The archive's path, for messages.</param>
    /// <param name="fileLength">The archive's length: a stored record is no longer, a deflated one at most about 1032 times its packed size.</param>
    /// <param name="limit">The largest record the caller accepts.</param>
    /// <exception cref="InvalidDataException">Too large for the file, cut short, or its CRC-32 does not match.</exception>
    public static byte[] Read(ZipArchiveEntry entry, string file, long fileLength, long limit)
    {
        long bound = entry.CompressedLength == entry.Length ? fileLength : entry.CompressedLength * 1100;
        if (entry.Length > Math.Min(limit, Math.Min(bound, Array.MaxLength)))
            throw new InvalidDataException($"{file}: the record {entry.FullName} claims {entry.Length} bytes, more than " +
                (entry.Length > limit ? $"the {limit} Bridge reads."
                    : entry.Length > bound ? "this file can hold (damaged archive)."
                    // Within the file, but read whole into one array, which cannot hold it.
                    : $"one array can hold ({Array.MaxLength}): too large for Bridge to read."));
        var buffer = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{file}: the record {entry.FullName} cannot be read whole (truncated or damaged archive): {e.Message}", e);
        }
        uint crc = Crc32.HashToUInt32(buffer);
        if (crc != entry.Crc32)
            throw new InvalidDataException($"{file}: the record {entry.FullName} is damaged: its CRC-32 is {crc:x8}, the archive says {entry.Crc32:x8}.");
        return buffer;
    }
}
