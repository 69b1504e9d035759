namespace Bridge.Comparison;

/// <summary>One line of the speed table: what was measured on each side, the ratio, the target and whether it is met.</summary>
public sealed record BenchRow(string Name, string Managed, string Other, double Ratio, string Target, bool Met, string Limit);
