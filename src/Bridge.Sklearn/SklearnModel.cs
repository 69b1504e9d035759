using Bridge.Backends;
using Bridge.Python;
using Bridge.PythonBackends;
using Py = Bridge.Python.Python;

namespace Bridge.Sklearn;

/// <summary>A Bridge network held by scikit-learn (see bridge_sklearn.py for how it is driven).</summary>
internal sealed class SklearnModel : PythonNetModel
{
    private readonly bool _classifier;

    public SklearnModel(ModelSpec spec, WeightSet weights, PyObject module, string device) : base(spec, device)
    {
        _classifier = spec.Loss is Bridge.Loss.CategoricalCrossEntropy or Bridge.Loss.BinaryCrossEntropy;
        var hidden = spec.Layers.Take(spec.Layers.Count - 1).Select(l => l.Units).ToArray();
        string activation = spec.Layers[0].Activation switch
        {
            Activation.Sigmoid => "logistic",
            Activation.Tanh => "tanh",
            Activation.Relu => "relu",
            _ => "identity",
        };
        int classes = spec.Outputs == 1 ? 2 : spec.Outputs;
        using var gil = Py.Gil();
        using var variables = PythonArrays.ToVariables(weights);
        Hold(module.CallMethod("SklearnNet",
            _classifier ? "classifier" : "regressor", hidden, activation, Enumerable.Range(0, classes).ToArray(),
            variables, PythonArrays.Describe(spec.Optimizer), spec.Precision.Name()));
    }

    public override string Backend => "sklearn";

    /// <summary>What scikit-learn trains against: class labels for a classifier, the target values for a regressor.</summary>
    protected override PyObject TargetsFor(Batch batch) =>
        _classifier
            ? PyObject.From(batch.Labels ?? batch.Targets.Data.Select(t => (int)Math.Round(t)).ToArray())
            : batch.Targets.Cols == 1 ? PythonArrays.ToNumpy(batch.Targets.Data, batch.Targets.Rows) : PythonArrays.ToNumpy(batch.Targets);

    /// <summary>Computed here from scikit-learn's outputs, by the definition every backend shares.</summary>
    public override double Loss(Batch batch)
    {
        EnsureUsable();
        InputChecks.Batch(Spec, batch);
        var outputs = ForwardChecked(batch.Inputs, 0, Spec.Layers.Count)[^1];
        return LossFunctions.Batch(Spec.Loss, outputs, batch.Targets, batch.LabelSpan);
    }

    /// <summary>
    /// Two calls into Python: the outputs and a finiteness check of scikit-learn's gradients, then (when the loss,
    /// computed here from the outputs by the definition every backend shares, and the gradients are finite) the step,
    /// which the Python side undoes itself if it fails half-way. Nothing else crosses: no weights, no gradients.
    /// </summary>
    public override StepResult TrainStep(Batch batch)
    {
        EnsureUsable();
        InputChecks.Batch(Spec, batch);
        using var gil = Py.Gil();
        double loss;
        int badLayer;
        using (var x = PythonArrays.ToNumpy(batch.Inputs))
        using (var y = TargetsFor(batch))
        using (var prepared = Net.CallMethod("prepare_step", x, y))
        using (var outputs = prepared[0])
        using (var layer = prepared[1])
        {
            loss = LossFunctions.Batch(Spec.Loss, PythonArrays.ToMatrix(outputs), batch.Targets, batch.LabelSpan);
            badLayer = (int)layer.ToInt64();
        }
        // scikit-learn does not refuse non-finite steps, so the check happens here, before it steps.
        if (badLayer >= 0) return StepResult.Refused(loss, WeightSet.LayerName(badLayer));
        if (!double.IsFinite(loss)) return StepResult.Refused(loss, null);
        Net.CallMethod("step").Dispose();
        return StepResult.Done(loss);
    }
}
