using Bridge.Comparison;

namespace Bridge.Student.Tests;

/// <summary>
/// A student's Python module through the whole harness: a correct one passes every check the harness makes on a
/// shipped backend; each module with one deliberate mistake fails and gets exactly the diagnosis of that mistake.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class PythonStudentTests
{
    public static TheoryData<string> Specs => ["tanh-sigmoid", "sigmoids", "softmax", "square"];

    private static ModelSpec SpecNamed(string name) => name switch
    {
        "tanh-sigmoid" => StudentFixture.TanhSigmoid,
        "sigmoids" => StudentFixture.Sigmoids,
        "softmax" => StudentFixture.Softmax,
        "square" => StudentFixture.Square,
        _ => throw new ArgumentException(name),
    };

    [SkippableTheory]
    [MemberData(nameof(Specs))]
    public void A_correct_module_passes_every_check(string spec)
    {
        var student = StudentFixture.Python("correct.py");
        var report = StudentFixture.Compare(SpecNamed(spec), student);
        Assert.True(report.Passed, StudentFixture.Failures(report));
        var names = report.Checks.Where(c => c.Backend == student.Name).Select(c => c.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { CheckNames.Forward, CheckNames.Loss, CheckNames.Gradient, CheckNames.OneStep, CheckNames.KSteps, CheckNames.Accuracy }, names);
    }

    [SkippableFact]
    public void A_correct_module_passes_in_float32_and_as_an_autoencoder()
    {
        var student = StudentFixture.Python("correct.py");
        var float32 = StudentFixture.TanhSigmoid with { Precision = Precision.Float32 };
        var report = StudentFixture.Compare(float32, student);
        Assert.True(report.Passed, StudentFixture.Failures(report));
        Assert.Equal(1e-4, report.Checks.First(c => c.Name == CheckNames.Gradient).Tolerance);

        // An autoencoder: the decoder alone (ForwardRange from the code layer) goes through the same forward function.
        var autoencoder = Autoencoder.Symmetric(4, [3], 2, output: Activation.Sigmoid) with { Optimizer = new Sgd(0.5) };
        var rng = new Rng(6);
        var x = new Matrix(40, 4);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.NextDouble();
        var plan = StudentFixture.Plan(autoencoder) with { Train = Dataset.Unlabeled("points", x) };
        report = new ComparisonRunner([Bridge.Managed.ManagedBackend.Batched, student]).Run(plan);
        Assert.True(report.Passed, StudentFixture.Failures(report));
        Assert.Contains(report.Checks, c => c.Backend == student.Name && c.Name == CheckNames.ReconstructionError);
        using var model = student.Build(autoencoder, 3);
        using var managed = Bridge.Managed.ManagedBackend.Batched.Build(autoencoder, 3);
        var codes = managed.Encode(x);
        Assert.True(Agreement.RelativeError(managed.Decode(codes), model.Decode(codes)) < 1e-12);
    }

    [SkippableFact]
    public void A_correct_step_of_the_students_own_passes_and_is_the_one_used()
    {
        var student = StudentFixture.Python("correct_with_step.py");
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, student);
        Assert.True(report.Passed, StudentFixture.Failures(report));
        Assert.Contains("step: yours", report.Backends.Single(b => b.Name == student.Name).Device);
    }

    [SkippableTheory]
    // file, spec, words the one diagnosis must contain
    [InlineData("no_half.py", "tanh-sigmoid", "without the ½")]
    [InlineData("mse_for_half.py", "tanh-sigmoid", "mean squared error (a mean over the K = 3 outputs")]
    [InlineData("sum_over_batch.py", "tanh-sigmoid", "sums over the batch")]
    [InlineData("ascent.py", "tanh-sigmoid", "wrong sign")]
    [InlineData("sigmoid_derivative_for_tanh.py", "tanh-sigmoid", "tanh layers use the sigmoid's derivative")]
    [InlineData("tanh_derivative_for_sigmoid.py", "sigmoids", "sigmoid layers use tanh's derivative")]
    [InlineData("derivative_at_output.py", "sigmoids", "evaluated at the output o instead of at net")]
    [InlineData("no_output_derivative.py", "sigmoids", "output layer's delta leaves out f'(net)")]
    [InlineData("no_bias_gradient.py", "tanh-sigmoid", "bias gradients are missing (all zeros) in every layer")]
    [InlineData("transposed_gradient.py", "tanh-sigmoid", "kernel gradient of layer dense_0 is transposed")]
    [InlineData("transposed_kernel.py", "tanh-sigmoid", "Layer dense_0 computes with its kernel transposed")]
    [InlineData("no_activation.py", "tanh-sigmoid", "applies linear where the spec says tanh")]
    [InlineData("forward_includes_input.py", "square", "The output given for layer dense_0 is the input x")]
    [InlineData("reversed_gradients.py", "square", "reverse order")]
    [InlineData("step_ascent.py", "tanh-sigmoid", "ascent instead of descent")]
    public void A_module_with_one_mistake_gets_that_diagnosis(string file, string spec, string expected)
    {
        var student = StudentFixture.Python(file);
        var report = StudentFixture.Compare(SpecNamed(spec), student);
        Assert.False(report.Passed);
        var diagnoses = StudentFixture.DiagnosesOf(report, student);
        var diagnosis = Assert.Single(diagnoses);
        Assert.Contains(expected, diagnosis);
        Assert.Contains(expected, Assert.Single(report.Diagnoses()).Explanation);
    }

    [SkippableFact]
    public void Gradients_shifted_by_one_layer_are_named_per_layer()
    {
        var student = StudentFixture.Python("gradients_shifted.py");
        var report = StudentFixture.Compare(StudentFixture.Square, student);
        var shifted = report.Checks.Where(c => c.Backend == student.Name && c.Name == CheckNames.Gradient && c.Diagnosis is not null).ToList();
        // The list [g1, g2, g0]: dense_0 holds dense_1's gradient and dense_1 holds dense_2's; dense_2's is two layers away.
        Assert.Equal(["dense_0", "dense_1"], shifted.Select(c => c.Layer));
        Assert.Contains("is the reference's gradient of layer dense_1: the list is off by one layer", shifted[0].Diagnosis);
        Assert.Contains("is the reference's gradient of layer dense_2", shifted[1].Diagnosis);
    }

    [SkippableFact]
    public void The_recipe_makes_the_same_backend_again()
    {
        var student = StudentFixture.Python("correct.py");
        var recipe = student.Recipe;
        var type = Type.GetType(recipe.TypeName, throwOnError: true)!;
        var again = (IBackend)Activator.CreateInstance(type, recipe.Argument)!;
        Assert.Equal(student.Name, again.Name);
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, again);
        Assert.True(report.Passed, StudentFixture.Failures(report));
    }
}
