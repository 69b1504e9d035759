namespace Bridge.Formats.Tests;

/// <summary>
/// The networks the formats are tested on: every shape the comparison harness and its tests build (the CLI's defaults
/// for each model kind, the bench's digits, XOR and Fashion-MNIST nets, the harness tests' MLPs and autoencoder), and
/// every hidden activation with every output activation, each in float32 and float64. Weights are drawn with nonzero
/// biases, so a bias that went astray would show.
/// </summary>
internal static class Shapes
{
    private static readonly Dictionary<string, ModelSpec> Bases = BuildBases();

    /// <summary>Every base shape in both precisions, by name ("NAME float32").</summary>
    public static IReadOnlyDictionary<string, ModelSpec> All { get; } =
        Bases.SelectMany(b => new[] { Precision.Float32, Precision.Float64 }.Select(p => (Name: $"{b.Key} {p.Name()}", Spec: b.Value with { Precision = p })))
            .ToDictionary(x => x.Name, x => x.Spec);

    public static TheoryData<string> Names => [.. All.Keys];

    /// <summary>A few shapes covering each model kind, activation and precision, for the tests that start Python.</summary>
    public static IReadOnlyList<string> Representative { get; } =
    [
        "perceptron 2-1 float64", "perceptron 64-10 float32", "digits 64-32sigmoid-10softmax float64", "cli spirals 2-32tanh-32tanh-3softmax float32",
        "mlp 5-7relu-6relu-4linear float64", "mlp 5-7linear-6linear-4tanh float64", "mlp 5-7sigmoid-6sigmoid-4relu float32",
        "autoencoder 6-5tanh-2linear-5tanh-6sigmoid float64", "autoencoder 8-6relu-3sigmoid-6relu-8linear float32",
    ];

    /// <summary>Weights for <paramref name="spec"/>: kernels and biases all drawn from U(−1, 1), seeded.</summary>
    public static WeightSet Weights(ModelSpec spec, ulong seed = 7) => WeightInit.Uniform(1).Draw(spec, seed);

    /// <summary><paramref name="rows"/> inputs for <paramref name="spec"/> in [−2, 2], rounded to its precision.</summary>
    public static Matrix Inputs(ModelSpec spec, int rows = 17, ulong seed = 11)
    {
        var rng = new Rng(seed);
        var x = new Matrix(rows, spec.Inputs);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = spec.Precision.Round(rng.Uniform(-2, 2));
        return x;
    }

    private static Dictionary<string, ModelSpec> BuildBases()
    {
        var shapes = new Dictionary<string, ModelSpec>
        {
            // The CLI's perceptron on moons (2 features, 2 classes) and on digits (64 features, 10 classes).
            ["perceptron 2-1"] = new Perceptron(2),
            ["perceptron 64-10"] = new Perceptron(64, 10),
            // The bench's networks.
            ["xor 2-4sigmoid-1sigmoid"] = Mlp(2, (4, Activation.Sigmoid), (1, Activation.Sigmoid)),
            ["digits 64-32sigmoid-10softmax"] = Mlp(64, (32, Activation.Sigmoid), (10, Activation.Softmax)),
            ["fashion 784-256relu-10softmax"] = Mlp(784, (256, Activation.Relu), (10, Activation.Softmax)),
            // The harness tests' and the train command tests' networks.
            ["harness 64-16relu-10softmax"] = Mlp(64, (16, Activation.Relu), (10, Activation.Softmax)),
            ["harness 2-8tanh-3sigmoid"] = Mlp(2, (8, Activation.Tanh), (3, Activation.Sigmoid)),
            ["harness 2-6tanh-4sigmoid"] = Mlp(2, (6, Activation.Tanh), (4, Activation.Sigmoid)),
            ["train 64-16tanh-10softmax"] = Mlp(64, (16, Activation.Tanh), (10, Activation.Softmax)),
            // The CLI's default MLP (input, 32, 32, outputs; tanh hidden) with each default output layer.
            ["cli spirals 2-32tanh-32tanh-3softmax"] = Mlp(2, (32, Activation.Tanh), (32, Activation.Tanh), (3, Activation.Softmax)),
            ["cli moons 2-32tanh-32tanh-1sigmoid"] = Mlp(2, (32, Activation.Tanh), (32, Activation.Tanh), (1, Activation.Sigmoid)),
            ["cli values 3-32tanh-32tanh-2linear"] = Mlp(3, (32, Activation.Tanh), (32, Activation.Tanh), (2, Activation.Linear)),
            // The harness tests' autoencoder, the CLI's default one on digits, and one with other activations.
            ["autoencoder 6-5tanh-2linear-5tanh-6sigmoid"] = Autoencoder.Symmetric(6, [5], 2),
            ["autoencoder 64-32tanh-2linear-32tanh-64sigmoid"] = Autoencoder.Symmetric(64, [32], 2),
            ["autoencoder 8-6relu-3sigmoid-6relu-8linear"] = Autoencoder.Symmetric(8, [6], 3, Activation.Relu, Activation.Sigmoid, Activation.Linear),
        };
        // Every hidden activation with every output activation.
        foreach (var hidden in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Linear })
            foreach (var output in new[] { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Linear, Activation.Softmax })
                shapes[$"mlp 5-7{hidden.Name()}-6{hidden.Name()}-4{output.Name()}"] = Mlp(5, (7, hidden), (6, hidden), (4, output));
        return shapes;
    }

    private static Mlp Mlp(int inputs, params (int Units, Activation Activation)[] layers) =>
        new(inputs, layers.Select(l => new Dense(l.Units, l.Activation)));
}
