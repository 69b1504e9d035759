using Bridge.Backends;

namespace Bridge.Tests.Contracts;

public class TrainerTests
{
    /// <summary>Ten samples whose feature is their index; class = parity.</summary>
    private static readonly Dataset Ten = Dataset.Classification("ten",
        new Matrix(10, 1, [.. Enumerable.Range(0, 10).Select(i => (double)i)]), [.. Enumerable.Range(0, 10).Select(i => i % 2)], 2);

    private static readonly ModelSpec OneOutput = new Mlp(1, new Dense(1, Activation.Sigmoid));

    private static int[] SamplesOf(double[] inputs) => inputs.Select(v => (int)v).ToArray();

    [Fact]
    public void Every_epoch_visits_every_sample_once_in_the_planned_order()
    {
        var model = new RecordingModel(OneOutput);
        Trainer.Fit(model, Ten, new TrainingOptions { Epochs = 3, BatchSize = 3, Seed = 5 });
        Assert.Equal(12, model.Steps);
        Assert.Equal([3, 3, 3, 1, 3, 3, 3, 1, 3, 3, 3, 1], model.Inputs.Select(i => i.Length));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var visited = model.Inputs.Skip(4 * epoch).Take(4).SelectMany(SamplesOf).ToArray();
            Assert.Equal(BatchPlan.Order(10, epoch, 5, shuffle: true), visited);
            var labels = model.Labels.Skip(4 * epoch).Take(4).SelectMany(l => l!).ToArray();
            Assert.Equal(visited.Select(n => n % 2), labels);
        }
        Assert.NotEqual(model.Inputs.Take(4).SelectMany(SamplesOf), model.Inputs.Skip(4).Take(4).SelectMany(SamplesOf));
    }

    [Fact]
    public void Without_shuffling_every_epoch_runs_in_index_order()
    {
        var model = new RecordingModel(OneOutput);
        Trainer.Fit(model, Ten, new TrainingOptions { Epochs = 2, BatchSize = 4, Shuffle = false });
        Assert.Equal([.. Enumerable.Range(0, 10), .. Enumerable.Range(0, 10)], model.Inputs.SelectMany(SamplesOf));
    }

    [Fact]
    public void History_records_the_batch_weighted_mean_step_loss_and_evaluations()
    {
        var model = new RecordingModel(OneOutput); // step k reports loss 1 + k
        var history = Trainer.Fit(model, Ten, new TrainingOptions { Epochs = 3, BatchSize = 3, Validation = Ten.Take(4) });
        // Epoch 0: steps 0..3 with 3, 3, 3, 1 samples: (1·3 + 2·3 + 3·3 + 4·1)/10 = 2.2; each later epoch adds 4.
        Assert.Equal([2.2, 6.2, 10.2], history.Losses().Select(l => Math.Round(l, 12)));
        Assert.Equal(12, history.StepsTaken);
        Assert.Equal([0, 1, 2], history.Epochs.Select(e => e.Epoch));
        // After epoch 0 every weight is 4: o = σ(4x + 4) > 0.5 for every x ≥ 0, so every sample is called odd.
        var first = history.Epochs[0];
        Assert.Equal(0.5, first.Accuracy);
        double expectedLoss = Enumerable.Range(0, 10).Average(n => 0.5 * Math.Pow(n % 2 - ActivationFunctions.Sigmoid(4 * n + 4), 2));
        Assert.Equal(expectedLoss, first.TrainLoss!.Value, 14);
        Assert.NotNull(first.ValidationLoss);
        Assert.Equal(0.5, first.ValidationAccuracy);
        Assert.Null(first.ReconstructionError);
        Assert.Same(history.Epochs[^1], history.Last);

        var quiet = Trainer.Fit(new RecordingModel(OneOutput), Ten, new TrainingOptions { Epochs = 1, EvaluateEachEpoch = false });
        Assert.Null(quiet.Epochs[0].TrainLoss);
        Assert.Null(quiet.Epochs[0].Accuracy);
    }

    [Fact]
    public void The_running_accuracy_adds_up_what_the_steps_counted_and_is_unknown_if_one_did_not()
    {
        // Batches of 3, 3, 3, 1 samples; each step says how many of its samples were right.
        int[] counts = [0, 1, 2, 0, 1, 2, 0, 1];
        var counting = new RecordingModel(OneOutput, index => StepResult.Done(1) with { Correct = counts[index] });
        var history = Trainer.Fit(counting, Ten, new TrainingOptions { Epochs = 2, BatchSize = 3, EvaluateEachEpoch = false });
        Assert.Equal(0.3, history.Epochs[0].RunningAccuracy);
        Assert.Equal(0.4, history.Epochs[1].RunningAccuracy);
        Assert.Null(history.Epochs[0].Accuracy);

        var silentOnce = new RecordingModel(OneOutput, index => index == 2 ? StepResult.Done(1) : StepResult.Done(1) with { Correct = 1 });
        var partly = Trainer.Fit(silentOnce, Ten, new TrainingOptions { Epochs = 2, BatchSize = 3, EvaluateEachEpoch = false });
        Assert.Null(partly.Epochs[0].RunningAccuracy);
        Assert.Equal(0.4, partly.Epochs[1].RunningAccuracy);
    }

    [Fact]
    public void Progress_is_reported_every_n_steps_and_at_each_epoch_end()
    {
        var reports = new List<TrainingProgress>();
        var ends = new List<int>();
        Trainer.Fit(new RecordingModel(OneOutput), Ten, new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 3,
            ProgressEverySteps = 2,
            OnProgress = reports.Add,
            OnEpochEnd = (epoch, _) => ends.Add(epoch),
        });
        Assert.Equal([(0, 2), (0, 4), (0, 4), (1, 2), (1, 4), (1, 4)], reports.Select(r => (r.Epoch, r.Step)));
        Assert.Equal(1.5, reports[0].Loss, 14);   // (1·3 + 2·3) / 6
        Assert.Null(reports[0].Completed);
        Assert.NotNull(reports[2].Completed);
        Assert.Equal(2.2, reports[2].Loss, 14);
        Assert.All(reports, r => Assert.Equal((2, 4), (r.Epochs, r.StepsPerEpoch)));
        Assert.Equal([0, 1], ends);
    }

    [Fact]
    public void A_non_finite_step_stops_training_naming_where_and_keeps_the_last_finite_weights()
    {
        var model = new RecordingModel(OneOutput, index => index == 5 ? StepResult.Refused(double.NaN, "dense_0") : StepResult.Done(0.5));
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, Ten, new TrainingOptions { Epochs = 3, BatchSize = 3 }));
        Assert.Equal((1, 1, "dense_0"), (error.Epoch, error.Step, error.Layer));
        Assert.Contains("epoch 1, step 1", error.Message);
        Assert.Contains("layer dense_0's gradient is not finite", error.Message);
        Assert.Contains("keeps its last finite weights", error.Message);
        Assert.Equal(6, model.Steps);                   // nothing after the refused step
        Assert.Single(error.History.Epochs);            // epoch 0 completed
        Assert.All(model.GetWeights().Flatten(), w => Assert.Equal(5, w)); // the five applied steps
    }

    [Fact]
    public void An_infinite_loss_reported_as_applied_also_stops_training()
    {
        var model = new RecordingModel(OneOutput, index => StepResult.Done(index == 2 ? double.PositiveInfinity : 0.5));
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, Ten, new TrainingOptions { Epochs = 2, BatchSize = 3 }));
        Assert.Equal((0, 2), (error.Epoch, error.Step));
        Assert.Equal(double.PositiveInfinity, error.LossValue);
        Assert.Equal(3, model.Steps);
    }

    [Theory]
    [InlineData(1, 0, 2)]  // cancelled during step 1: stops before step 2
    [InlineData(3, 1, 0)]  // cancelled during the epoch's last step: stops before the next epoch's first
    public void Cancellation_stops_within_one_step_with_the_weights_intact(int cancelDuring, int epoch, int step)
    {
        using var cancellation = new CancellationTokenSource();
        var model = new RecordingModel(OneOutput) { DuringStep = index => { if (index == cancelDuring) cancellation.Cancel(); } };
        var error = Assert.Throws<TrainingCancelledException>(() =>
            Trainer.Fit(model, Ten, new TrainingOptions { Epochs = 5, BatchSize = 3 }, cancellation.Token));
        Assert.Equal((epoch, step), (error.Epoch, error.Step));
        Assert.Equal(cancellation.Token, error.CancellationToken);
        Assert.Equal(cancelDuring + 1, model.Steps);
        Assert.All(model.GetWeights().Flatten(), w => Assert.Equal(cancelDuring + 1, w));
    }

    [Fact]
    public void A_cancelled_token_runs_no_step()
    {
        var model = new RecordingModel(OneOutput);
        Assert.Throws<TrainingCancelledException>(() => Trainer.Fit(model, Ten, cancellation: new CancellationToken(canceled: true)));
        Assert.Equal(0, model.Steps);
    }

    public static TheoryData<string, Dataset, TrainingOptions, string> BadRuns => new()
    {
        { "wrong input width", Dataset.Classification("wide", new Matrix(4, 2), [0, 1, 0, 1], 2), new TrainingOptions(), "expects 1 inputs; data set 'wide' has 2" },
        { "three classes, one output", Dataset.Classification("three", new Matrix(3, 1), [0, 1, 2], 3), new TrainingOptions(), "has 3 classes; the model has 1 outputs" },
        { "empty set", Dataset.Classification("none", new Matrix(0, 1), [], 2), new TrainingOptions(), "Data set 'none' is empty" },
        { "batch size 0", Ten, new TrainingOptions { BatchSize = 0 }, "batch size must be ≥ 1" },
        { "negative epochs", Ten, new TrainingOptions { Epochs = -1 }, "Epochs must be ≥ 0" },
        { "initial epoch past the end", Ten, new TrainingOptions { Epochs = 3, InitialEpoch = 4 }, "initial epoch must lie in 0..3" },
        { "validation of another width", Ten, new TrainingOptions { Validation = Dataset.Classification("v", new Matrix(2, 3), [0, 1], 2) }, "data set 'v' has 3 features" },
    };

    [Theory]
    [MemberData(nameof(BadRuns))]
    public void Bad_data_or_options_are_refused_before_any_step(string why, Dataset data, TrainingOptions options, string message)
    {
        var model = new RecordingModel(OneOutput);
        var error = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, options));
        Assert.True(error.Message.Contains(message), $"{why}: {error.Message}");
        Assert.Equal(0, model.Steps);
    }

    [Fact]
    public void A_resumed_run_sees_the_same_batches_as_an_uninterrupted_one()
    {
        var full = new RecordingModel(OneOutput);
        Trainer.Fit(full, Ten, new TrainingOptions { Epochs = 4, BatchSize = 4, Seed = 2 });
        var resumed = new RecordingModel(OneOutput);
        var history = Trainer.Fit(resumed, Ten, new TrainingOptions { Epochs = 4, BatchSize = 4, Seed = 2, InitialEpoch = 2 });
        Assert.Equal([2, 3], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(full.Inputs.Skip(6), resumed.Inputs);
    }

    [Fact]
    public void A_denoising_autoencoder_trains_on_corrupted_inputs_against_clean_targets()
    {
        var features = new Matrix(8, 4);
        for (int i = 0; i < features.Data.Length; i++) features.Data[i] = 0.1 + i / 40.0;
        var spec = new Autoencoder(4, [new Dense(2)], [new Dense(4)]) { Corruption = Corruption.Masking(0.5) };
        var model = new RecordingModel(spec);
        var history = Trainer.Fit(model, Dataset.Unlabeled("clean", features), new TrainingOptions { Epochs = 1, BatchSize = 8, Shuffle = false });
        Assert.Equal(features.Data, model.Targets[0]);
        Assert.Contains(0.0, model.Inputs[0]);
        Assert.Null(model.Labels[0]);
        Assert.NotNull(history.Epochs[0].ReconstructionError);
    }

    [Fact]
    public void The_keras_style_fit_passes_its_options()
    {
        var model = new RecordingModel(OneOutput);
        var history = model.Fit(Ten, epochs: 2, batchSize: 5, seed: 9, shuffle: false);
        Assert.Equal(4, model.Steps);
        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal([.. Enumerable.Range(0, 10), .. Enumerable.Range(0, 10)], model.Inputs.SelectMany(SamplesOf));
    }
}
