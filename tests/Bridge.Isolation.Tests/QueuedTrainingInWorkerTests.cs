using Bridge.Backends;
using Bridge.Managed;
using Bridge.Testing;
using Bridge.Torch;

namespace Bridge.Isolation.Tests;

/// <summary>
/// The trainer's queued path through a worker: the data set crosses the pipe once per fit and the steps in runs
/// (at most <see cref="RemoteQueuedTraining.StepsPerRequest"/> a request), and the model in the worker trains as it
/// does in process — the same weights and history — and reports a divergence where step-by-step training does.
/// </summary>
public sealed class QueuedTrainingInWorkerTests
{
    [Fact]
    public void A_worker_model_queues_where_the_backend_does()
    {
        using var torch = new TorchBackend("cpu").InWorkerProcess();
        using var managed = new ManagedBackend("managed").InWorkerProcess();
        var spec = Spec(Precision.Float64);
        using var a = torch.Build(spec, 1);
        using var b = managed.Build(spec, 1);
        Assert.IsAssignableFrom<IQueuedTrainingModel>(a);
        Assert.False(b is IQueuedTrainingModel);
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void Torch_in_a_worker_trains_through_the_queue_as_torch_in_process_does(string precision)
    {
        var spec = Spec(PrecisionExtensions.Parse(precision));
        // 2105 rows in batches of 8: 264 steps an epoch, more than one request's worth, the last of one sample.
        var data = Data(spec, 2105, 3);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 4, EvaluateEachEpoch = false };
        var weights = spec.Init.Draw(spec, 1);
        using var isolated = new TorchBackend("cpu").InWorkerProcess();
        using var remote = isolated.Build(spec, weights.Clone());
        using var local = new TorchBackend("cpu").Build(spec, weights.Clone());

        var remoteHistory = Trainer.Fit(remote, data, options);
        var localHistory = Trainer.Fit(local, data, options);

        // libtorch does not promise to repeat itself bit for bit on the CPU: a few hundred units in the last place.
        double bound = spec.Precision == Precision.Float32 ? 1e-5 : 1e-13;
        Assert.Equal(2 * 264, remoteHistory.StepsTaken);
        Assert.Equal(localHistory.StepsTaken, remoteHistory.StepsTaken);
        double error = Agreement.RelativeError(local.GetWeights(), remote.GetWeights());
        Assert.True(error < bound, $"weights differ by {error}");
        foreach (var (e, q) in localHistory.Epochs.Zip(remoteHistory.Epochs))
            Assert.True(Agreement.RelativeError(e.Loss, q.Loss) < bound, $"epoch {e.Epoch}: loss {e.Loss} against {q.Loss}");
        Assert.Equal(local.GetOptimizerState().Steps, remote.GetOptimizerState().Steps);
    }

    [Fact]
    public void A_diverging_step_in_a_worker_is_reported_where_step_by_step_training_reports_it()
    {
        var spec = SteepRegression.Spec();
        var weights = spec.Init.Draw(spec, 1);
        using var isolated = new TorchBackend("cpu").InWorkerProcess();
        using var queued = isolated.Build(spec, weights.Clone());
        using var stepwise = new StepByStepModel(new TorchBackend("cpu").Build(spec, weights.Clone()));
        SteepRegression.DivergeBoth(stepwise, queued);
        Assert.True(Agreement.RelativeError(stepwise.GetWeights(), queued.GetWeights()) < 1e-13);
    }

    [Fact]
    public void Bad_data_is_refused_before_it_crosses_and_the_model_stays_usable()
    {
        var spec = Spec(Precision.Float64);
        var data = Data(spec, 20, 1);
        data.Features[7, 2] = double.NaN;
        using var isolated = new TorchBackend("cpu").InWorkerProcess();
        using var model = isolated.Build(spec, 1);
        var before = model.GetWeights().Flatten();
        Assert.Contains("row 7, column 2", Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, new TrainingOptions { Epochs = 1 })).Message);
        Assert.Equal(before, model.GetWeights().Flatten());
        Assert.Equal(3, Trainer.Fit(model, Data(spec, 20, 1), new TrainingOptions { Epochs = 1, BatchSize = 8 }).StepsTaken);
    }

    /// <summary>Keras in its worker (as the command line runs it): the queued path gives the bits of step by step.</summary>
    [SkippableFact]
    public void Keras_in_a_worker_trains_through_the_queue_with_the_bits_of_step_by_step()
    {
        var keras = KerasBesideTorchTests.RequireKeras();
        var spec = Spec(Precision.Float64) with { Optimizer = new Adam(0.01) };
        var data = Data(spec, 601, 5);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 2, Seed = 4, EvaluateEachEpoch = false, ProgressEverySteps = 100, OnProgress = _ => { } };
        var weights = spec.Init.Draw(spec, 1);
        using var queued = keras.Build(spec, weights.Clone());
        using var stepwise = new StepByStepModel(keras.Build(spec, weights.Clone()));
        QueuedAgreement.AssertSameBits(stepwise, queued, data, options);
    }

    private static Mlp Spec(Precision precision) =>
        new(6, new Dense(9, Activation.Tanh), new Dense(3, Activation.Softmax)) { Precision = precision, Optimizer = new Sgd(0.1, 0.9) };

    private static Dataset Data(ModelSpec spec, int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new Matrix(count, spec.Inputs);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.Uniform(-1, 1);
        var labels = Enumerable.Range(0, count).Select(_ => rng.NextInt(spec.Outputs)).ToArray();
        return Dataset.Classification("random", x, labels, spec.Outputs);
    }
}
