using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Backends;
using Bridge.Catalog;

namespace Bridge.Benchmarks;

/// <summary>
/// Bridge's Python-backed backends against their libraries' own training loops, on the digits epoch (64-32-10,
/// sigmoid then softmax, SGD 0.1, batch 32, float32): Keras's own <c>model.fit</c> and scikit-learn's own
/// <c>partial_fit</c> loop, each timed by Python itself in a Python process of its own (so Keras's torch never meets
/// TorchSharp), against Bridge's keras backend (in its worker, as the command line runs it) and Bridge's sklearn
/// backend driven by Bridge's trainer. Rounds alternate between the two sides so a busy spell of the machine falls on both.
/// </summary>
internal sealed class PythonLibraryBench(bool quick, Action<string>? log)
{
    private readonly int _rounds = quick ? 3 : 7;

    public IEnumerable<BenchRow> Rows(Dataset digits)
    {
        var spec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax)) { Precision = Precision.Float32, Optimizer = new Sgd(0.1) };
        foreach (var (backendName, library, limit) in new[]
                 {
                     ("keras", "keras", "the data crosses to the worker once per fit, each run of up to 256 steps in one request; per step the gradient by autodiff, a finiteness check on the host and Keras's optimizer"),
                     ("sklearn", "sklearn", "per step: Bridge's checks and float64 copies in and out of numpy, then scikit-learn's own _backprop and update"),
                 })
        {
            var backend = BackendCatalog.Get(backendName);
            if (backend.CannotRun(spec) is { } reason)
            {
                log?.Invoke($"{backendName}: not timed ({reason.Split('\n')[0]})");
                continue;
            }
            var bridge = new List<double>();
            var own = new List<double>();
            using var model = backend.Build(spec, 1);
            var options = new TrainingOptions { Epochs = 1, BatchSize = 32, EvaluateEachEpoch = false };
            Trainer.Fit(model, digits, options); // warm-up: imports, first calls
            string? problem = null;
            for (int round = 0; round < _rounds && problem is null; round++)
            {
                log?.Invoke($"{backendName}: digits epoch, round {round + 1} of {_rounds}, Bridge then {library} itself");
                var clock = Stopwatch.StartNew();
                Trainer.Fit(model, digits, options);
                bridge.Add(clock.Elapsed.TotalSeconds);
                (double? seconds, problem) = OwnLoopSeconds(library, digits.Count);
                if (seconds is { } s) own.Add(s);
            }
            if (problem is not null)
            {
                log?.Invoke($"{library}'s own loop could not be timed: {problem}");
                continue;
            }
            var b = Timed.FromSamples([.. bridge]);
            var o = Timed.FromSamples([.. own]);
            yield return new BenchRow($"digits epoch: Bridge's {backendName} against {library}'s own loop",
                $"{b.Best * 1e3:F1} ms", $"{o.Best * 1e3:F1} ms", o.Best / b.Best, o.Median / b.Median, "≥ 0.83 (within 1.2×)",
                o.Best / b.Best >= 1 / 1.2, limit);
        }
    }

    /// <summary>
    /// One epoch of the library's own loop over the digits, timed inside Python (the fastest of three after a warm-up
    /// epoch), in a Python process started for it. The interpreter is BRIDGE_PYTHON's, else python3.
    /// </summary>
    private static (double? Seconds, string? Problem) OwnLoopSeconds(string library, int samples)
    {
        string python = Environment.GetEnvironmentVariable("BRIDGE_PYTHON") is { Length: > 0 } p ? p : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(library == "keras" ? KerasFit : SklearnPartialFit);
        start.ArgumentList.Add(samples.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return (null, $"{python} exited {process.ExitCode}: {string.Join(" | ", stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3))}");
        string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return (JsonDocument.Parse(last).RootElement.GetProperty("seconds").GetDouble(), null);
    }

    // The digits as scikit-learn ships them (the file Bridge reads), scaled to [0, 1], the first N samples.
    private const string Digits = """
        import json, sys, time
        import numpy as np
        from sklearn.datasets import load_digits
        n = int(sys.argv[1])
        data = load_digits()
        x = (data.data[:n] / 16.0).astype(np.float32)
        y = data.target[:n]
        def best_of(epoch):
            epoch()
            times = []
            for _ in range(3):
                t = time.perf_counter(); epoch(); times.append(time.perf_counter() - t)
            print(json.dumps({"seconds": min(times)}))
        """;

    private const string KerasFit = Digits + """

        import keras
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="sigmoid"), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
        best_of(lambda: model.fit(x, y, epochs=1, batch_size=32, shuffle=True, verbose=0))
        """;

    private const string SklearnPartialFit = Digits + """

        from sklearn.neural_network import MLPClassifier
        model = MLPClassifier(hidden_layer_sizes=(32,), activation="logistic", solver="sgd", learning_rate_init=0.1,
                              momentum=0.0, batch_size=32, random_state=0)
        classes = np.arange(10)
        rng = np.random.default_rng(0)
        def epoch():
            order = rng.permutation(len(x))
            for start in range(0, len(x), 32):
                rows = order[start:start + 32]
                model.partial_fit(x[rows], y[rows], classes=classes)
        best_of(epoch)
        """;
}
