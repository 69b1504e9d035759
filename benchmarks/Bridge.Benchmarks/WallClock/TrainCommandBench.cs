using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridge.Benchmarks;

/// <summary>
/// <c>bridge-nn train</c> on Fashion-MNIST (784-256-10, relu then softmax, Adam 0.001, batch 128, float32) as a user
/// runs it, in a process of its own: the whole command's wall clock against the sum of its epochs and the reading of
/// the data (what it cannot do without), the reading itself, and its peak resident memory after 1 epoch and after 30
/// against the data set's size in float32. Figures come from the command's own output (its epoch times, the time it
/// read the data in, its peak memory) and from the clock around the process.
/// </summary>
public sealed partial class TrainCommandBench(SelfCommand self, bool quick, Action<string>? log = null)
{
    private static readonly string[] Command =
    [
        "train", "--backend", "managed", "--data", "fashion-mnist", "--activation", "relu", "--output-activation", "softmax",
        "--loss", "categorical-crossentropy", "--optimizer", "adam", "--lr", "0.001", "--precision", "float32",
        "--layers", "784,256,10", "--batch-size", "128",
    ];

    /// <summary>Fashion-MNIST's 60,000 training images of 784 pixels in float32, in MB (what training needs at least).</summary>
    private const double DataMegabytes = 60_000 * 784 * 4 / 1048576.0;

    private readonly int _rounds = quick ? 1 : 3;

    /// <summary>What one run printed and took: seconds of the whole command, of its epochs, of reading the data; peak memory in MB.</summary>
    internal sealed record TrainRun(double Wall, double Epochs, double Read, double Peak);

    /// <summary>
    /// The figures train prints (each epoch's time, the time it read the data in, its peak memory), when its output holds
    /// all of them for <paramref name="epochs"/> epochs; Wall is the time it reports since it started.
    /// </summary>
    internal static TrainRun? Parse(string output, int epochs)
    {
        var epochTimes = EpochLine().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 1000).ToList();
        var read = ReadLine().Match(output);
        var whole = WholeLine().Match(output);
        if (epochTimes.Count != epochs || !read.Success || !whole.Success) return null;
        return new TrainRun(double.Parse(whole.Groups[1].Value, CultureInfo.InvariantCulture), epochTimes.Sum(),
            double.Parse(read.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(whole.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    public IReadOnlyList<BenchRow> Run()
    {
        if (!FashionMnist.IsAvailable)
        {
            log?.Invoke($"train's wall clock: {TimeToAccuracyBench.NoFashionMnist}; not timed.");
            return [];
        }
        var runs = new List<TrainRun>();
        for (int round = 0; round < _rounds; round++)
        {
            log?.Invoke($"bridge-nn train, Fashion-MNIST, 5 epochs: round {round + 1} of {_rounds}");
            if (Train(5) is not { } run) return [];
            runs.Add(run);
        }
        log?.Invoke("bridge-nn train, Fashion-MNIST, 1 epoch and 30 epochs, for their peak memory");
        if (Train(1) is not { } one || Train(30) is not { } thirty) return [];

        // The run whose whole command is closest to its parts, and the median run, by that ratio.
        var byRatio = runs.OrderByDescending(r => (r.Epochs + r.Read) / r.Wall).ToArray();
        var (best, median) = (byRatio[0], byRatio[byRatio.Length / 2]);
        var reads = Timed.FromSamples([.. runs.Select(r => r.Read)]);
        double bound = 2 * DataMegabytes + 300;
        return
        [
            new BenchRow("train, Fashion-MNIST 784-256-10, batch 128, f32, 5 epochs: the whole command vs its epochs + reading the data",
                Seconds(best.Wall), $"{Seconds(best.Epochs)} + {Seconds(best.Read)}", (best.Epochs + best.Read) / best.Wall,
                (median.Epochs + median.Read) / median.Wall, "≥ 0.83 (within 1.2×)", (best.Epochs + best.Read) / best.Wall >= 1 / 1.2,
                "the process's start and the first calls' compilation, the test set's evaluation"),
            new BenchRow("train: reading Fashion-MNIST (IDX.gz to a data set ready to train)", Seconds(reads.Best), "0.50 s",
                0.5 / reads.Best, 0.5 / reads.Median, "≥ 1 (≤ 0.5 s)", reads.Best <= 0.5,
                "inflating 26 MB of gzip into 47 MB of bytes, kept as bytes"),
            new BenchRow("train: peak memory after 30 epochs vs after 1", Megabytes(thirty.Peak), Megabytes(one.Peak),
                one.Peak / thirty.Peak, double.NaN, "≥ 0.95 (flat)", one.Peak / thirty.Peak >= 0.95, "nothing kept per epoch; the steps allocate nothing"),
            new BenchRow("train: peak memory vs the data set in float32 × 2 + 300 MB", Megabytes(thirty.Peak), Megabytes(bound),
                bound / thirty.Peak, double.NaN, "≥ 1", thirty.Peak <= bound, "the runtime and the images as bytes (47 MB), which the steps and the evaluation read as they are"),
        ];
    }

    /// <summary>One run of the command for <paramref name="epochs"/> epochs, or null (logged) when it failed.</summary>
    private TrainRun? Train(int epochs)
    {
        var run = ChildProcess.Run(self.With([.. Command, "--epochs", epochs.ToString(CultureInfo.InvariantCulture)]), TimeSpan.FromMinutes(10));
        if (run.ExitCode != 0)
        {
            log?.Invoke($"bridge-nn train failed (exit code {run.ExitCode}): {run.ErrorTail} {run.Output.Split('\n').LastOrDefault(l => l.Length > 0)}");
            return null;
        }
        if (Parse(run.Output, epochs) is not { } figures)
        {
            log?.Invoke($"bridge-nn train's output no longer says what this bench reads (epoch times, \"read in\", \"peak memory\"):\n{run.Output}");
            return null;
        }
        var result = figures with { Wall = run.Seconds };
        log?.Invoke($"  {epochs} epochs: whole command {Seconds(result.Wall)}, epochs {Seconds(result.Epochs)}, reading {Seconds(result.Read)}, peak {Megabytes(result.Peak)}");
        return result;
    }

    [GeneratedRegex(@"^epoch\s+\d+/\d+\s.*?(\d+) ms\s*$", RegexOptions.Multiline)]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"read in ([0-9.]+) s\)")]
    private static partial Regex ReadLine();

    [GeneratedRegex(@"([0-9.]+) s since the command started, peak memory (\d+) MB")]
    private static partial Regex WholeLine();

    private static string Seconds(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture) + " s";

    private static string Megabytes(double megabytes) => megabytes.ToString("F0", CultureInfo.InvariantCulture) + " MB";
}
