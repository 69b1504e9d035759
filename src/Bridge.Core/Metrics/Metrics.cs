namespace Bridge;

/// <summary>How well a model does: accuracy, confusion matrix, reconstruction error.</summary>
public static class Metrics
{
    /// <summary>
    /// The predicted class of each row: with one output, 1 when it exceeds <paramref name="threshold"/> (the
    /// perceptron fires) and 0 otherwise; with several, the index of the largest.
    /// </summary>
    public static int[] PredictedClasses(Matrix outputs, double threshold = 0.5)
    {
        if (outputs.Cols != 1) return outputs.ArgMaxPerRow();
        var classes = new int[outputs.Rows];
        for (int n = 0; n < outputs.Rows; n++) classes[n] = outputs.Data[n] > threshold ? 1 : 0;
        return classes;
    }

    /// <summary>
    /// The output above which a model with one output predicts class 1: a perceptron's threshold θ, 0.5 for any other.
    /// </summary>
    public static double ClassThreshold(ModelSpec spec) => spec is Perceptron p ? p.Threshold : 0.5;

    /// <summary>The fraction of rows whose predicted class is the label.</summary>
    public static double Accuracy(Matrix outputs, ReadOnlySpan<int> labels, double threshold = 0.5)
    {
        if (outputs.Rows != labels.Length)
            throw new ArgumentException($"{outputs.Rows} output rows but {labels.Length} labels.");
        if (labels.Length == 0) throw new ArgumentException("Accuracy of an empty set is undefined.");
        var predicted = PredictedClasses(outputs, threshold);
        int correct = 0;
        for (int n = 0; n < labels.Length; n++) if (predicted[n] == labels[n]) correct++;
        return (double)correct / labels.Length;
    }

    /// <summary>The mean over all samples and features of (x − x̂)².</summary>
    public static double MeanSquaredError(Matrix reconstructed, Matrix original)
    {
        if (reconstructed.Rows != original.Rows || reconstructed.Cols != original.Cols)
            throw new ArgumentException($"Shapes differ: {reconstructed.ShapeText} and {original.ShapeText}.");
        if (original.Data.Length == 0) throw new ArgumentException("The error of an empty set is undefined.");
        double sum = 0;
        for (int i = 0; i < original.Data.Length; i++)
        {
            double d = reconstructed.Data[i] - original.Data[i];
            sum += d * d;
        }
        return sum / original.Data.Length;
    }
}
