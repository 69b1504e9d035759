using Bridge.Keras;

namespace Bridge.Conformance.Tests;

/// <summary>
/// Keras 3 on the backend KERAS_BACKEND names (as Keras itself reads it); the trainer runs its steps in Python calls
/// on a data set Python holds, the same bits as one step at a time. In process it cannot share a process with
/// TorchSharp's libtorch when Keras runs on torch, so its in-process class lives in Bridge.Keras.Tests (which compiles
/// this file and the suite); here it runs in a worker, as the command line runs it.
/// </summary>
public sealed class KerasSubject : BackendUnderTest
{
    protected internal override IBackend Backend { get; } = new KerasBackend(Environment.GetEnvironmentVariable("KERAS_BACKEND"));

    public override FastPath FastPath => FastPath.Queued;
}
