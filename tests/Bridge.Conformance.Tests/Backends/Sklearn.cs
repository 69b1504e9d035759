using Bridge.Sklearn;
using Bridge.Testing;

namespace Bridge.Conformance.Tests;

/// <summary>scikit-learn's MLPs: its own backpropagation and optimizers, one step per batch.</summary>
public sealed class SklearnSubject : BackendUnderTest
{
    protected internal override IBackend Backend { get; } = new SklearnBackend();
}

[Collection(PythonCollection.Name)]
public sealed class SklearnInProcess(SklearnSubject backend) : ConformanceSuite<SklearnSubject>(backend);

public sealed class SklearnInAWorker(InAWorker<SklearnSubject> backend) : ConformanceSuite<InAWorker<SklearnSubject>>(backend);
