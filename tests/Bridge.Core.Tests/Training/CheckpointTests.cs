using Bridge.Managed;

namespace Bridge.Tests.Training;

/// <summary>
/// Checkpoints in the trainer: written every N epochs and at the end, resumable to exactly the uninterrupted run,
/// refused when they belong to another run, never written from diverged weights.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Dataset Blobs = Datasets.Blobs(samples: 120, centers: 3, seed: 4);

    private static Mlp Spec(Optimizer optimizer) =>
        new(2, new Dense(8, Activation.Tanh), new Dense(3, Activation.Softmax)) { Optimizer = optimizer };

    private static TrainingOptions Options(string? checkpoint = null, int every = 1) =>
        new() { Epochs = 7, BatchSize = 16, Seed = 11, CheckpointPath = checkpoint, CheckpointEvery = every };

    public static IEnumerable<object[]> Optimizers() => [[new Sgd(0.1, 0.9, Nesterov: true)], [new Adam(0.01)], [new Sgd(0.2)]];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_resumed_run_ends_with_the_uninterrupted_runs_weights_bit_for_bit(Optimizer optimizer)
    {
        var spec = Spec(optimizer);
        using var uninterrupted = ManagedBackend.Batched.Build(spec, 3);
        Trainer.Fit(uninterrupted, Blobs, Options());

        // The same run, stopped after epoch 5; its last checkpoint (every 3 epochs) is from epoch 3.
        string path = _dir.File("run.safetensors");
        using var stopped = ManagedBackend.Batched.Build(spec, 3);
        using var stop = new CancellationTokenSource();
        var options = Options(path, every: 3) with { OnEpochEnd = (epoch, _) => { if (epoch == 4) stop.Cancel(); } };
        Assert.Throws<TrainingCancelledException>(() => Trainer.Fit(stopped, Blobs, options, stop.Token));
        Assert.Equal(3, Checkpoint.Load(path).Position.EpochsCompleted);

        // A fresh process would build a fresh model: any weights will do, the checkpoint replaces them.
        using var resumed = ManagedBackend.Batched.Build(spec, 99);
        var history = Trainer.Resume(resumed, Blobs, Options(path, every: 3));
        Assert.Equal([3, 4, 5, 6], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(Bits(uninterrupted.GetWeights()), Bits(resumed.GetWeights()));
        Assert.Equal(uninterrupted.GetOptimizerState().Steps, resumed.GetOptimizerState().Steps);
        Assert.Equal(7, Checkpoint.Load(path).Position.EpochsCompleted);
    }

    [Fact]
    public void Checkpoints_are_written_every_n_epochs_and_after_the_last()
    {
        string path = _dir.File("every2.safetensors");
        var written = new List<int>();
        using var model = ManagedBackend.Batched.Build(Spec(new Adam(0.01)), 1);
        Trainer.Fit(model, Blobs, Options(path, every: 2) with
        {
            OnEpochEnd = (_, _) => written.Add(File.Exists(path) ? Checkpoint.Load(path).Position.EpochsCompleted : 0),
        });
        Assert.Equal([0, 2, 2, 4, 4, 6, 7], written);
        var checkpoint = Checkpoint.Load(path);
        Assert.Equal(Bits(model.GetWeights()), Bits(checkpoint.Weights));
        Assert.Equal(model.GetOptimizerState().Steps, checkpoint.Optimizer.Steps);
        Assert.Equal(["m", "v"], checkpoint.Optimizer.Slots.Keys.Order());
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused_before_anything_changes()
    {
        string path = _dir.File("other.safetensors");
        using (var model = ManagedBackend.Batched.Build(Spec(new Sgd(0.1, 0.9)), 1))
            Trainer.Fit(model, Blobs, Options(path) with { Epochs = 2 });

        using var target = ManagedBackend.Batched.Build(Spec(new Sgd(0.1, 0.9)), 5);
        var before = Bits(target.GetWeights());
        (TrainingOptions Options, string Difference)[] cases =
        [
            (Options(path) with { Seed = 12 }, "seed"),
            (Options(path) with { BatchSize = 8 }, "batch size"),
            (Options(path) with { Shuffle = false }, "shuffling"),
            (Options(path) with { Epochs = 1 }, "epoch count"),
        ];
        foreach (var (options, difference) in cases)
            Assert.Contains(difference, Assert.Throws<ArgumentException>(() => Trainer.Resume(target, Blobs, options)).Message);
        Assert.Contains("data set", Assert.Throws<ArgumentException>(() => Trainer.Resume(target, Blobs.Subset([0, 1, 2, 3, 4, 5]), Options(path))).Message);
        using (var wider = ManagedBackend.Batched.Build(new Mlp(2, new Dense(9, Activation.Tanh), new Dense(3, Activation.Softmax)) { Optimizer = new Sgd(0.1, 0.9) }, 1))
            Assert.Contains("model", Assert.Throws<ArgumentException>(() => Trainer.Resume(wider, Blobs, Options(path))).Message);
        Assert.Equal(before, Bits(target.GetWeights()));
        Assert.Throws<FileNotFoundException>(() => Trainer.Resume(target, Blobs, Options(_dir.File("none.safetensors"))));
    }

    [Fact]
    public void A_diverging_run_leaves_the_last_good_checkpoint()
    {
        var spec = new Mlp(2, new Dense(8, Activation.Relu), new Dense(3, Activation.Linear)) { Optimizer = new Sgd(0.05), Loss = Loss.MeanSquaredError };
        string path = _dir.File("diverged.safetensors");
        using var model = ManagedBackend.Batched.Build(spec, 1);
        // After the third epoch's checkpoint, the weights are blown up (finite, but their squares overflow): the next step diverges.
        var options = new TrainingOptions
        {
            Epochs = 10,
            BatchSize = 16,
            CheckpointPath = path,
            OnEpochEnd = (epoch, m) =>
            {
                if (epoch != 2) return;
                var w = m.GetWeights();
                foreach (var layer in w.Layers) for (int i = 0; i < layer.Kernel.Length; i++) layer.Kernel[i] *= 1e200;
                m.SetWeights(w);
            },
        };
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, Blobs, options));
        Assert.Equal((3, 0), (error.Epoch, error.Step));
        Assert.Null(model.GetWeights().FirstNonFiniteLayer());
        var checkpoint = Checkpoint.Load(path);
        Assert.Equal(3, checkpoint.Position.EpochsCompleted);
        Assert.True(checkpoint.Weights.Flatten().Max(Math.Abs) < 100, "the checkpoint holds the weights from before the blow-up");
    }

    [Fact]
    public void A_cancelled_run_continues_from_its_checkpoint()
    {
        string path = _dir.File("cancelled.safetensors");
        var spec = Spec(new Adam(0.01));
        using var model = ManagedBackend.Batched.Build(spec, 1);
        using var cancel = new CancellationTokenSource();
        var options = Options(path) with { OnProgress = p => { if (p is { Epoch: 2, Step: 3 }) cancel.Cancel(); }, ProgressEverySteps = 1 };
        var stopped = Assert.Throws<TrainingCancelledException>(() => Trainer.Fit(model, Blobs, options, cancel.Token));
        Assert.Equal((2, 3), (stopped.Epoch, stopped.Step));
        Assert.Equal(2, Checkpoint.Load(path).Position.EpochsCompleted);
        var history = Trainer.Resume(model, Blobs, Options(path));
        Assert.Equal(2, history.Epochs[0].Epoch);
        Assert.Equal(7, Checkpoint.Load(path).Position.EpochsCompleted);
    }

    private static long[] Bits(WeightSet weights) => weights.Flatten().Select(BitConverter.DoubleToInt64Bits).ToArray();
}
