namespace Bridge;

/// <summary>
/// One dense layer's parameters in the canonical layout: <c>Kernel</c> holds W[i, j], the weight from node i of the
/// previous layer to node j of this layer (the lecture's w_ij; Keras's Dense kernel has this layout, torch's
/// Linear weight is its transpose), row-major; <c>Bias</c> holds b_j, the weight from a constant-1 node.
/// Thus net_j = Σ_i o_i·W[i, j] + b_j.
/// </summary>
public sealed class LayerWeights
{
    public LayerWeights(int inputs, int outputs)
        : this(inputs, outputs, new double[checked(inputs * outputs)], new double[outputs]) { }

    /// <summary>Wraps the arrays (not copied).</summary>
    public LayerWeights(int inputs, int outputs, double[] kernel, double[] bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(bias);
        if (kernel.Length != (long)inputs * outputs)
            throw new ArgumentException($"A [{inputs}, {outputs}] kernel needs {(long)inputs * outputs} values, got {kernel.Length}.", nameof(kernel));
        if (bias.Length != outputs)
            throw new ArgumentException($"A layer of {outputs} nodes needs {outputs} biases, got {bias.Length}.", nameof(bias));
        Inputs = inputs;
        Outputs = outputs;
        Kernel = kernel;
        Bias = bias;
    }

    public int Inputs { get; }
    public int Outputs { get; }

    /// <summary>W[i, j] at i·Outputs + j.</summary>
    public double[] Kernel { get; }

    public double[] Bias { get; }

    /// <summary>W[i, j]: from node i of the previous layer to node j of this one.</summary>
    public double this[int i, int j]
    {
        get => Kernel[KernelIndex(i, j)];
        set => Kernel[KernelIndex(i, j)] = value;
    }

    public int ParameterCount => Kernel.Length + Bias.Length;

    public LayerWeights Clone() => new(Inputs, Outputs, (double[])Kernel.Clone(), (double[])Bias.Clone());

    /// <summary>The kernel transposed to [Outputs, Inputs] row-major: torch's Linear.weight layout.</summary>
    public double[] KernelTransposed()
    {
        var t = new double[Kernel.Length];
        for (int i = 0; i < Inputs; i++)
            for (int j = 0; j < Outputs; j++)
                t[j * Inputs + i] = Kernel[i * Outputs + j];
        return t;
    }

    /// <summary>Builds a layer from a kernel in torch's [Outputs, Inputs] layout.</summary>
    public static LayerWeights FromTransposedKernel(int inputs, int outputs, ReadOnlySpan<double> weightOutIn, ReadOnlySpan<double> bias)
    {
        if (weightOutIn.Length != (long)inputs * outputs)
            throw new ArgumentException($"A [{outputs}, {inputs}] weight needs {(long)inputs * outputs} values, got {weightOutIn.Length}.");
        var layer = new LayerWeights(inputs, outputs, new double[inputs * outputs], bias.ToArray());
        for (int j = 0; j < outputs; j++)
            for (int i = 0; i < inputs; i++)
                layer.Kernel[i * outputs + j] = weightOutIn[j * inputs + i];
        return layer;
    }

    private int KernelIndex(int i, int j)
    {
        if ((uint)i >= (uint)Inputs || (uint)j >= (uint)Outputs)
            throw new ArgumentOutOfRangeException(nameof(i), $"W[{i}, {j}] is outside a [{Inputs}, {Outputs}] kernel.");
        return i * Outputs + j;
    }
}
