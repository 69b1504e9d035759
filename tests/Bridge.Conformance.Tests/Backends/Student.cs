using Bridge.Backends;
using Bridge.Student;
using Bridge.Student.Tests;
using Bridge.Testing;

namespace Bridge.Conformance.Tests;

/// <summary>A student's correct Python module (numpy backpropagation; Bridge keeps the state and steps its optimizer).</summary>
public sealed class PythonStudentSubject : BackendUnderTest
{
    protected internal override IBackend Backend { get; } =
        new PythonStudentBackend(Path.Combine(AppContext.BaseDirectory, "student-code", "correct.py"));

    public override double Chaining(Precision precision) => StudentChaining.Of(precision);
}

/// <summary>
/// A student's correct C# network: the lecture's loss (half squared error) with sigmoid, tanh and identity layers, and
/// a softmax output with categorical cross-entropy — every spec the suite builds.
/// </summary>
public sealed class CSharpStudentSubject : BackendUnderTest
{
    protected internal override IBackend Backend { get; } = new CSharpBackpropBackend("");

    public override double Chaining(Precision precision) => StudentChaining.Of(precision);
}

/// <summary>
/// A student's code computes in float64 from the inputs on, and Bridge rounds only what it returns: in float32, a range
/// of layers fed a rounded output starts a float32 rounding (6e-8) away from a pass through all of them (and in a
/// worker, ForwardLayers is the chain of one-layer ranges).
/// </summary>
internal static class StudentChaining
{
    public static double Of(Precision precision) => precision == Precision.Float32 ? 1e-6 : 0;
}

/// <summary>
/// <see cref="CSharpBackprop"/> as a backend a worker process can make again from its recipe (a
/// <see cref="CSharpStudentBackend"/> wraps an instance, which cannot cross to another process).
/// </summary>
public sealed class CSharpBackpropBackend(string unused) : IPortableBackend
{
    private readonly CSharpStudentBackend _student = new(new CSharpBackprop());

    public string Name => _student.Name;

    public BackendRecipe Recipe => BackendRecipe.For<CSharpBackpropBackend>(unused);

    public BackendAvailability Availability => _student.Availability;

    public IModel Build(ModelSpec spec, WeightSet initialWeights) => _student.Build(spec, initialWeights);
}

[Collection(PythonCollection.Name)]
public sealed class PythonStudentCodeInProcess(PythonStudentSubject backend) : ConformanceSuite<PythonStudentSubject>(backend);

public sealed class CSharpStudentCodeInProcess(CSharpStudentSubject backend) : ConformanceSuite<CSharpStudentSubject>(backend);

public sealed class PythonStudentCodeInAWorker(InAWorker<PythonStudentSubject> backend) : ConformanceSuite<InAWorker<PythonStudentSubject>>(backend);

public sealed class CSharpStudentCodeInAWorker(InAWorker<CSharpStudentSubject> backend) : ConformanceSuite<InAWorker<CSharpStudentSubject>>(backend);
