using Bridge.Comparison;
using Bridge.Managed;

namespace Bridge.Student.Tests;

/// <summary>All tests that use the embedded Python run one after another in one process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PythonCollection
{
    public const string Name = "python";
}

/// <summary>The students' modules of these tests, the specs they are checked on, and the comparison they go through.</summary>
internal static class StudentFixture
{
    public static string Module(string file) => Path.Combine(AppContext.BaseDirectory, "student-code", file);

    public static string LabFile(string file) => Path.Combine(AppContext.BaseDirectory, "lab", file);

    /// <summary>A backend for a module of student-code/, skipping the test (with the reason) where Python with numpy is missing.</summary>
    public static PythonStudentBackend Python(string file, TimeSpan? limit = null)
    {
        var backend = new PythonStudentBackend(Module(file), limit ?? TimeSpan.FromSeconds(30));
        RequirePython(backend);
        return backend;
    }

    public static void RequirePython(IBackend backend)
    {
        var availability = backend.Availability;
        Skip.IfNot(availability.IsAvailable, $"Python with numpy unavailable (set BRIDGE_PYTHON=/usr/bin/python3): {availability.Detail}");
    }

    /// <summary>Tanh hidden layer, sigmoid outputs, the lecture's ½·Σ squared error; the hidden layer's kernel is square (4 inputs, 4 nodes).</summary>
    public static readonly Mlp TanhSigmoid = new(4, new Dense(4, Activation.Tanh), new Dense(3, Activation.Sigmoid))
    {
        Loss = Loss.HalfSquaredError,
        Optimizer = new Sgd(0.5),
    };

    /// <summary>Sigmoid everywhere, the lecture's network.</summary>
    public static readonly Mlp Sigmoids = new(4, new Dense(4, Activation.Sigmoid), new Dense(3, Activation.Sigmoid))
    {
        Loss = Loss.HalfSquaredError,
        Optimizer = new Sgd(0.5),
    };

    /// <summary>Softmax with categorical cross-entropy and momentum: Bridge's optimizer steps even when the student wrote one.</summary>
    public static readonly Mlp Softmax = new(4, new Dense(6, Activation.Relu), new Dense(5, Activation.Tanh), new Dense(3, Activation.Softmax))
    {
        Optimizer = new Sgd(0.1, 0.9),
    };

    /// <summary>Three square layers, so that lists shifted or reversed by a layer still have the right shapes.</summary>
    public static readonly Mlp Square = new(4, new Dense(4, Activation.Tanh), new Dense(4, Activation.Tanh), new Dense(4, Activation.Sigmoid))
    {
        Loss = Loss.HalfSquaredError,
        Optimizer = new Sgd(0.5),
    };

    public static Dataset Data(ModelSpec spec) =>
        Datasets.Blobs(samples: 60, centers: spec.Outputs, features: 4, seed: 5);

    public static ComparisonPlan Plan(ModelSpec spec) =>
        new(spec, Data(spec), new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 3 }) { WeightSeed = 2, KSteps = 4 };

    public static ComparisonReport Compare(ModelSpec spec, IBackend student) =>
        new ComparisonRunner([ManagedBackend.Batched, student]).Run(Plan(spec));

    /// <summary>The distinct diagnoses the report attached to the student's checks.</summary>
    public static List<string> DiagnosesOf(ComparisonReport report, IBackend student) =>
        report.Checks.Where(c => c.Backend == student.Name && !c.Passed).Select(c => c.Diagnosis).OfType<string>().Distinct().ToList();

    public static string Failures(ComparisonReport report) => string.Join("\n", report.Failures);
}
