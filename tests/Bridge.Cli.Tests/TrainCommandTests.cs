using Bridge.Comparison;
using Bridge.Testing;
using Spectre.Console.Testing;

namespace Bridge.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly CompareSettings Digits = new() { Data = "digits", Layers = "64,16,10", Optimizer = "adam", LearningRate = 0.01, Epochs = 4, BatchSize = 32 };

    private string File(string name) => Path.Combine(_folder, name);

    private static (int Code, string Output) Train(CompareSettings settings, string backend = "managed", string? save = null,
        string? checkpoint = null, bool resume = false, CancellationToken cancellation = default)
    {
        var console = new TestConsole().Width(200);
        int code = TrainCommand.Run(settings, backend, save, checkpoint, 1, resume, console, cancellation);
        return (code, console.Output);
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("torch")]
    public void An_interrupted_and_resumed_run_saves_the_same_weights_as_an_uninterrupted_one(string backend)
    {
        var (code, output) = Train(Digits, backend, save: File("whole.safetensors"));
        Assert.True(code == ExitCodes.Agree, output);
        Assert.Contains("test set accuracy", output);

        Assert.Equal(ExitCodes.Agree, Train(Digits with { Epochs = 2 }, backend, checkpoint: File("run.ckpt")).Code);
        (code, output) = Train(Digits, backend, save: File("resumed.safetensors"), checkpoint: File("run.ckpt"), resume: true);
        Assert.True(code == ExitCodes.Agree, output);
        Assert.Contains("epoch    3/4", output);
        Assert.DoesNotContain("epoch    1/4", output);

        var whole = WeightFile.Load(File("whole.safetensors"));
        var resumed = WeightFile.Load(File("resumed.safetensors"));
        if (backend == "managed")
            Assert.Equal(whole.Flatten().Select(BitConverter.DoubleToInt64Bits), resumed.Flatten().Select(BitConverter.DoubleToInt64Bits));
        else
            // libtorch's CPU kernels are not bitwise reproducible from one run to the next (even on one thread: its
            // kernels depend on memory alignment), so two torch runs agree to rounding, not to the bit.
            Assert.True(Agreement.RelativeError(whole, resumed) < 1e-12, $"{Agreement.RelativeError(whole, resumed)}");
    }

    [Fact]
    public void Each_epoch_shows_its_running_means_labelled_and_the_end_what_the_command_cost()
    {
        var (code, output) = Train(Digits with { Epochs = 3 });
        Assert.True(code == ExitCodes.Agree, output);
        Assert.Contains("Each epoch: running means over its steps", output);
        Assert.Matches(@"epoch    3/3  loss [0-9.]+\s+accuracy [0-9.]+ %", output);
        Assert.Contains("(test set evaluated whole, at the final weights)", output);
        // What bench --time-to-accuracy reads from it.
        var figures = Bridge.Benchmarks.TrainCommandBench.Parse(output, 3);
        Assert.NotNull(figures);
        Assert.True(figures.Epochs > 0 && figures.Wall >= figures.Epochs + figures.Read, $"{figures}");
        Assert.True(figures.Peak > 0, $"{figures}");
        Assert.Null(Bridge.Benchmarks.TrainCommandBench.Parse(output, 4));
    }

    [Fact]
    public void Cancelling_stops_with_its_own_exit_code_and_keeps_the_checkpoint()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var (code, output) = Train(Digits, checkpoint: File("c.ckpt"), cancellation: cancel.Token);
        Assert.Equal(TrainCommand.Cancelled, code);
        Assert.Contains("--resume", output);
    }

    [Fact]
    public void Bad_requests_exit_2_with_the_reason()
    {
        Assert.Contains("--resume needs --checkpoint", Train(Digits, resume: true).Output);
        Assert.Contains("Unknown backend", Train(Digits, backend: "theano").Output);
        var (code, output) = Train(Digits, checkpoint: File("missing.ckpt"), resume: true);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("missing.ckpt", output);
        Assert.Contains("no checkpoint to resume from", output);
        (code, output) = Train(Digits with { Model = "perceptron", Layers = null }, backend: "sklearn");
        Assert.Equal(ExitCodes.BadArguments, code);
    }

    [Fact]
    public void An_interrupted_run_says_how_far_it_got_and_the_resumed_run_says_where_it_continues()
    {
        int trainCount = PlanBuilder.Build(Digits, (name, seed) => Datasets.Load(name, seed)).Train.Count;
        int stepsPerEpoch = (trainCount + Digits.BatchSize - 1) / Digits.BatchSize;
        using var cancel = new CancellationTokenSource();
        // Ctrl+C three steps into the third epoch: two epochs finished, and the checkpoint (every epoch) holds both.
        var interrupting = new InterruptingBackend(Bridge.Managed.ManagedBackend.Batched, cancel, 2 * stepsPerEpoch + 3);
        var console = new TestConsole().Width(200);
        int code = TrainCommand.Run(Digits, "managed", null, File("run.ckpt"), 1, false, console, cancel.Token, backendOverride: interrupting);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("Interrupted in epoch 3 of 4: 2 epochs finished", console.Output);
        Assert.Contains("holds 2 epochs", console.Output);
        Assert.Contains("--resume continues from epoch 3", console.Output);

        var (resumedCode, output) = Train(Digits, checkpoint: File("run.ckpt"), resume: true);
        Assert.True(resumedCode == ExitCodes.Agree, output);
        Assert.Contains($"Resumed from {File("run.ckpt")}: 2 of 4 epochs were done; continuing with epoch 3", output);
    }

    [Fact]
    public void An_interrupted_run_without_a_checkpoint_says_nothing_was_kept()
    {
        using var cancel = new CancellationTokenSource();
        var interrupting = new InterruptingBackend(Bridge.Managed.ManagedBackend.Batched, cancel, 5);
        var console = new TestConsole().Width(200);
        int code = TrainCommand.Run(Digits, "managed", null, null, 1, false, console, cancel.Token, backendOverride: interrupting);
        Assert.Equal(ExitCodes.Cancelled, code);
        Assert.Contains("Interrupted in epoch 1 of 4: 0 epochs finished", console.Output);
        Assert.Contains("Nothing was saved", console.Output);
    }
}
