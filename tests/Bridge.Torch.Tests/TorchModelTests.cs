namespace Bridge.Torch.Tests;

/// <summary>
/// What is the torch backend's own: where it loads libtorch, the devices it takes and refuses, and a net learned through
/// the trainer's queued path with a progress report every epoch. The IModel contract is the conformance suite's.
/// </summary>
public sealed class TorchModelTests
{
    private static readonly TorchBackend Torch = new();

    private static Mlp SmallNet() => new(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Sigmoid)) { Optimizer = new Sgd(0.1, 0.9) };

    [Fact]
    public void Loads_libtorch_on_this_machine()
    {
        var availability = Torch.Availability;
        Assert.True(availability.IsAvailable, availability.Detail);
        Assert.Contains("libtorch 2.", availability.Detail);
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
