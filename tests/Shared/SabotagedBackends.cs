namespace Bridge.Testing;

/// <summary>
/// Backends broken on purpose, to prove the harness notices and names the right place: each wraps a working backend
/// and changes one thing.
/// </summary>
internal sealed class PerturbedWeightBackend(IBackend inner, int layer, double amount) : IBackend
{
    public string Name => inner.Name + "-perturbed";
    public BackendAvailability Availability => inner.Availability;

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        var weights = initialWeights.Clone();
        weights.Layers[layer].Kernel[0] += amount;
        return inner.Build(spec, weights);
    }
}

/// <summary>Builds every model with another loss than the spec asks for (the classic reduction mix-up).</summary>
internal sealed class WrongLossBackend(IBackend inner, Loss loss) : IBackend
{
    public string Name => inner.Name + "-wrong-loss";
    public BackendAvailability Availability => inner.Availability;

    public IModel Build(ModelSpec spec, WeightSet initialWeights) =>
        new SpecReporting(inner.Build(spec with { Loss = loss }, initialWeights), spec);

    /// <summary>Reports the spec it was asked for, so the harness cannot tell from the outside.</summary>
    private sealed class SpecReporting(IModel model, ModelSpec asked) : ForwardingModel(model)
    {
        public override ModelSpec Spec => asked;
    }
}

/// <summary>Scales one layer's gradient: a bug in a backward pass that leaves outputs and loss right.</summary>
internal sealed class WrongGradientBackend(IBackend inner, int layer, double factor) : IBackend
{
    public string Name => inner.Name + "-wrong-gradient";
    public BackendAvailability Availability => inner.Availability;

    public IModel Build(ModelSpec spec, WeightSet initialWeights) => new Model(inner.Build(spec, initialWeights), layer, factor);

    private sealed class Model(IModel model, int layer, double factor) : ForwardingModel(model)
    {
        public override WeightSet Gradients(Batch batch)
        {
            var g = base.Gradients(batch);
            for (int i = 0; i < g.Layers[layer].Kernel.Length; i++) g.Layers[layer].Kernel[i] *= factor;
            return g;
        }

        public override StepResult TrainStep(Batch batch)
        {
            // The same wrong gradient, applied by plain SGD, so steps disagree as well.
            double loss = Loss(batch);
            var g = Gradients(batch);
            var w = GetWeights();
            double lr = Spec.Optimizer.LearningRate;
            for (int l = 0; l < w.Layers.Count; l++)
            {
                for (int i = 0; i < w.Layers[l].Kernel.Length; i++) w.Layers[l].Kernel[i] -= lr * g.Layers[l].Kernel[i];
                for (int j = 0; j < w.Layers[l].Bias.Length; j++) w.Layers[l].Bias[j] -= lr * g.Layers[l].Bias[j];
            }
            SetWeights(w);
            return StepResult.Done(loss);
        }
    }
}

internal abstract class ForwardingModel(IModel model) : IModel
{
    public string Backend => model.Backend;
    public string Device => model.Device;
    public virtual ModelSpec Spec => model.Spec;
    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer) => model.ForwardRange(inputs, firstLayer, endLayer);
    public IReadOnlyList<Matrix> ForwardLayers(Matrix inputs) => model.ForwardLayers(inputs);
    public virtual double Loss(Batch batch) => model.Loss(batch);
    public virtual WeightSet Gradients(Batch batch) => model.Gradients(batch);
    public virtual StepResult TrainStep(Batch batch) => model.TrainStep(batch);
    public WeightSet GetWeights() => model.GetWeights();
    public void SetWeights(WeightSet weights) => model.SetWeights(weights);
    public OptimizerState GetOptimizerState() => model.GetOptimizerState();
    public void SetOptimizerState(OptimizerState state) => model.SetOptimizerState(state);
    public void Dispose() => model.Dispose();
}

/// <summary>Throws from Build, as a native library does when it fails mid-run (the message is what the user must see).</summary>
internal sealed class FailingBackend(string name, string message) : IBackend
{
    public string Name => name;
    public BackendAvailability Availability => BackendAvailability.Available("fails on purpose");

    public IModel Build(ModelSpec spec, WeightSet initialWeights) => throw new InvalidOperationException(message);
}

/// <summary>Never available, with a stated reason: a backend this machine lacks.</summary>
internal sealed class MissingBackend(string name, string reason) : IBackend
{
    public string Name => name;
    public BackendAvailability Availability => BackendAvailability.Unavailable(reason);

    public IModel Build(ModelSpec spec, WeightSet initialWeights) => throw new BackendUnavailableException(name, reason);
}

/// <summary>Cancels a token after a number of training steps: Ctrl+C at a known moment.</summary>
internal sealed class InterruptingBackend(IBackend inner, CancellationTokenSource cancel, int afterSteps) : IBackend
{
    public string Name => inner.Name;
    public BackendAvailability Availability => inner.Availability;

    public IModel Build(ModelSpec spec, WeightSet initialWeights) => new Model(inner.Build(spec, initialWeights), cancel, afterSteps);

    private sealed class Model(IModel model, CancellationTokenSource cancel, int afterSteps) : ForwardingModel(model)
    {
        private int _steps;

        public override StepResult TrainStep(Batch batch)
        {
            var result = base.TrainStep(batch);
            if (++_steps == afterSteps) cancel.Cancel();
            return result;
        }
    }
}
