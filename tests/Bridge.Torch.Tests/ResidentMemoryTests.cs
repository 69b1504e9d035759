using System.Diagnostics;

namespace Bridge.Torch.Tests;

/// <summary>
/// Resident memory over a long run. Measured alone, after the tests that run in parallel: another test loading Python
/// or forcing collections at the same time moves this process's resident size by tens of megabytes.
/// </summary>
[Collection(Name)]
public sealed class ResidentMemoryTests
{
    public const string Name = "resident memory, measured alone";

    private static readonly TorchBackend Torch = new();

    [Fact]
    public void Twenty_thousand_steps_keep_resident_memory_flat()
    {
        var spec = new Mlp(16, new Dense(32, Activation.Relu), new Dense(4, Activation.Softmax)) { Optimizer = new Adam(0.001) };
        using var model = Torch.Build(spec, 1);
        var batch = RandomNets.BatchFor(spec, 32, 7);
        for (int i = 0; i < 2_000; i++) model.TrainStep(batch);
        long before = ResidentBytes();
        for (int i = 0; i < 20_000; i++)
        {
            model.TrainStep(batch);
            if (i % 1000 == 0) _ = model.Loss(batch);
        }
        long growth = ResidentBytes() - before;
        // A leaked batch of tensors per step (inputs, targets, activations: several kB) would add well over 50 MB.
        Assert.True(growth < 40L << 20, $"resident memory grew by {growth >> 20} MB over 20,000 steps");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}

[CollectionDefinition(ResidentMemoryTests.Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection;
