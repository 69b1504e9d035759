namespace Bridge;

/// <summary>
/// How initial weights are drawn. Bridge draws them once, in Core, from a seed, and hands the same numbers to
/// every backend: that is what makes "the backends agree" a meaningful check. fan_in and fan_out are a layer's
/// input and output counts. Biases start at 0 unless stated.
/// </summary>
public abstract record WeightInit
{
    /// <summary>Glorot/Xavier uniform (Keras's default): W ~ U(−a, a), a = √(6 / (fan_in + fan_out)).</summary>
    public static WeightInit GlorotUniform { get; } = new Glorot(IsUniform: true);

    /// <summary>Glorot/Xavier normal: W ~ N(0, 2 / (fan_in + fan_out)), truncated at two standard deviations as Keras does.</summary>
    public static WeightInit GlorotNormal { get; } = new Glorot(IsUniform: false);

    /// <summary>He uniform (for relu): W ~ U(−a, a), a = √(6 / fan_in).</summary>
    public static WeightInit HeUniform { get; } = new He(IsUniform: true);

    /// <summary>He normal (for relu): W ~ N(0, 2 / fan_in), truncated at two standard deviations.</summary>
    public static WeightInit HeNormal { get; } = new He(IsUniform: false);

    /// <summary>torch.nn.Linear's default: W and b ~ U(−a, a), a = 1 / √fan_in.</summary>
    public static WeightInit TorchDefault { get; } = new TorchLinear();

    /// <summary>W and b ~ U(−limit, limit): the "small random weights" of the lecture.</summary>
    public static WeightInit Uniform(double limit) => new UniformRange(limit);

    /// <summary>Every weight and bias 0 (training cannot break the symmetry; for demonstrations and tests).</summary>
    public static WeightInit Zeros { get; } = new Constant(0);

    public abstract string Name { get; }

    /// <summary>Fills one layer: kernel row-major (W[0,0], W[0,1], …), then the bias, from <paramref name="rng"/>.</summary>
    public abstract void Fill(LayerWeights layer, Rng rng);

    public static WeightInit Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "glorot-uniform" or "glorot_uniform" or "xavier-uniform" or "glorot" or "xavier" => GlorotUniform,
        "glorot-normal" or "glorot_normal" or "xavier-normal" => GlorotNormal,
        "he-uniform" or "he_uniform" => HeUniform,
        "he-normal" or "he_normal" => HeNormal,
        "torch" or "torch-default" => TorchDefault,
        "zeros" => Zeros,
        _ when name.StartsWith("uniform:", StringComparison.OrdinalIgnoreCase)
            && double.TryParse(name.AsSpan(8), System.Globalization.CultureInfo.InvariantCulture, out double limit) => Uniform(limit),
        _ => throw new ArgumentException(
            $"Unknown initializer '{name}': expected glorot-uniform, glorot-normal, he-uniform, he-normal, torch-default, uniform:LIMIT or zeros.",
            nameof(name)),
    };

    /// <summary>Draws a whole weight set for <paramref name="spec"/> from <paramref name="seed"/>, rounded to the spec's precision.</summary>
    public WeightSet Draw(ModelSpec spec, ulong seed)
    {
        var rng = Rng.ForStream(seed, Rng.Streams.Weights);
        var layers = new List<LayerWeights>();
        foreach (var (inputs, outputs) in spec.LayerShapes())
        {
            var layer = new LayerWeights(inputs, outputs);
            Fill(layer, rng);
            layers.Add(layer);
        }
        return new WeightSet(spec.Precision, layers);
    }

    private static double TruncatedNormal(Rng rng, double standardDeviation)
    {
        double z;
        do z = rng.Normal(); while (Math.Abs(z) > 2);
        // Keras rescales so the truncated distribution keeps the intended variance.
        return z * standardDeviation / 0.87962566103423978;
    }

    private sealed record Glorot(bool IsUniform) : WeightInit
    {
        public override string Name => IsUniform ? "glorot-uniform" : "glorot-normal";

        public override void Fill(LayerWeights layer, Rng rng)
        {
            double fanSum = layer.Inputs + layer.Outputs;
            if (IsUniform)
            {
                double a = Math.Sqrt(6.0 / fanSum);
                for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] = rng.Uniform(-a, a);
            }
            else
            {
                double sd = Math.Sqrt(2.0 / fanSum);
                for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] = TruncatedNormal(rng, sd);
            }
        }
    }

    private sealed record He(bool IsUniform) : WeightInit
    {
        public override string Name => IsUniform ? "he-uniform" : "he-normal";

        public override void Fill(LayerWeights layer, Rng rng)
        {
            if (IsUniform)
            {
                double a = Math.Sqrt(6.0 / layer.Inputs);
                for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] = rng.Uniform(-a, a);
            }
            else
            {
                double sd = Math.Sqrt(2.0 / layer.Inputs);
                for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] = TruncatedNormal(rng, sd);
            }
        }
    }

    private sealed record TorchLinear : WeightInit
    {
        public override string Name => "torch-default";

        public override void Fill(LayerWeights layer, Rng rng)
        {
            double a = 1.0 / Math.Sqrt(layer.Inputs);
            for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] = rng.Uniform(-a, a);
            for (int j = 0; j < layer.Bias.Length; j++) layer.Bias[j] = rng.Uniform(-a, a);
        }
    }

    private sealed record UniformRange(double Limit) : WeightInit
    {
        public override string Name => $"uniform:{Limit:G6}";

        public override void Fill(LayerWeights layer, Rng rng)
        {
            if (!(Limit > 0)) throw new ArgumentException($"The uniform initializer's limit must be above 0, got {Limit}.");
            for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] = rng.Uniform(-Limit, Limit);
            for (int j = 0; j < layer.Bias.Length; j++) layer.Bias[j] = rng.Uniform(-Limit, Limit);
        }
    }

    private sealed record Constant(double Value) : WeightInit
    {
        public override string Name => Value == 0 ? "zeros" : $"constant:{Value:G6}";

        public override void Fill(LayerWeights layer, Rng rng)
        {
            Array.Fill(layer.Kernel, Value);
            Array.Fill(layer.Bias, Value);
        }
    }
}
