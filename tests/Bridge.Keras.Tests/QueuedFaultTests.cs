using Bridge.Keras;
using Bridge.Python;
using Bridge.Testing;

namespace Bridge.Keras.Tests;

/// <summary>
/// The trainer's queued path on the keras backend (the data set held by Python, a run of steps per call) when Python
/// fails in the middle of a run: the model is left where the run began, and the error names itself. That queued steps
/// are the steps one at a time, bit for bit, is the conformance suite's to check.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class QueuedFaultTests
{
    [SkippableFact]
    public void A_python_error_in_a_run_of_steps_leaves_the_model_where_the_run_began_and_names_itself()
    {
        var keras = KerasUnderTest.Require();
        var spec = new Mlp(6, new Dense(9, Activation.Tanh), new Dense(3, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        var data = Data(spec, 40, 2);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 8, EvaluateEachEpoch = false };
        using var model = (KerasModel)keras.Build(spec, 1);
        Trainer.Fit(model, data, options);
        var before = model.GetWeights().Flatten();
        long steps = model.GetOptimizerState().Steps;

        using var faults = Bridge.Python.Python.Import("keras_faults");
        faults.CallMethod("break_keras_step_after", model.Net, 3).Dispose();
        var error = Assert.Throws<PythonException>(() => Trainer.Fit(model, data, options));
        Assert.Equal("RuntimeError", error.TypeName);
        Assert.Contains("injected failure", error.PythonMessage);
        Assert.Contains("Traceback", error.PythonTraceback);
        Assert.Equal(before, model.GetWeights().Flatten());
        Assert.Equal(steps, model.GetOptimizerState().Steps);

        // Repaired, it trains on from there.
        faults.CallMethod("repair_keras_step", model.Net).Dispose();
        Assert.Equal(5, Trainer.Fit(model, data, options).StepsTaken);
        Assert.Equal(steps + 5, model.GetOptimizerState().Steps);
    }

    private static Dataset Data(ModelSpec spec, int count, ulong seed)
    {
        var batch = Batches.For(new Mlp(spec.Inputs, new Dense(spec.Outputs, Activation.Softmax)), count, seed);
        return Dataset.Classification("random", batch.Inputs, batch.Labels!, spec.Outputs);
    }
}
