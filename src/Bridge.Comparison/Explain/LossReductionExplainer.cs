namespace Bridge.Comparison;

/// <summary>
/// A classic disagreement, shown on purpose: the lecture's error E = ½·Σ_k (t_k − o_k)² against mean squared error
/// as torch's <c>mse_loss</c> and Keras compute it, (1/K)·Σ_k (t_k − o_k)². Same network, same weights, same batch:
/// the gradients differ by the constant factor 2/K in every layer. This measures the factor per backend and layer
/// and says what it means for the learning rate.
/// </summary>
public static class LossReductionExplainer
{
    /// <summary>One backend's gradients of the MSE against the reference's gradients of the lecture's error.</summary>
    public sealed record Factor(string Backend, string Layer, double Measured, double Predicted, double Residual)
    {
        /// <summary>The measured factor is the predicted one and the gradients are exactly proportional.</summary>
        public bool Holds(double tolerance) => Math.Abs(Measured - Predicted) <= tolerance * Predicted && Residual <= tolerance;
    }

    public sealed record Explanation(int Outputs, double Predicted, IReadOnlyList<Factor> Factors, IReadOnlyList<BackendStatus> Skipped, string Text)
    {
        public bool Holds(double tolerance) => Factors.Count > 0 && Factors.All(f => f.Holds(tolerance));
    }

    public static Explanation Run(ComparisonPlan plan, IReadOnlyList<IBackend> backends)
    {
        var lecture = plan.Spec with { Loss = Loss.HalfSquaredError };
        var mse = plan.Spec with { Loss = Loss.MeanSquaredError };
        lecture.Validate();
        int k = lecture.Outputs;
        double predicted = 2.0 / k;
        var weights = lecture.Init.Draw(lecture, plan.WeightSeed);
        var batch = plan.Train.Subset(Enumerable.Range(0, Math.Min(plan.ProbeBatchLimit, plan.Train.Count)).ToArray()).ToBatch(lecture);

        var reference = backends.FirstOrDefault(b => b.Name == plan.Reference && b.Availability.IsAvailable)
            ?? throw new InvalidOperationException($"The reference backend '{plan.Reference}' is not available.");
        WeightSet lectureGradients;
        using (var model = reference.Build(lecture, weights.Clone())) lectureGradients = model.Gradients(batch);

        var factors = new List<Factor>();
        var skipped = new List<BackendStatus>();
        foreach (var backend in backends)
        {
            string? reason = backend.CannotRun(mse);
            if (reason is not null)
            {
                skipped.Add(new BackendStatus(backend.Name, false, reason, null, mse.Precision));
                continue;
            }
            using var model = backend.Build(mse, weights.Clone());
            var gradients = model.Gradients(batch);
            for (int l = 0; l < gradients.Layers.Count; l++)
            {
                double[] g = [.. gradients.Layers[l].Kernel, .. gradients.Layers[l].Bias];
                double[] h = [.. lectureGradients.Layers[l].Kernel, .. lectureGradients.Layers[l].Bias];
                double gh = 0, hh = 0;
                for (int i = 0; i < g.Length; i++) { gh += g[i] * h[i]; hh += h[i] * h[i]; }
                double factor = hh == 0 ? double.NaN : gh / hh;
                var scaled = h.Select(v => v * factor).ToArray();
                factors.Add(new Factor(backend.Name, WeightSet.LayerName(l), factor, predicted, Agreement.RelativeError(g, scaled)));
            }
        }
        string text =
            $"The lecture's error is E = ½·Σ_k (t_k − o_k)², averaged over the batch; torch's mse_loss and Keras's " +
            $"mean_squared_error average over the K outputs instead: E_mse = (1/K)·Σ_k (t_k − o_k)². So ∂E_mse/∂w = (2/K)·∂E/∂w " +
            $"for every weight: with K = {k} outputs the factor is {predicted:G6}. Trained with the same learning rate L, the " +
            $"MSE model takes steps {predicted:G6} times as long; to take the lecture's steps with MSE, use L·K/2 = L·{k / 2.0:G6}.";
        return new Explanation(k, predicted, factors, skipped, text);
    }
}
