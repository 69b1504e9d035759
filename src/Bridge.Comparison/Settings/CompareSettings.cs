namespace Bridge.Comparison;

/// <summary>The compare command's options, as given (null: not given, use the default).</summary>
public sealed record CompareSettings
{
    public string Model { get; init; } = "mlp";
    public string? Layers { get; init; }
    public string? Activation { get; init; }
    public string? OutputActivation { get; init; }
    public string? CodeActivation { get; init; }
    public string? Loss { get; init; }
    public string Optimizer { get; init; } = "sgd";
    public double? LearningRate { get; init; }
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public string? Init { get; init; }
    public string Data { get; init; } = "spirals";
    public double TestFraction { get; init; } = 0.2;
    public int Epochs { get; init; } = 100;
    public int BatchSize { get; init; } = 32;
    public string Precision { get; init; } = "float64";
    public string? Backends { get; init; }
    public string Reference { get; init; } = "managed";
    public string? Device { get; init; }
    public ulong Seed { get; init; }
    public int KSteps { get; init; } = 10;
    public string? Corruption { get; init; }
}
