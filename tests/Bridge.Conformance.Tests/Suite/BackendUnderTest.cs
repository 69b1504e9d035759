using Bridge.Managed;
using Bridge.Testing;

namespace Bridge.Conformance.Tests;

/// <summary>
/// One backend as the conformance suite runs it: the backend itself, what it cannot express, the engine its numbers
/// are held to, how far two runs of the same computation may differ in it, and the fast path the trainer takes with
/// it. A backend joins the suite with one small class deriving from this and one line that runs
/// <see cref="ConformanceSuite{TBackend}"/> on it. Made once per test class (an xunit class fixture), so a worker
/// process or an imported library serves every test of the class.
/// </summary>
public abstract class BackendUnderTest : IDisposable
{
    /// <summary>The backend.</summary>
    protected internal abstract IBackend Backend { get; }

    /// <summary>The backend, or the test skips with the backend's own reason (which names the fix); Keras fails instead where CI requires it.</summary>
    public IBackend Require() => RequiredBackends.Require(Backend);

    /// <summary>Why this backend cannot build <paramref name="spec"/> (a spec it cannot express), or null.</summary>
    public virtual string? CannotBuild(ModelSpec spec) => Backend.CannotBuild(spec);

    /// <summary>
    /// The engine this backend's numbers are held to: computed independently of it. The managed engine's batched path,
    /// but for that path itself, which is held to the teaching path (per-neuron loops, no shared code).
    /// </summary>
    public virtual IBackend Reference => ManagedBackend.Batched;

    /// <summary>
    /// The relative error two runs of the same computation may show in this backend: 0 where it repeats itself bit for
    /// bit. Also bounds what a conversion of its own costs (the torch backend's optimizer state, read and written).
    /// </summary>
    public virtual double Repeatability(Precision precision) => 0;

    /// <summary>
    /// How far the outputs of layers [first, end), fed what layer first − 1 put out, may lie from those of
    /// <see cref="IModel.ForwardLayers"/>: 0 (or the backend's repeatability) where each layer's outputs are rounded to
    /// the model's precision before the next layer reads them.
    /// </summary>
    public virtual double Chaining(Precision precision) => Repeatability(precision);

    /// <summary>How the trainer drives this backend's models (the suite checks that they offer exactly that path).</summary>
    public virtual FastPath FastPath => FastPath.None;

    public virtual void Dispose() => GC.SuppressFinalize(this);

    public override string ToString() => Backend.Name;
}

/// <summary>The trainer's way with a model: what it implements besides <see cref="IModel"/>.</summary>
public enum FastPath
{
    /// <summary>One <see cref="IModel.TrainStep"/> per batch the trainer assembles.</summary>
    None,

    /// <summary><see cref="Bridge.Backends.IGatheringModel"/>: the model reads each step's rows of the data set itself.</summary>
    Gathering,

    /// <summary><see cref="Bridge.Backends.IQueuedTrainingModel"/>: the data set is resident, steps are queued and settled later.</summary>
    Queued,
}
