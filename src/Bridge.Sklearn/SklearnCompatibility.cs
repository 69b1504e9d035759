namespace Bridge.Sklearn;

/// <summary>
/// Which specs scikit-learn's MLPs can express, and why not when they cannot. scikit-learn fixes what Bridge
/// lets a spec choose: one activation for every hidden layer; the output layer and loss follow from the task
/// (softmax + categorical cross-entropy for several classes, one logistic output + binary cross-entropy for two,
/// identity output for values, whose gradient is that of the lecture's ½·Σ squared error).
/// </summary>
internal static class SklearnCompatibility
{
    public static string? CannotBuild(ModelSpec spec)
    {
        var layers = spec.Layers;
        if (layers.Count < 2)
            return "scikit-learn's MLPs have at least one hidden layer; this spec has none (a perceptron).";
        var hidden = layers.Take(layers.Count - 1).Select(l => l.Activation).Distinct().ToList();
        if (hidden.Count > 1)
            return $"scikit-learn uses one activation for every hidden layer; this spec mixes {string.Join(" and ", hidden.Select(a => a.Name()))}.";
        if (hidden[0] is not (Activation.Sigmoid or Activation.Tanh or Activation.Relu or Activation.Linear))
            return $"scikit-learn has no hidden activation {hidden[0].Name()} (it has logistic, tanh, relu and identity).";
        var output = layers[^1];
        switch (spec.Loss)
        {
            case Loss.CategoricalCrossEntropy when output.Activation == Activation.Softmax && output.Units >= 3:
            case Loss.BinaryCrossEntropy when output.Activation == Activation.Sigmoid && output.Units == 1:
            case Loss.HalfSquaredError when output.Activation == Activation.Linear && spec is not Perceptron:
                break;
            case Loss.CategoricalCrossEntropy:
                return "scikit-learn classifies two classes with one logistic output, not a softmax over two; use one sigmoid output with binary cross-entropy.";
            case Loss.BinaryCrossEntropy:
                return "scikit-learn's binary cross-entropy sums over outputs where Bridge's averages, so it only matches with one sigmoid output.";
            case Loss.MeanSquaredError:
                return "scikit-learn's squared-error gradient is that of the lecture's ½·Σ squared error (half-squared-error), not of mean squared error.";
            case Loss.HalfSquaredError:
                return $"scikit-learn pairs squared error with an identity output only; this output layer is {output.Activation.Name()} (a classifier uses cross-entropy).";
        }
        if (spec.Optimizer is not (Sgd or Adam))
            return $"scikit-learn has no optimizer {spec.Optimizer.GetType().Name}.";
        return null;
    }
}
