namespace Bridge.Formats;

/// <summary>A named array of numbers with a shape, as a snapshot file stores it (float32 or float64).</summary>
public sealed record NamedTensor(string Name, Precision DType, IReadOnlyList<int> Shape, double[] Values)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
