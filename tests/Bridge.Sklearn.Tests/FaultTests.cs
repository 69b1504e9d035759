using Bridge.Python;
using Bridge.Testing;

namespace Bridge.Sklearn.Tests;

/// <summary>The Python-backed backends under faults: the .NET side stays consistent and says what happened.</summary>
[Collection(PythonCollection.Name)]
public sealed class FaultTests
{
    [SkippableFact]
    public void A_python_error_half_way_through_a_step_leaves_the_model_as_it_was()
    {
        var sklearn = SklearnUnderTest.Require();
        var spec = new Mlp(4, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        using var model = (SklearnModel)sklearn.Build(spec, 1);
        for (int s = 0; s < 3; s++) model.TrainStep(Batches.For(spec, 8, (ulong)s));
        var before = model.GetWeights().Flatten();
        long steps = model.GetOptimizerState().Steps;

        using var faults = Bridge.Python.Python.Import("sklearn_faults");
        faults.CallMethod("break_optimizer_midway", model.Net).Dispose();
        var batch = Batches.For(spec, 8, 99);
        var error = Assert.Throws<PythonException>(() => model.TrainStep(batch));
        Assert.Equal("RuntimeError", error.TypeName);
        Assert.Contains("injected failure", error.PythonMessage);
        Assert.Contains("Traceback", error.PythonTraceback);
        Assert.Equal(before, model.GetWeights().Flatten());
        Assert.Equal(steps, model.GetOptimizerState().Steps);

        // Repaired, it trains on as if nothing had happened.
        faults.CallMethod("repair_optimizer", model.Net).Dispose();
        Assert.True(model.TrainStep(batch).Applied);
        Assert.Equal(steps + 1, model.GetOptimizerState().Steps);
    }

    [SkippableFact]
    public void The_trainer_passes_a_python_error_on_with_its_traceback()
    {
        var sklearn = SklearnUnderTest.Require();
        var spec = new Mlp(2, new Dense(4, Activation.Tanh), new Dense(3, Activation.Softmax));
        using var model = (SklearnModel)sklearn.Build(spec, 1);
        using var faults = Bridge.Python.Python.Import("sklearn_faults");
        faults.CallMethod("break_optimizer_midway", model.Net).Dispose();
        var before = model.GetWeights().Flatten();
        var error = Assert.Throws<PythonException>(() => model.Fit(Datasets.Blobs(samples: 30, centers: 3, seed: 1), epochs: 2, batchSize: 8));
        Assert.Contains("update_params", error.PythonTraceback);
        Assert.Equal(before, model.GetWeights().Flatten());
    }
}
