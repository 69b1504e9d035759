namespace Bridge;

/// <summary>
/// How far two sets of numbers are apart, the way every agreement check in Bridge measures it: the norm-wise
/// relative error ‖a − b‖∞ / max(‖a‖∞, ‖b‖∞), 0 when both are all zero. Norm-wise, not element-wise, so that a
/// gradient entry that is 1e-19 in one backend and 0 in another does not read as a 100% disagreement.
/// </summary>
public static class Agreement
{
    public static double RelativeError(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Cannot compare {a.Length} values with {b.Length}.");
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i]) || !double.IsFinite(b[i]))
            {
                if (a[i].Equals(b[i])) continue;
                return double.PositiveInfinity;
            }
            diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Max(Math.Abs(a[i]), Math.Abs(b[i])));
        }
        return diff == 0 ? 0 : diff / scale;
    }

    public static double RelativeError(Matrix a, Matrix b)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols) throw new ArgumentException($"Shapes differ: {a.ShapeText} and {b.ShapeText}.");
        return RelativeError(a.Data, b.Data);
    }

    public static double RelativeError(double a, double b) => RelativeError([a], [b]);

    /// <summary>The relative error of one layer, kernel and bias together.</summary>
    public static double RelativeError(LayerWeights a, LayerWeights b)
    {
        if (a.Inputs != b.Inputs || a.Outputs != b.Outputs)
            throw new ArgumentException($"Layer shapes differ: [{a.Inputs}, {a.Outputs}] and [{b.Inputs}, {b.Outputs}].");
        return RelativeError([.. a.Kernel, .. a.Bias], [.. b.Kernel, .. b.Bias]);
    }

    /// <summary>The relative error of each layer, in order.</summary>
    public static double[] PerLayer(WeightSet a, WeightSet b)
    {
        if (a.Layers.Count != b.Layers.Count) throw new ArgumentException($"{a.Layers.Count} layers against {b.Layers.Count}.");
        var errors = new double[a.Layers.Count];
        for (int l = 0; l < errors.Length; l++) errors[l] = RelativeError(a.Layers[l], b.Layers[l]);
        return errors;
    }

    /// <summary>The largest per-layer relative error.</summary>
    public static double RelativeError(WeightSet a, WeightSet b) => PerLayer(a, b).Max();
}
