namespace Bridge.Testing;

/// <summary>
/// A model without its queued path: the trainer drives it one <see cref="IModel.TrainStep"/> at a time, the reference
/// the queued path of the torch and keras backends (and of a model in a worker) is held to.
/// </summary>
internal sealed class StepByStepModel(IModel inner) : IModel
{
    public string Backend => inner.Backend;
    public string Device => inner.Device;
    public ModelSpec Spec => inner.Spec;
    public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer) => inner.ForwardRange(inputs, firstLayer, endLayer);
    public double Loss(Batch batch) => inner.Loss(batch);
    public WeightSet Gradients(Batch batch) => inner.Gradients(batch);
    public StepResult TrainStep(Batch batch) => inner.TrainStep(batch);
    public WeightSet GetWeights() => inner.GetWeights();
    public void SetWeights(WeightSet weights) => inner.SetWeights(weights);
    public OptimizerState GetOptimizerState() => inner.GetOptimizerState();
    public void SetOptimizerState(OptimizerState state) => inner.SetOptimizerState(state);
    public void Dispose() => inner.Dispose();
}
