using System.Security.Cryptography;
using Bridge.Data;

namespace Bridge;

/// <summary>
/// The digits file that ships inside Bridge.Core (see README.md beside it): scikit-learn's digits.csv.gz, checked
/// against its length and SHA-256 before it is read, so that a damaged assembly is an error, never other data.
/// </summary>
internal static class BundledDigits
{
    /// <summary>How the copy is named in messages.</summary>
    public const string Name = "the digits copy inside Bridge.Core";

    private const string ResourceName = "Bridge.Data.digits.csv.gz";
    private const int Length = 57_512;
    private const string Sha256 = "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a";

    /// <summary>The file, checked.</summary>
    public static byte[] Bytes()
    {
        using var resource = typeof(BundledDigits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"{Name} is missing from the assembly (resource {ResourceName}): the installation is damaged; reinstall Bridge.");
        var bytes = new byte[resource.Length];
        resource.ReadExactly(bytes);
        Verify(bytes);
        return bytes;
    }

    /// <summary>The file as a data stream for <see cref="Digits"/>'s reader.</summary>
    public static DataStream Open() => DataFile.FromSeekable(Name, new MemoryStream(Bytes(), writable: false));

    /// <summary>Throws unless <paramref name="bytes"/> are the file this copy must be.</summary>
    internal static void Verify(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new InvalidDataException($"{Name} has {bytes.Length} bytes instead of {Length}: the installation is damaged; reinstall Bridge.");
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256)
            throw new InvalidDataException($"{Name} fails its checksum (SHA-256 {actual}, expected {Sha256}): the installation is damaged; reinstall Bridge.");
    }
}
