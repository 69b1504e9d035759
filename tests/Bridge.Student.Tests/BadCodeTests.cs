using Bridge.Comparison;
using Bridge.Managed;

namespace Bridge.Student.Tests;

/// <summary>
/// Student code that breaks: every way ends in a failed check whose message says what, where and (for Python) shows the
/// traceback of the student's own code — never a crash of the comparison, never a pass.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class BadCodeTests
{
    private static string ErrorOf(string file, ModelSpec? spec = null, TimeSpan? limit = null)
    {
        var student = StudentFixture.Python(file, limit);
        var report = StudentFixture.Compare(spec ?? StudentFixture.TanhSigmoid, student);
        Assert.False(report.Passed);
        var error = Assert.Single(report.Checks, c => c.Backend == student.Name && c.Name == CheckNames.Error);
        Assert.Null(error.Diagnosis);
        Assert.Contains(error.Detail!, Assert.Single(report.Diagnoses()).Explanation);
        return error.Detail!;
    }

    [SkippableFact]
    public void A_module_that_does_not_parse_is_reported_with_the_line()
    {
        string message = ErrorOf("syntax_error.py");
        Assert.Contains("syntax_error.py does not import: SyntaxError", message);
        Assert.Contains("line 3", message);
    }

    [SkippableFact]
    public void A_module_whose_import_fails_is_reported_with_the_missing_module()
    {
        string message = ErrorOf("import_fails.py");
        Assert.Contains("ModuleNotFoundError", message);
        Assert.Contains("a_package_nobody_installed", message);
        Assert.DoesNotContain("bridge_student.py", message);
    }

    [SkippableFact]
    public void A_missing_function_is_named()
    {
        string message = ErrorOf("no_gradients.py");
        Assert.Contains("defines no function gradients", message);
    }

    [SkippableFact]
    public void A_missing_file_is_named()
    {
        string message = ErrorOf("there_is_no_such_file.py");
        Assert.Contains("There is no file", message);
        Assert.Contains("there_is_no_such_file.py", message);
    }

    [SkippableFact]
    public void An_exception_arrives_with_the_students_traceback()
    {
        string message = ErrorOf("raises.py");
        Assert.Contains("gradients in raises.py raised ValueError: shapes (8,4) and (1,4) not aligned", message);
        Assert.Contains("Traceback (most recent call last)", message);
        Assert.Contains("in compute_deltas", message);
        Assert.DoesNotContain("bridge_student.py", message);
    }

    [SkippableFact]
    public void An_integer_array_is_named_with_its_layer_and_dtype()
    {
        string message = ErrorOf("integer_gradients.py");
        Assert.Contains("gradients: dW of layer dense_1 has dtype int64", message);
        Assert.Contains("expected float64", message);
    }

    [SkippableFact]
    public void A_float32_output_is_refused_in_a_float64_comparison()
    {
        string message = ErrorOf("float32_forward.py");
        Assert.Contains("the output of layer dense_0 has dtype float32; expected float64", message);
    }

    [SkippableFact]
    public void A_nan_is_located_by_layer_and_index()
    {
        string message = ErrorOf("nan_gradients.py");
        Assert.Contains("db of layer dense_0 holds NaN at [0]", message);
    }

    [SkippableFact]
    public void A_shape_off_by_a_layer_is_named_with_the_hint()
    {
        // [x, o_0] for a 4-6-5-3 network: the first "output" has the input's width.
        string message = ErrorOf("forward_includes_input.py", StudentFixture.Softmax);
        Assert.Contains("forward: the output of layer dense_0 has shape [8, 4]; expected [8, 6]", message);
        Assert.Contains("does the list start with x?", message);
    }

    [SkippableFact]
    public void A_transposed_gradient_of_a_layer_that_is_not_square_is_named_by_its_shape()
    {
        var spec = new Mlp(4, new Dense(6, Activation.Tanh), new Dense(3, Activation.Sigmoid)) { Loss = Loss.HalfSquaredError };
        string message = ErrorOf("transposed_gradient.py", spec);
        Assert.Contains("gradients: dW of layer dense_0 has shape [6, 4]; expected [4, 6]", message);
        Assert.Contains("That is the transpose", message);
    }

    [SkippableFact]
    public void Gradients_in_reverse_order_are_named_by_the_shape_of_the_other_layer()
    {
        // 4-4-3: the output layer's [4, 3] gradient arrives first, where dense_0's [4, 4] belongs.
        string message = ErrorOf("reversed_gradients.py");
        Assert.Contains("gradients: dW of layer dense_0 has shape [4, 3]; expected [4, 4]", message);
        Assert.Contains("That is the shape of layer dense_1's kernel: is the list shifted by one layer, or reversed?", message);
    }

    [SkippableFact]
    public void A_call_that_never_returns_is_stopped_at_the_time_limit_and_python_stays_usable()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string message = ErrorOf("never_returns.py", limit: TimeSpan.FromSeconds(1));
        Assert.Contains("gradients in never_returns.py did not return within 1 s", message);
        Assert.Contains("never_returns.py", message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        // No interrupt is left behind to land in the next Python call.
        var report = StudentFixture.Compare(StudentFixture.TanhSigmoid, StudentFixture.Python("correct.py"));
        Assert.True(report.Passed, StudentFixture.Failures(report));
    }

    [SkippableFact]
    public void A_failing_call_leaves_the_model_as_it_was()
    {
        var spec = StudentFixture.TanhSigmoid;
        using var model = StudentFixture.Python("nan_gradients.py").Build(spec, 4);
        var batch = StudentFixture.Data(spec).ToBatch(spec);
        var before = model.GetWeights().Flatten();
        Assert.Throws<StudentCodeException>(() => model.TrainStep(batch));
        Assert.Equal(before, model.GetWeights().Flatten());
        Assert.Equal(0, model.GetOptimizerState().Steps);
        // The forward pass is fine: the model still answers.
        using var managed = ManagedBackend.Batched.Build(spec, 4);
        Assert.True(Agreement.RelativeError(managed.Forward(batch.Inputs), model.Forward(batch.Inputs)) < 1e-12);
    }
}
