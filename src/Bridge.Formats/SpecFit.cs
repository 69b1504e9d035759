namespace Bridge.Formats;

/// <summary>
/// The readers' one way of saying that a file holds another network than the spec: the file, the spec, the first
/// Bridge layer that does not fit, where it sits in the file, what was expected and what was found.
/// </summary>
internal static class SpecFit
{
    /// <summary>"FILE does not fit SPEC: layer dense_1 (WHERE): expected …, found …."</summary>
    /// <param name="where">Where the layer sits in the file, e.g. "layers/dense_1/vars/0 in the file".</param>
    public static InvalidDataException Mismatch(string file, ModelSpec spec, int layer, string where, string expected, string found) =>
        new($"{file} does not fit {spec.Describe()}: layer {WeightSet.LayerName(layer)} ({where}): expected {expected}, found {found}.");

    /// <summary>A problem not tied to one layer: "FILE does not fit SPEC: PROBLEM."</summary>
    public static InvalidDataException Mismatch(string file, ModelSpec spec, string problem) =>
        new($"{file} does not fit {spec.Describe()}: {problem}.");

    /// <summary>"[3, 4]".</summary>
    public static string Shape(IEnumerable<long> dims) => $"[{string.Join(", ", dims)}]";

    public static string Shape(IEnumerable<int> dims) => Shape(dims.Select(d => (long)d));

    /// <summary>Throws the mismatch unless the kernel (in the file's layout) and the bias have the shapes the spec needs.</summary>
    public static void CheckShapes(string file, ModelSpec spec, int layer, string kernelWhere, string kernelLayout,
        IReadOnlyList<long> kernelShape, IReadOnlyList<long> expectedKernel, string biasWhere, IReadOnlyList<long> biasShape)
    {
        if (!kernelShape.SequenceEqual(expectedKernel))
            throw Mismatch(file, spec, layer, $"{kernelWhere} in the file", $"a {kernelLayout} of shape {Shape(expectedKernel)}", Shape(kernelShape));
        long outputs = spec.LayerShapes()[layer].Outputs;
        if (biasShape.Count != 1 || biasShape[0] != outputs)
            throw Mismatch(file, spec, layer, $"{biasWhere} in the file", $"a bias of shape [{outputs}]", Shape(biasShape));
    }
}
