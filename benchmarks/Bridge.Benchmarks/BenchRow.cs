namespace Bridge.Benchmarks;

/// <summary>
/// One line of the speed table: what was measured on each side (fastest round), the ratio of the fastest rounds and
/// of the median rounds, the target and whether the fastest-round ratio meets it (null for a row of context, with no target).
/// </summary>
public sealed record BenchRow(string Name, string Managed, string Other, double Ratio, double MedianRatio, string Target, bool? Met, string Limit);
