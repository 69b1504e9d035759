namespace Bridge.Testing;

/// <summary>Every form of optimizer the backends map to their libraries: plain SGD, momentum, Nesterov, Adam.</summary>
public static class OptimizerCases
{
    public static IEnumerable<object[]> All() =>
    [
        [new Sgd(0.1)],
        [new Sgd(0.1, 0.9)],
        [new Sgd(0.05, 0.9, Nesterov: true)],
        [new Adam(0.01)],
    ];
}
