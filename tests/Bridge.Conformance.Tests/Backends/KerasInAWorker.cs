namespace Bridge.Conformance.Tests;

public sealed class KerasInAWorker(InAWorker<KerasSubject> backend) : QueuedConformanceSuite<InAWorker<KerasSubject>>(backend);
