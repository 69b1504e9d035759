using Bridge.Torch;

namespace Bridge.Conformance.Tests;

/// <summary>
/// libtorch through TorchSharp, on the CPU; the trainer queues its steps on a resident data set. libtorch on the CPU
/// does not repeat itself bit for bit (two runs of the same steps differ in the last bits after a few steps), and its
/// optimizer state crosses into canonical form through a factor (v = −L·b): a few hundred units in the last place.
/// </summary>
public sealed class TorchSubject : BackendUnderTest
{
    protected internal override IBackend Backend { get; } = new TorchBackend("cpu");

    public override FastPath FastPath => FastPath.Queued;

    public override double Repeatability(Precision precision) => precision == Precision.Float32 ? 1e-5 : 1e-13;
}

public sealed class TorchInProcess(TorchSubject backend) : QueuedConformanceSuite<TorchSubject>(backend);

public sealed class TorchInAWorker(InAWorker<TorchSubject> backend) : QueuedConformanceSuite<InAWorker<TorchSubject>>(backend);
