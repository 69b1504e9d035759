using Bridge.Backends;
using Bridge.Keras;
using Bridge.Python;
using Bridge.Testing;

namespace Bridge.Keras.Tests;

/// <summary>
/// The trainer's queued path on the keras backend (the data set held by Python, a run of steps per call) against the
/// same model trained one <see cref="IModel.TrainStep"/> at a time: the same bits, the same divergence report, and a
/// Python error in a run of steps leaves the model where the run began.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class QueuedTrainingTests
{
    public static TheoryData<string, string, string> Configurations() => new()
    {
        { "float64", "momentum", "categorical-crossentropy" },
        { "float64", "adam", "half-squared-error" },
        { "float32", "nesterov", "categorical-crossentropy" },
        { "float32", "adam", "binary-crossentropy" },
    };

    [SkippableTheory]
    [MemberData(nameof(Configurations))]
    public void Queued_training_gives_the_bits_of_step_by_step_training(string precision, string optimizer, string loss)
    {
        var keras = KerasUnderTest.Require();
        var spec = Spec(PrecisionExtensions.Parse(precision), optimizer, LossNames.Parse(loss));
        var data = Data(spec, 61, 3);
        // A batch of 8 leaves a last step of 5; progress every 3 steps settles runs of 3 in mid-epoch.
        var options = new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 4, EvaluateEachEpoch = false, ProgressEverySteps = 3, OnProgress = _ => { } };
        var weights = spec.Init.Draw(spec, 1);
        using var queued = keras.Build(spec, weights.Clone());
        using var stepwise = new StepByStepModel(keras.Build(spec, weights.Clone()));
        QueuedAgreement.AssertSameBits(stepwise, queued, data, options);
    }

    [SkippableFact]
    public void An_epoch_longer_than_one_python_call_gives_the_bits_of_step_by_step_training()
    {
        var keras = KerasUnderTest.Require();
        var spec = Spec(Precision.Float64, "adam", Loss.CategoricalCrossEntropy);
        // 601 rows in batches of 2: 301 steps, more than one call's worth, the last of one sample.
        var data = Data(spec, 601, 8);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 2, Seed = 2, EvaluateEachEpoch = false };
        var weights = spec.Init.Draw(spec, 3);
        using var queued = keras.Build(spec, weights.Clone());
        using var stepwise = new StepByStepModel(keras.Build(spec, weights.Clone()));
        Assert.True(301 > ResidentKerasTraining.StepsPerCall);
        QueuedAgreement.AssertSameBits(stepwise, queued, data, options);
    }

    [SkippableFact]
    public void A_diverging_step_in_mid_epoch_is_reported_where_step_by_step_training_reports_it()
    {
        var keras = KerasUnderTest.Require();
        var spec = SteepRegression.Spec();
        var weights = spec.Init.Draw(spec, 1);
        using var queued = keras.Build(spec, weights.Clone());
        using var stepwise = new StepByStepModel(keras.Build(spec, weights.Clone()));
        SteepRegression.DivergeBoth(stepwise, queued);
        Assert.Equal(QueuedAgreement.Bits(stepwise.GetWeights().Flatten()), QueuedAgreement.Bits(queued.GetWeights().Flatten()));
        Assert.Equal(stepwise.GetOptimizerState().Steps, queued.GetOptimizerState().Steps);
    }

    [SkippableFact]
    public void A_python_error_in_a_run_of_steps_leaves_the_model_where_the_run_began_and_names_itself()
    {
        var keras = KerasUnderTest.Require();
        var spec = Spec(Precision.Float64, "adam", Loss.CategoricalCrossEntropy);
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
        Assert.Equal(QueuedAgreement.Bits(before), QueuedAgreement.Bits(model.GetWeights().Flatten()));
        Assert.Equal(steps, model.GetOptimizerState().Steps);

        // Repaired, it trains on from there.
        faults.CallMethod("repair_keras_step", model.Net).Dispose();
        Assert.Equal(5, Trainer.Fit(model, data, options).StepsTaken);
        Assert.Equal(steps + 5, model.GetOptimizerState().Steps);
    }

    [SkippableFact]
    public void The_model_refuses_to_be_read_while_queued_steps_have_not_run()
    {
        var keras = KerasUnderTest.Require();
        var spec = Spec(Precision.Float64, "momentum", Loss.CategoricalCrossEntropy);
        var data = Data(spec, 20, 1);
        using var model = (IQueuedTrainingModel)keras.Build(spec, 1);
        var before = model.GetWeights().Flatten();
        using var training = model.BeginQueuedTraining(data.Features, OneHot.Encode(data.Labels!, 3), data.Labels);
        Assert.Throws<InvalidOperationException>(() => training.QueueStep(0, 4));   // no order yet
        training.BeginEpoch(Enumerable.Range(0, 20).Reverse().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => training.QueueStep(18, 4));
        training.QueueStep(0, 4);
        training.QueueStep(4, 4);
        Assert.Contains("2 queued training steps", Assert.Throws<InvalidOperationException>(() => model.GetWeights()).Message);
        var results = training.Settle();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Applied));
        Assert.NotEqual(before, model.GetWeights().Flatten());
        Assert.Empty(training.Settle());
    }

    [SkippableFact]
    public void Bad_data_is_refused_before_anything_crosses()
    {
        var keras = KerasUnderTest.Require();
        var spec = Spec(Precision.Float64, "momentum", Loss.HalfSquaredError);
        var data = Data(spec, 20, 1);
        data.Features[7, 2] = double.NaN;
        using var model = keras.Build(spec, 1);
        var before = model.GetWeights().Flatten();
        Assert.Contains("row 7, column 2", Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, new TrainingOptions { Epochs = 1 })).Message);
        Assert.Equal(before, model.GetWeights().Flatten());
    }

    private static Mlp Spec(Precision precision, string optimizer, Loss loss) =>
        new(6, new Dense(9, Activation.Tanh), new Dense(3, loss == Loss.CategoricalCrossEntropy ? Activation.Softmax : Activation.Sigmoid))
        {
            Loss = loss,
            Precision = precision,
            Optimizer = optimizer switch
            {
                "momentum" => new Sgd(0.1, 0.9),
                "nesterov" => new Sgd(0.05, 0.9, Nesterov: true),
                _ => new Adam(0.01),
            },
        };

    private static Dataset Data(ModelSpec spec, int count, ulong seed)
    {
        var batch = Batches.For(new Mlp(spec.Inputs, new Dense(spec.Outputs, Activation.Softmax)), count, seed);
        return Dataset.Classification("random", batch.Inputs, batch.Labels!, spec.Outputs);
    }

}
