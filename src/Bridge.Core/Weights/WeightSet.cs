namespace Bridge;

/// <summary>
/// A snapshot of every layer's parameters (or of their gradients, or of an optimizer slot), in the canonical
/// layout of <see cref="LayerWeights"/>. Values are held as doubles; a float32 set holds only values a float32
/// can represent exactly, so converting between the two never loses a bit.
/// A snapshot is a copy: changing it changes no model until it is passed to <c>SetWeights</c>.
/// </summary>
public sealed class WeightSet
{
    public WeightSet(Precision precision, IReadOnlyList<LayerWeights> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("A weight set needs at least one layer.", nameof(layers));
        for (int l = 1; l < layers.Count; l++)
            if (layers[l].Inputs != layers[l - 1].Outputs)
                throw new ArgumentException(
                    $"Layer {LayerName(l)} takes {layers[l].Inputs} inputs but {LayerName(l - 1)} has {layers[l - 1].Outputs} outputs.",
                    nameof(layers));
        Precision = precision;
        Layers = layers;
        if (precision == Precision.Float32)
            foreach (var layer in layers)
            {
                precision.Round(layer.Kernel);
                precision.Round(layer.Bias);
            }
    }

    public Precision Precision { get; }
    public IReadOnlyList<LayerWeights> Layers { get; }

    public LayerWeights this[int layer] => Layers[layer];

    public int ParameterCount => Layers.Sum(l => l.ParameterCount);

    /// <summary>The name of layer <paramref name="index"/> everywhere Bridge names layers: dense_0, dense_1, …</summary>
    public static string LayerName(int index) => $"dense_{index}";

    /// <summary>Zeros shaped like <paramref name="spec"/>.</summary>
    public static WeightSet Zeros(ModelSpec spec) =>
        new(spec.Precision, spec.LayerShapes().Select(s => new LayerWeights(s.Inputs, s.Outputs)).ToList());

    /// <summary>Zeros shaped like this set.</summary>
    public WeightSet ZerosLike() =>
        new(Precision, Layers.Select(l => new LayerWeights(l.Inputs, l.Outputs)).ToList());

    public WeightSet Clone() => new(Precision, Layers.Select(l => l.Clone()).ToList());

    /// <summary>A copy rounded to <paramref name="precision"/> (exact when widening to float64).</summary>
    public WeightSet ToPrecision(Precision precision) => new(precision, Layers.Select(l => l.Clone()).ToList());

    /// <summary>Throws naming the layer and both shapes unless <paramref name="spec"/> has exactly these layer shapes.</summary>
    public void EnsureMatches(ModelSpec spec)
    {
        var shapes = spec.LayerShapes();
        if (shapes.Count != Layers.Count)
            throw new ArgumentException($"The weights have {Layers.Count} layers; the model has {shapes.Count}.");
        for (int l = 0; l < shapes.Count; l++)
            if (shapes[l].Inputs != Layers[l].Inputs || shapes[l].Outputs != Layers[l].Outputs)
                throw new ArgumentException(
                    $"Layer {LayerName(l)}: the model expects a [{shapes[l].Inputs}, {shapes[l].Outputs}] kernel, " +
                    $"the weights have [{Layers[l].Inputs}, {Layers[l].Outputs}].");
    }

    /// <summary>The first layer holding a NaN or ±∞, or null when all are finite.</summary>
    public string? FirstNonFiniteLayer()
    {
        for (int l = 0; l < Layers.Count; l++)
        {
            foreach (double w in Layers[l].Kernel) if (!double.IsFinite(w)) return LayerName(l);
            foreach (double b in Layers[l].Bias) if (!double.IsFinite(b)) return LayerName(l);
        }
        return null;
    }

    /// <summary>All parameters in one array: layer by layer, the kernel (row-major) then the bias.</summary>
    public double[] Flatten()
    {
        var flat = new double[ParameterCount];
        int k = 0;
        foreach (var layer in Layers)
        {
            layer.Kernel.CopyTo(flat, k); k += layer.Kernel.Length;
            layer.Bias.CopyTo(flat, k); k += layer.Bias.Length;
        }
        return flat;
    }
}
