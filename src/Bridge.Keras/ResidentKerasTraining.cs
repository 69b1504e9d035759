using Bridge.Backends;
using Bridge.Python;
using Bridge.PythonBackends;

namespace Bridge.Keras;

/// <summary>
/// One fit on a data set that Keras holds as tensors (bridge_keras.ResidentTraining): the data crosses into Python
/// once, each epoch's order once, and the queued steps run in Python calls of up to <see cref="StepsPerCall"/> steps
/// that gather each batch with <c>ops.take</c>. Per step that saves what the step-by-step path pays in C#: the batch's
/// conversion to numpy and the copy of the weights and optimizer state kept in case Python fails half-way (here Python
/// keeps that copy once per call). Results are those of <see cref="KerasModel.TrainStep"/> step by step, bit for bit:
/// the same Python code computes each step on the same rows.
/// </summary>
internal sealed class ResidentKerasTraining : StepRunsTraining
{
    /// <summary>
    /// Steps run in one Python call at most: the trainer sees a cancellation between calls, so this bounds how late
    /// (a few hundred milliseconds of digits-sized steps), while the call costs far less than the steps it runs.
    /// </summary>
    public const int StepsPerCall = 256;

    private readonly KerasModel _model;
    private readonly PyObject _resident;

    public ResidentKerasTraining(KerasModel model, PyObject net, Matrix inputs, Matrix targets, int[]? labels)
        : base(inputs.Rows, StepsPerCall)
    {
        // The network's loss always reads the targets (one-hot for categorical cross-entropy), never the labels.
        InputChecks.ResidentData(model.Spec, inputs, targets, labels, readsTargets: true);
        _model = model;
        using var gil = Bridge.Python.Python.Gil();
        using var x = PythonArrays.ToNumpy(inputs);
        using var t = ReferenceEquals(targets, inputs) ? null : PythonArrays.ToNumpy(targets);
        _resident = net.CallMethod("resident", x, t ?? x);
    }

    protected override void UseOrder(ReadOnlySpan<int> order)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var array = NumpyArrays.FromInt32s(order);
        _resident.CallMethod("epoch", array).Dispose();
    }

    protected override IReadOnlyList<StepResult> Run(int[] starts, int[] counts)
    {
        using var gil = Bridge.Python.Python.Gil();
        using var results = _resident.CallMethod("steps", starts, counts);
        return results.ToList().Select(item => { using (item) return KerasModel.ReadStepResult(item); }).ToList();
    }

    protected override void Release()
    {
        using (Bridge.Python.Python.Gil()) _resident.Dispose();
        _model.Released(this);
    }
}
