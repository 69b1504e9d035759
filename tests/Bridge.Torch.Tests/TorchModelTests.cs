namespace Bridge.Torch.Tests;

public sealed class TorchModelTests
{
    private static readonly TorchBackend Torch = new();

    private static Mlp SmallNet(Optimizer? optimizer = null) =>
        new(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Sigmoid)) { Optimizer = optimizer ?? new Sgd(0.1, 0.9) };

    [Fact]
    public void Loads_libtorch_on_this_machine()
    {
        var availability = Torch.Availability;
        Assert.True(availability.IsAvailable, availability.Detail);
        Assert.Contains("libtorch 2.", availability.Detail);
    }

    [Fact]
    public void Gradients_match_finite_differences_in_float64()
    {
        var spec = RandomNets.Mlp(Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, new Sgd(0.1), Precision.Float64, 3);
        using var model = Torch.Build(spec, spec.Init.Draw(spec, 1));
        var errors = GradientCheck.Compare(model, RandomNets.BatchFor(spec, 5, 2));
        Assert.True(errors.Max() < 1e-7, string.Join(", ", errors));
    }

    [Fact]
    public void Cpu_and_auto_devices_compute_on_the_cpu_here()
    {
        using var cpu = new TorchBackend("cpu").Build(SmallNet(), 1);
        Assert.Equal("cpu", cpu.Device);
        using var auto = new TorchBackend("auto").Build(SmallNet(), 1);
        Assert.Equal(TorchDevice.CudaAvailable(out _) ? "cuda:0" : "cpu", auto.Device);
    }

    [Fact]
    public void Asking_for_cuda_without_it_names_the_reason()
    {
        if (TorchDevice.CudaAvailable(out _)) return; // On a CUDA machine the request is granted; nothing to refuse.
        foreach (var name in new[] { "cuda", "cuda:1" })
        {
            var backend = new TorchBackend(name);
            Assert.False(backend.Availability.IsAvailable);
            var error = Assert.Throws<BackendUnavailableException>(() => backend.Build(SmallNet(), 1));
            Assert.Contains("CUDA", error.Message);
            Assert.Contains(TorchRuntime.CudaBuild ? "driver" : "TorchCuda=true", error.Message);
        }
    }

    [Fact]
    public void Unknown_device_names_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TorchBackend("gpu").Build(SmallNet(), 1));
        Assert.Contains("cpu, cuda, cuda:N or auto", error.Message);
        Assert.Throws<ArgumentException>(() => TorchDevice.Resolve("cuda:x"));
    }

    [Fact]
    public void Bad_batches_are_refused_before_anything_changes()
    {
        using var model = Torch.Build(SmallNet(), 4);
        var before = model.GetWeights();
        var wrongWidth = new Batch(new Matrix(2, 4), new Matrix(2, 2));
        Assert.Contains("width 3", Assert.Throws<ArgumentException>(() => model.TrainStep(wrongWidth)).Message);
        var wrongTargets = new Batch(new Matrix(2, 3), new Matrix(2, 5));
        Assert.Contains("2 outputs", Assert.Throws<ArgumentException>(() => model.TrainStep(wrongTargets)).Message);
        var nan = new Matrix(2, 3);
        nan[1, 2] = double.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => model.TrainStep(new Batch(nan, new Matrix(2, 2)))).Message);
        Assert.Equal(0, Agreement.RelativeError(before, model.GetWeights()));
        Assert.Throws<ArgumentException>(() => model.SetWeights(WeightSet.Zeros(new Mlp(3, new Dense(5), new Dense(2)))));
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused()
    {
        var spec = new Mlp(2, new Dense(3, Activation.Tanh), new Dense(3, Activation.Softmax));
        using var model = Torch.Build(spec, 1);
        var batch = new Batch(new Matrix(2, 2), new Matrix(2, 3), [0, 3]);
        Assert.Contains("Label 3", Assert.Throws<ArgumentException>(() => model.Loss(batch)).Message);
    }

    [Fact]
    public void A_diverging_step_is_not_applied()
    {
        // A learning rate of 1e300 sends the weights to ±∞ on the first step; the second step's loss is then NaN.
        var spec = SmallNet(new Sgd(1e300)) with { Loss = Loss.MeanSquaredError };
        using var model = Torch.Build(spec, 2);
        var batch = RandomNets.BatchFor(spec, 4, 1);
        model.TrainStep(batch);
        var kept = model.GetWeights();
        var result = model.TrainStep(batch);
        if (result.Applied) return; // The first step already overflowed to non-finite weights: covered below.
        Assert.False(double.IsFinite(result.Loss) && result.NonFiniteLayer is null);
        Assert.Equal(0, Agreement.RelativeError(kept, model.GetWeights()));
    }

    [Fact]
    public void The_trainer_stops_on_divergence_and_keeps_the_last_finite_weights()
    {
        var spec = new Mlp(2, new Dense(8, Activation.Relu), new Dense(1, Activation.Linear)) { Optimizer = new Sgd(50), Loss = Loss.MeanSquaredError };
        var rng = new Rng(3);
        var x = new Matrix(64, 2);
        var y = new Matrix(64, 1);
        for (int i = 0; i < 64; i++)
        {
            x[i, 0] = rng.Uniform(-10, 10);
            x[i, 1] = rng.Uniform(-10, 10);
            y[i, 0] = 100 * x[i, 0];
        }
        using var model = Torch.Build(spec, 1);
        var error = Assert.Throws<TrainingDivergedException>(() => model.Fit(Dataset.Regression("steep", x, y), epochs: 50, batchSize: 8));
        Assert.Null(model.GetWeights().FirstNonFiniteLayer());
        Assert.Contains("epoch", error.Message);
    }

    [Fact]
    public void Optimizer_state_round_trips_and_continues_identically()
    {
        foreach (var optimizer in new Optimizer[] { new Sgd(0.1, 0.9), new Sgd(0.1, 0.9, true), new Adam(0.02) })
        {
            var spec = SmallNet(optimizer);
            using var first = Torch.Build(spec, 5);
            for (int s = 0; s < 5; s++) first.TrainStep(RandomNets.BatchFor(spec, 4, (ulong)s));
            using var second = Torch.Build(spec, first.GetWeights());
            second.SetOptimizerState(first.GetOptimizerState());
            for (int s = 5; s < 10; s++)
            {
                var batch = RandomNets.BatchFor(spec, 4, (ulong)s);
                first.TrainStep(batch);
                second.TrainStep(batch);
            }
            // Exact but for the rounding of the canonical conversion v = −L·b and back.
            double error = Agreement.RelativeError(first.GetWeights(), second.GetWeights());
            Assert.True(error < 1e-14, $"{optimizer.Describe()}: {error}");
            Assert.Equal(10, second.GetOptimizerState().Steps);
        }
    }

    [Fact]
    public void Float32_models_train_and_report_their_loss()
    {
        var spec = SmallNet(new Adam(0.05)) with { Precision = Precision.Float32 };
        using var model = Torch.Build(spec, 3);
        using var managed = Bridge.Managed.ManagedBackend.Batched.Build(spec, 3);
        var batch = RandomNets.BatchFor(spec, 16, 4);
        double first = model.Loss(batch);
        for (int i = 0; i < 50; i++)
        {
            var step = model.TrainStep(batch);
            Assert.True(step.Applied);
            Assert.True(Agreement.RelativeError(step.Loss, managed.TrainStep(batch).Loss) < 1e-4, $"step {i}");
        }
        Assert.True(model.Loss(batch) < first, $"{first} → {model.Loss(batch)}");
        Assert.True(Agreement.RelativeError(model.GetWeights(), managed.GetWeights()) < 1e-3);
        Assert.Equal(Precision.Float32, model.GetOptimizerState().Slots["m"].Precision);
    }

    [Fact]
    public void Xor_is_learned_through_the_core_trainer()
    {
        var xor = Dataset.Classification("xor", Matrix.FromRows([0.0, 0], [0, 1], [1, 0], [1, 1]), [0, 1, 1, 0], 2);
        var spec = new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid)) { Optimizer = new Sgd(0.5, 0.9) };
        using var model = Torch.Build(spec, 1);
        var progress = new List<TrainingProgress>();
        var history = Trainer.Fit(model, xor, new TrainingOptions { Epochs = 1000, BatchSize = 1, OnProgress = progress.Add });
        Assert.Equal(1.0, history.Last!.Accuracy);
        Assert.Equal(1000, progress.Count(p => p.Completed is not null));
    }
}
