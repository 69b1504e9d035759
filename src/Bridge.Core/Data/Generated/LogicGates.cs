namespace Bridge;

public static partial class Datasets
{
    /// <summary>The four binary inputs (0,0), (0,1), (1,0), (1,1), in that order, as every gate below lists them.</summary>
    private static readonly double[][] GateInputs = [[0, 0], [0, 1], [1, 0], [1, 1]];

    /// <summary>Exclusive or: class 1 for (0,1) and (1,0). No single perceptron separates it; an MLP with a hidden layer does.</summary>
    public static Dataset Xor() => Gate("xor", [0, 1, 1, 0]);

    /// <summary>Logical and: class 1 only for (1,1). Linearly separable.</summary>
    public static Dataset And() => Gate("and", [0, 0, 0, 1]);

    /// <summary>Logical or: class 0 only for (0,0). Linearly separable.</summary>
    public static Dataset Or() => Gate("or", [0, 1, 1, 1]);

    /// <summary>Not-and: class 0 only for (1,1). Linearly separable.</summary>
    public static Dataset Nand() => Gate("nand", [1, 1, 1, 0]);

    private static Dataset Gate(string name, int[] outputs) =>
        Dataset.Classification(name, Matrix.FromRows(GateInputs), outputs, classCount: 2, classNames: ["0", "1"]);
}
