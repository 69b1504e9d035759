namespace Bridge.Conformance.Tests;

public sealed class KerasInAWorker(InAWorker<KerasSubject> backend) : ConformanceSuite<InAWorker<KerasSubject>>(backend);
