namespace Bridge.Comparison;

/// <summary>A backend as the comparison saw it: whether it ran, and if not, why.</summary>
public sealed record BackendStatus(string Name, bool Available, string Reason, string? Device, Precision Precision);
