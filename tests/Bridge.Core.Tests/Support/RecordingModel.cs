namespace Bridge.Tests;

/// <summary>
/// A stand-in backend for testing the trainer: a network computed with the reference activation formulas whose
/// "training step" adds 1 to every weight (so the weights count the applied steps), recording every batch it is
/// handed. What each step returns, and what happens during it, is up to the test.
/// </summary>
internal sealed class RecordingModel : IModel
{
    private WeightSet _weights;

    public RecordingModel(ModelSpec spec, Func<int, StepResult>? step = null)
    {
        spec.Validate();
        Spec = spec;
        _weights = WeightSet.Zeros(spec);
        StepOutcome = step ?? (index => StepResult.Done(1.0 + index));
    }

    /// <summary>The result of the step with this 0-based index over the whole run.</summary>
    public Func<int, StepResult> StepOutcome { get; }

    /// <summary>Runs inside each step, with its index (for example to cancel training mid-step).</summary>
    public Action<int>? DuringStep { get; init; }

    public List<double[]> Inputs { get; } = [];
    public List<double[]> Targets { get; } = [];
    public List<int[]?> Labels { get; } = [];
    public int Steps => Inputs.Count;

    public string Backend => "recording";
    public string Device => "test";
    public ModelSpec Spec { get; }

    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer)
    {
        var current = inputs;
        for (int l = firstLayer; l < endLayer; l++)
        {
            var layer = _weights[l];
            var next = new Matrix(current.Rows, layer.Outputs);
            var nets = new double[layer.Outputs];
            for (int n = 0; n < current.Rows; n++)
            {
                for (int j = 0; j < layer.Outputs; j++)
                {
                    nets[j] = layer.Bias[j];
                    for (int i = 0; i < layer.Inputs; i++) nets[j] += current[n, i] * layer[i, j];
                }
                ActivationFunctions.Apply(Spec.Layers[l].Activation, nets, next.Row(n));
            }
            current = next;
        }
        return current;
    }

    public double Loss(Batch batch) => LossFunctions.Batch(Spec.Loss, ((IModel)this).Forward(batch.Inputs), batch.Targets, batch.LabelSpan);

    public WeightSet Gradients(Batch batch) => throw new NotSupportedException("The trainer does not ask for gradients.");

    public StepResult TrainStep(Batch batch)
    {
        int index = Steps;
        Inputs.Add(batch.Inputs.Data.ToArray());
        Targets.Add(batch.Targets.Data.ToArray());
        Labels.Add(batch.Labels?.ToArray());
        DuringStep?.Invoke(index);
        var result = StepOutcome(index);
        if (result.Applied && double.IsFinite(result.Loss))
            foreach (var layer in _weights.Layers)
            {
                for (int k = 0; k < layer.Kernel.Length; k++) layer.Kernel[k] += 1;
                for (int k = 0; k < layer.Bias.Length; k++) layer.Bias[k] += 1;
            }
        return result;
    }

    public WeightSet GetWeights() => _weights.Clone();

    public void SetWeights(WeightSet weights) => _weights = weights.Clone();

    public OptimizerState GetOptimizerState() => OptimizerState.Fresh;

    public void SetOptimizerState(OptimizerState state) { }

    public void Dispose() { }
}
