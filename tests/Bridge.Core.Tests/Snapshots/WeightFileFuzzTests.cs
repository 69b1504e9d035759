using Bridge.Tests.Data;

namespace Bridge.Tests.Snapshots;

/// <summary>
/// Thousands of mutated weight files and checkpoints: each is read or refused with a clean error, within a small
/// memory bound (the fuzzing machinery of <see cref="ReaderFuzzTests"/>).
/// </summary>
public sealed class WeightFileFuzzTests(ITestOutputHelper output)
{
    private static byte[] Saved(Action<string> save)
    {
        using var dir = new TempDirectory();
        string path = dir.File("seed.safetensors");
        save(path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Mutated_weight_files_are_refused_cleanly()
    {
        var spec = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Sigmoid));
        byte[][] seeds =
        [
            Saved(p => WeightFile.Save(spec.Init.Draw(spec, 1), p)),
            Saved(p => WeightFile.Save((spec with { Precision = Precision.Float32 }).Init.Draw(spec with { Precision = Precision.Float32 }, 2), p)),
        ];
        var outcome = new ReaderFuzzTests.Outcome("safetensors weights");
        for (int s = 0; s < seeds.Length; s++)
            foreach (var (input, description) in ReaderFuzzTests.Mutants(seeds[s], 3000, seed: 900 + (ulong)s, textual: false))
                outcome.Try(description, () => WeightFile.Read(new MemoryStream(input, writable: false), "fuzz.safetensors"));
        outcome.Report(output);
    }

    [Fact]
    public void Mutated_checkpoints_are_refused_cleanly()
    {
        var spec = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Sigmoid)) { Optimizer = new Adam(0.01) };
        using var model = Bridge.Managed.ManagedBackend.Batched.Build(spec, 1);
        var position = new TrainingPosition(2, 7, 16, true, spec.Describe(), "fuzz", 100);
        byte[] seed = Saved(p => Checkpoint.Save(p, model, position));
        var outcome = new ReaderFuzzTests.Outcome("safetensors checkpoints");
        using var dir = new TempDirectory();
        string path = dir.File("c.safetensors");
        foreach (var (input, description) in ReaderFuzzTests.Mutants(seed, 2000, seed: 950, textual: false))
        {
            File.WriteAllBytes(path, input);
            outcome.Try(description, () => Checkpoint.Load(path));
        }
        outcome.Report(output);
    }
}
