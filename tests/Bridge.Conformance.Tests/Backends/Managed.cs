using Bridge.Managed;

namespace Bridge.Conformance.Tests;

/// <summary>The managed engine's batched path ("managed"), held to its teaching path; the trainer hands it rows to read.</summary>
public sealed class ManagedSubject : BackendUnderTest
{
    protected internal override IBackend Backend => ManagedBackend.Batched;

    public override IBackend Reference => ManagedBackend.Teaching;

    public override FastPath FastPath => FastPath.Gathering;
}

/// <summary>The managed engine's teaching path ("managed-teaching"): per-neuron loops, the lecture's formulas.</summary>
public sealed class TeachingSubject : BackendUnderTest
{
    protected internal override IBackend Backend => ManagedBackend.Teaching;
}

public sealed class ManagedInProcess(ManagedSubject backend) : GatheringConformanceSuite<ManagedSubject>(backend);

public sealed class ManagedTeachingInProcess(TeachingSubject backend) : ConformanceSuite<TeachingSubject>(backend);

public sealed class ManagedInAWorker(InAWorker<ManagedSubject> backend) : ConformanceSuite<InAWorker<ManagedSubject>>(backend);

public sealed class ManagedTeachingInAWorker(InAWorker<TeachingSubject> backend) : ConformanceSuite<InAWorker<TeachingSubject>>(backend);
