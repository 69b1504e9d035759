using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Benchmarks;

/// <summary>
/// What a user waits for to get a classifier of Fashion-MNIST to 87 % test accuracy (the Fashion-MNIST paper's
/// MLPClassifier row, Xiao et al. 2017, Table 3), from starting the process to its exit: the same network (784-100-10-10,
/// relu then softmax), Adam 0.001, batches of 200, float32, pixels / 255, the test set evaluated after each epoch. Bridge
/// managed and Bridge torch (bridge-nn itself, <see cref="BridgeContender"/>) against scikit-learn's MLPClassifier
/// (partial_fit per epoch), Keras's fit on torch and an idiomatic PyTorch loop (Python scripts beside this file, run
/// by the interpreter BRIDGE_PYTHON names, else /usr/bin/python3). Each run is a process of its own; rounds go through
/// every contender in turn (starting one further each round), so a busy spell of the machine falls on all of them.
/// A peer whose library cannot be imported is skipped, saying what is missing.
/// </summary>
public sealed class TimeToAccuracyBench(SelfCommand self, bool quick, Action<string>? log = null)
{
    internal const string NoFashionMnist =
        "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist, or set " + FashionMnist.EnvironmentVariable + ")";

    /// <summary>The longest one contender may take before it is stopped.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    private readonly int _rounds = quick ? 1 : 3;

    private sealed record Contender(string Name, bool IsBridge, string Limit, Func<ProcessStartInfo> Start)
    {
        /// <summary>Each counted run: its seconds, the epochs it took and the accuracy it reached (a library's own initial weights may vary).</summary>
        public List<(double Seconds, int Epochs, double Accuracy)> Runs { get; } = [];
        public string? Skipped { get; set; }

        public Timed Timed => Timed.FromSamples([.. Runs.Select(r => r.Seconds)]);

        /// <summary>The fastest run: seconds, epochs and accuracy.</summary>
        public string Fastest
        {
            get
            {
                var (seconds, epochs, accuracy) = Runs.MinBy(r => r.Seconds);
                return $"{BridgeContender.Seconds(seconds)} ({epochs} epochs, {accuracy:P1})";
            }
        }
    }

    public IReadOnlyList<BenchRow> Run()
    {
        string? directory = FashionMnist.DefaultDirectory;
        if (directory is null)
        {
            log?.Invoke($"time to accuracy: {NoFashionMnist}; not timed.");
            return [];
        }
        using var scripts = PythonScripts.Extract();
        string python = Environment.GetEnvironmentVariable("BRIDGE_PYTHON") is { Length: > 0 } p ? p
            : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        ProcessStartInfo Peer(string script)
        {
            var start = new ProcessStartInfo(python) { WorkingDirectory = scripts.Directory };
            start.ArgumentList.Add(Path.Combine(scripts.Directory, script));
            start.ArgumentList.Add(directory);
            return start;
        }
        Contender[] contenders =
        [
            new("Bridge managed", true, "", () => self.With(["bench", "--contender", "managed"])),
            new("Bridge torch", true, "libtorch's start, the data set copied to a tensor; per step Bridge's queued libtorch step",
                () => self.With(["bench", "--contender", "torch"])),
            new("scikit-learn MLPClassifier, partial_fit per epoch", false, "Python's start and imports; per epoch numpy's float64 arithmetic",
                () => Peer("sklearn_mlp.py")),
            new("Keras fit on torch", false, "Python's start, importing Keras and torch; per step Keras's and torch's layers of dispatch",
                () => Peer("keras_fit.py")),
            new("PyTorch loop (DataLoader, nn.Sequential, Adam)", false, "Python's start and importing torch; per step the DataLoader and torch's dispatch",
                () => Peer("pytorch_loop.py")),
        ];
        for (int round = 0; round < _rounds; round++)
            for (int k = 0; k < contenders.Length; k++)
            {
                var contender = contenders[(k + round) % contenders.Length];
                if (contender.Skipped is not null) continue;
                log?.Invoke($"time to accuracy, round {round + 1} of {_rounds}: {contender.Name}");
                var run = ChildProcess.Run(contender.Start(), Limit);
                Record(contender, run);
            }

        var managed = contenders[0];
        if (managed.Runs.Count == 0)
        {
            log?.Invoke($"Bridge managed has no time to compare with: {managed.Skipped}");
            return [];
        }
        var ours = managed.Timed;
        string oursText = managed.Fastest;
        var rows = new List<BenchRow>();
        foreach (var other in contenders.Skip(1))
        {
            string name = $"Fashion-MNIST to {BridgeContender.Target:P0} test accuracy, from process start: Bridge managed vs {other.Name}";
            if (other.Runs.Count == 0)
            {
                rows.Add(new BenchRow(name, oursText, $"skipped: {other.Skipped}", double.NaN, double.NaN, other.IsBridge ? "-" : "≥ 10", null, other.Limit));
                continue;
            }
            var theirs = other.Timed;
            double ratio = theirs.Best / ours.Best;
            rows.Add(new BenchRow(name, oursText, other.Fastest, ratio, theirs.Median / ours.Median, other.IsBridge ? "-" : "≥ 10",
                other.IsBridge ? null : ratio >= 10, other.Limit));
        }
        return rows;
    }

    /// <summary>Takes a contender's run: its time, or why it is skipped from now on.</summary>
    private void Record(Contender contender, ChildRun run)
    {
        var outcome = Read(run);
        if (outcome.Skipped is { } reason)
        {
            contender.Skipped = reason;
            log?.Invoke($"  {contender.Name}: skipped, {reason}");
            return;
        }
        contender.Runs.Add((run.Seconds, outcome.Epochs, outcome.Accuracy));
        log?.Invoke($"  {contender.Name}: {BridgeContender.Seconds(run.Seconds)}, {outcome.Epochs} epochs, {outcome.Accuracy:P2} ({outcome.Library})");
    }

    /// <summary>What a contender's run reached, or why it does not count (Skipped).</summary>
    internal sealed record Outcome(int Epochs, double Accuracy, string? Library, string? Skipped);

    /// <summary>
    /// Reads a contender's last line of output (JSON): the epochs and accuracy it reached, or what is missing; a run
    /// that failed, was stopped, or fell short of the target does not count, and says why.
    /// </summary>
    internal static Outcome Read(ChildRun run)
    {
        string? last = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        JsonElement? line = null;
        try
        {
            if (last is not null && last.StartsWith('{')) line = JsonElement.Parse(last);
        }
        catch (JsonException)
        {
            // Not the contender's report: judged by its exit code below.
        }
        if (line is { } reported && reported.TryGetProperty("missing", out var what))
            return new Outcome(0, 0, null, what.GetString());
        if (run.TimedOut) return new Outcome(0, 0, null, $"stopped after {run.Seconds:F0} s");
        if (run.ExitCode != 0 || line is null || !line.Value.TryGetProperty("accuracy", out var accuracy))
            return new Outcome(0, 0, null, $"exit code {run.ExitCode}: {run.ErrorTail}");
        int epochs = line.Value.GetProperty("epochs").GetInt32();
        string? library = line.Value.TryGetProperty("library", out var name) ? name.GetString() : null;
        return accuracy.GetDouble() < BridgeContender.Target
            ? new Outcome(epochs, accuracy.GetDouble(), library, $"reached only {accuracy.GetDouble():P1} in {epochs} epochs")
            : new Outcome(epochs, accuracy.GetDouble(), library, null);
    }
}
