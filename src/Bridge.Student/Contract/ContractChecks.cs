namespace Bridge.Student;

/// <summary>
/// What a student's function returned, checked against what the spec says it must be: the shape of every layer's
/// output, kernel and bias, and that every value is a number. A wrong shape is named with the layer, the expected and
/// the actual shape, and, where the actual shape says why, a hint: the transpose of the kernel, or the shape of the
/// neighbouring layer (a list shifted by one).
/// </summary>
internal static class ContractChecks
{
    /// <summary>Layer <paramref name="layer"/>'s output must be [<paramref name="rows"/>, units].</summary>
    public static Matrix Output(StudentArray a, string function, int layer, int rows, ModelSpec spec, Precision precision)
    {
        int units = spec.Layers[layer].Units;
        string what = $"{function}: the output of layer {WeightSet.LayerName(layer)}";
        if (a.Shape is not [var r, var c] || r != rows || c != units)
        {
            string hint = "";
            if (a.Shape is [var n] && n == rows && units == 1)
                hint = " It is 1-D: keep it 2-D, [N, 1] (reshape(-1, 1), or keepdims=True).";
            else if (a.Shape is [var r2, var c2] && r2 == rows && layer == 0 && c2 == spec.Inputs)
                hint = " That is the width of the input x: does the list start with x?";
            else if (a.Shape is [var r3, var c3] && r3 == rows && Neighbour(spec, layer, c3, (l, s) => spec.Layers[l].Units == s) is int other)
                hint = $" That is the width of layer {WeightSet.LayerName(other)}: is the list shifted by one layer?";
            else if (a.Shape is [var r4, var c4] && r4 == units && c4 == rows)
                hint = " That is the transpose: rows are samples, columns are the layer's nodes.";
            throw new StudentCodeException($"{what} has shape {a.ShapeText}; expected [{rows}, {units}] (samples, nodes).{hint}");
        }
        Finite(a, what);
        var m = new Matrix(rows, units, a.Values);
        precision.Round(m.Data);
        return m;
    }

    /// <summary>A layer's kernel-shaped array (dW, or W after a step): [inputs, outputs].</summary>
    public static double[] Kernel(StudentArray a, string function, string name, int layer, ModelSpec spec)
    {
        var (inputs, outputs) = spec.LayerShapes()[layer];
        string what = $"{function}: {name} of layer {WeightSet.LayerName(layer)}";
        if (a.Shape is not [var i, var o] || i != inputs || o != outputs)
        {
            string hint = "";
            if (a.Shape is [var ti, var to] && ti == outputs && to == inputs)
                hint = " That is the transpose: Bridge's kernels are [inputs, outputs], W[i, j] from node i of the previous layer to node j (x @ W, not W @ x).";
            else if (a.Shape is [var si, var so] && Neighbour(spec, layer, (si, so), (l, s) => spec.LayerShapes()[l] == s) is int other)
                hint = $" That is the shape of layer {WeightSet.LayerName(other)}'s kernel: is the list shifted by one layer, or reversed?";
            throw new StudentCodeException($"{what} has shape {a.ShapeText}; expected [{inputs}, {outputs}] (inputs, outputs).{hint}");
        }
        Finite(a, what);
        return a.Values;
    }

    /// <summary>A layer's bias-shaped array (db, or b after a step): [outputs]; a [1, outputs] row is read as the same thing.</summary>
    public static double[] Bias(StudentArray a, string function, string name, int layer, ModelSpec spec)
    {
        int outputs = spec.Layers[layer].Units;
        string what = $"{function}: {name} of layer {WeightSet.LayerName(layer)}";
        bool fits = a.Shape is [var n] && n == outputs || a.Shape is [1, var m] && m == outputs;
        if (!fits)
        {
            string hint = a.Shape is [_, var c] && c == outputs
                ? " It has a row per sample: sum the deltas over the batch (axis=0)."
                : "";
            throw new StudentCodeException($"{what} has shape {a.ShapeText}; expected [{outputs}] (one per node).{hint}");
        }
        Finite(a, what);
        return a.Values;
    }

    /// <summary>Throws naming the first NaN or ±∞ of <paramref name="a"/> by its index.</summary>
    public static void Finite(StudentArray a, string what)
    {
        for (int k = 0; k < a.Values.Length; k++)
        {
            if (double.IsFinite(a.Values[k])) continue;
            string index = a.Shape.Length == 2 ? $"[{k / a.Shape[1]}, {k % a.Shape[1]}]" : $"[{k}]";
            throw new StudentCodeException(
                $"{what} holds {a.Values[k]} at {index}: look for a division by zero, the log of 0, or an exp that overflows " +
                "(softmax: subtract the row's maximum first).");
        }
    }

    private static int? Neighbour<T>(ModelSpec spec, int layer, T shape, Func<int, T, bool> matches)
    {
        foreach (int other in new[] { layer - 1, layer + 1 })
            if (other >= 0 && other < spec.Layers.Count && matches(other, shape)) return other;
        return null;
    }
}
