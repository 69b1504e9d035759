namespace Bridge.Comparison;

/// <summary>Resolves the --data option: a built-in set's name or a file (see <see cref="Datasets.Load"/>).</summary>
internal static class DataChoice
{
    public static Dataset Load(string name, ulong seed) => Datasets.Load(name, seed);
}
