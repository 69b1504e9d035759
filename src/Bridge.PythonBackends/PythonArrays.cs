using Bridge.Python;

namespace Bridge.PythonBackends;

/// <summary>
/// Bridge's matrices and weights as numpy arrays and back. Weights cross as one list of arrays in the order of a
/// network's trainable variables — kernel [inputs, outputs] then bias [outputs], layer by layer — which is Keras's
/// order and the one every Python helper module of Bridge speaks; optimizer slots cross the same way.
/// </summary>
internal static class PythonArrays
{
    public static PyObject ToNumpy(Matrix m) => NumpyArrays.FromDoubles(m.Data, m.Rows, m.Cols);

    public static PyObject ToNumpy(double[] values, params int[] shape) => NumpyArrays.FromDoubles(values, shape);

    /// <summary>A 1-D or 2-D array as a matrix (a 1-D array as one column).</summary>
    public static Matrix ToMatrix(PyObject array)
    {
        var values = NumpyArrays.ToDoublesWidening(array, out var shape);
        return shape.Length switch
        {
            2 => new Matrix(shape[0], shape[1], values),
            1 => new Matrix(shape[0], 1, values),
            _ => throw new InvalidOperationException($"Expected a 1-D or 2-D array from Python, got shape [{string.Join(", ", shape)}]."),
        };
    }

    public static double[] ToValues(PyObject array) => NumpyArrays.ToDoublesWidening(array, out _);

    /// <summary>Every array of a Python list, each as a matrix (a network's layer outputs).</summary>
    public static IReadOnlyList<Matrix> ToMatrices(PyObject arrays) =>
        arrays.ToList().Select(o => { using (o) return ToMatrix(o); }).ToList();

    /// <summary>A Python list [kernel 0, bias 0, kernel 1, …] of <paramref name="weights"/>.</summary>
    public static PyObject ToVariables(WeightSet weights)
    {
        var arrays = new List<PyObject>(2 * weights.Layers.Count);
        try
        {
            foreach (var layer in weights.Layers)
            {
                arrays.Add(ToNumpy(layer.Kernel, layer.Inputs, layer.Outputs));
                arrays.Add(ToNumpy(layer.Bias, layer.Outputs));
            }
            return PyObject.From(arrays);
        }
        finally
        {
            arrays.ForEach(a => a.Dispose());
        }
    }

    /// <summary>A weight set of <paramref name="spec"/>'s shapes from a Python list [kernel 0, bias 0, kernel 1, …].</summary>
    public static WeightSet FromVariables(PyObject variables, ModelSpec spec)
    {
        var arrays = variables.ToList();
        try
        {
            var shapes = spec.LayerShapes();
            if (arrays.Count != 2 * shapes.Count)
                throw new InvalidOperationException($"Python returned {arrays.Count} arrays for a network of {shapes.Count} layers (a kernel and a bias each).");
            return new WeightSet(spec.Precision, shapes.Select((s, l) =>
                new LayerWeights(s.Inputs, s.Outputs, ToValues(arrays[2 * l]), ToValues(arrays[2 * l + 1]))).ToList());
        }
        finally
        {
            arrays.ForEach(a => a.Dispose());
        }
    }

    /// <summary>The optimizer's settings as the helper modules take them: {"name": "sgd"|"adam", and its coefficients}.</summary>
    public static Dictionary<string, object?> Describe(Optimizer optimizer) => optimizer switch
    {
        Sgd s => new() { ["name"] = "sgd", ["learning_rate"] = s.LearningRate, ["momentum"] = s.Momentum, ["nesterov"] = s.Nesterov },
        Adam a => new() { ["name"] = "adam", ["learning_rate"] = a.LearningRate, ["beta1"] = a.Beta1, ["beta2"] = a.Beta2, ["epsilon"] = a.Epsilon },
        _ => throw new NotSupportedException($"The Python-backed backends have no mapping for {optimizer.GetType().Name}."),
    };
}
