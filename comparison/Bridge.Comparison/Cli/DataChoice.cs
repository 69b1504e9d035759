namespace Bridge.Comparison;

/// <summary>Resolves the --data option: a built-in set's name or a file.</summary>
internal static class DataChoice
{
    public static Dataset Load(string name, ulong seed) => name.Trim().ToLowerInvariant() switch
    {
        "xor" => Dataset.Classification("xor", Matrix.FromRows([0.0, 0], [0, 1], [1, 0], [1, 1]), [0, 1, 1, 0], 2),
        _ => throw new ArgumentException($"Unknown data set '{name}'."),
    };
}
