using Bridge.Backends;
using Bridge.Python;
using Bridge.PythonBackends;
using Py = Bridge.Python.Python;

namespace Bridge.Keras;

/// <summary>
/// A Bridge network held by Keras (see bridge_keras.py for how it is built and trained). Training through the
/// <see cref="Trainer"/> goes through <see cref="BeginQueuedTraining"/>: the data set crosses into Python once per fit
/// and runs of steps are one Python call each (see <see cref="ResidentKerasTraining"/>).
/// </summary>
internal sealed class KerasModel : PythonNetModel, IQueuedTrainingModel
{
    private ResidentKerasTraining? _resident;

    public KerasModel(ModelSpec spec, WeightSet weights, PyObject module, string device) : base(spec, device)
    {
        var layers = spec.Layers.Select(l => (object?)(l.Units, l.Activation.Name())).ToArray();
        using var gil = Py.Gil();
        using var variables = PythonArrays.ToVariables(weights);
        Hold(module.CallMethod("KerasNet", spec.Inputs, layers, spec.Loss.Name(), PythonArrays.Describe(spec.Optimizer), spec.Precision.Name(), variables));
    }

    public override string Backend => "keras";

    /// <summary>The network's loss always reads the targets (one-hot for categorical cross-entropy), never the labels.</summary>
    protected override PyObject TargetsFor(Batch batch) => PythonArrays.ToNumpy(batch.Targets);

    public override double Loss(Batch batch)
    {
        EnsureUsable();
        InputChecks.Batch(Spec, batch);
        using var gil = Py.Gil();
        using var x = PythonArrays.ToNumpy(batch.Inputs);
        using var t = TargetsFor(batch);
        using var loss = Net.CallMethod("loss", x, t);
        return loss.ToDouble();
    }

    public override StepResult TrainStep(Batch batch)
    {
        EnsureUsable();
        InputChecks.Batch(Spec, batch);
        using var gil = Py.Gil();
        using var x = PythonArrays.ToNumpy(batch.Inputs);
        using var t = TargetsFor(batch);
        // A Python error half-way through an update must not leave half-updated weights: keep what there was.
        var weights = GetWeights();
        var state = GetOptimizerState();
        PyObject result;
        try
        {
            result = Net.CallMethod("train_step", x, t);
        }
        catch (PythonException)
        {
            SetWeights(weights);
            SetOptimizerState(state);
            throw;
        }
        using (result) return ReadStepResult(result);
    }

    public IQueuedTraining BeginQueuedTraining(Matrix inputs, Matrix targets, int[]? labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureUsable();
        if (_resident is not null) throw new InvalidOperationException("This model is already training on a resident data set; dispose that first.");
        return _resident = new ResidentKerasTraining(this, Net, inputs, targets, labels);
    }

    /// <summary>A step's result as bridge_keras returns it: (loss, applied, index of the first non-finite layer or -1).</summary>
    internal static StepResult ReadStepResult(PyObject result)
    {
        var values = (object?[])result.ToClr()!;
        double loss = (double)values[0]!;
        bool applied = (bool)values[1]!;
        long layer = (long)values[2]!;
        return applied ? StepResult.Done(loss) : StepResult.Refused(loss, layer >= 0 ? WeightSet.LayerName((int)layer) : null);
    }

    internal void Released(ResidentKerasTraining resident)
    {
        if (ReferenceEquals(_resident, resident)) _resident = null;
    }

    /// <summary>Queued steps have not run yet, so the weights do not show them: reading or changing the model now would mislead.</summary>
    protected override void EnsureUsable()
    {
        base.EnsureUsable();
        if (_resident is { Unsettled: > 0 } r)
            throw new InvalidOperationException($"{r.Unsettled} queued training steps are not settled yet: call Settle() on the queued training first.");
    }

    protected override void ReleaseOwned() => _resident?.Dispose();
}
