namespace Bridge;

/// <summary>
/// Reference formulas of the losses in float64, one sample at a time, written for reading. The batch loss is the
/// mean of <see cref="Sample"/> over the batch, and the batch gradient with respect to an output is
/// <see cref="SampleGradient"/> divided by N.
/// </summary>
public static class LossFunctions
{
    /// <summary>The per-sample error e(o, t) whose batch mean is E.</summary>
    /// <param name="label">The class index; used by <see cref="Loss.CategoricalCrossEntropy"/> only.</param>
    public static double Sample(Loss loss, ReadOnlySpan<double> outputs, ReadOnlySpan<double> targets, int label)
    {
        int k = outputs.Length;
        double sum = 0;
        switch (loss)
        {
            case Loss.HalfSquaredError:
                for (int j = 0; j < k; j++) sum += 0.5 * (targets[j] - outputs[j]) * (targets[j] - outputs[j]);
                return sum;
            case Loss.MeanSquaredError:
                for (int j = 0; j < k; j++) sum += (targets[j] - outputs[j]) * (targets[j] - outputs[j]);
                return sum / k;
            case Loss.BinaryCrossEntropy:
                for (int j = 0; j < k; j++)
                    sum -= targets[j] * Math.Log(outputs[j]) + (1 - targets[j]) * Math.Log(1 - outputs[j]);
                return sum / k;
            case Loss.CategoricalCrossEntropy:
                return -Math.Log(outputs[label]);
            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, null);
        }
    }

    /// <summary>∂e/∂o_j for one sample (the batch gradient divides this by N).</summary>
    public static void SampleGradient(Loss loss, ReadOnlySpan<double> outputs, ReadOnlySpan<double> targets, int label,
        Span<double> gradient)
    {
        int k = outputs.Length;
        switch (loss)
        {
            case Loss.HalfSquaredError:
                for (int j = 0; j < k; j++) gradient[j] = outputs[j] - targets[j];
                return;
            case Loss.MeanSquaredError:
                for (int j = 0; j < k; j++) gradient[j] = 2.0 * (outputs[j] - targets[j]) / k;
                return;
            case Loss.BinaryCrossEntropy:
                for (int j = 0; j < k; j++)
                    gradient[j] = (outputs[j] - targets[j]) / (outputs[j] * (1 - outputs[j])) / k;
                return;
            case Loss.CategoricalCrossEntropy:
                gradient.Clear();
                gradient[label] = -1.0 / outputs[label];
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, null);
        }
    }

    /// <summary>The batch loss E: the mean of the per-sample error over the rows of <paramref name="outputs"/>.</summary>
    public static double Batch(Loss loss, Matrix outputs, Matrix targets, ReadOnlySpan<int> labels)
    {
        if (outputs.Rows == 0) throw new ArgumentException("The batch is empty.", nameof(outputs));
        double sum = 0;
        for (int n = 0; n < outputs.Rows; n++)
            sum += Sample(loss, outputs.Row(n), targets.Row(n), labels.IsEmpty ? -1 : labels[n]);
        return sum / outputs.Rows;
    }
}
