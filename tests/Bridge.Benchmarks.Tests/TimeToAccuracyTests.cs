using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Benchmarks.Tests;

/// <summary>
/// The time-to-accuracy race's bookkeeping: a contender's report read from its last line; a peer whose library cannot
/// be imported is skipped saying so (checked with the real scripts, each library replaced by one that fails to import).
/// </summary>
public sealed class TimeToAccuracyTests
{
    private static ChildRun Run(string output, int exitCode = 0, string errors = "", bool timedOut = false) =>
        new(exitCode, output, errors, 12.5, timedOut);

    [Fact]
    public void A_report_that_reached_the_target_counts()
    {
        var outcome = TimeToAccuracyBench.Read(Run("loading\n{\"epochs\": 8, \"accuracy\": 0.8712, \"library\": \"scikit-learn 1.2.1\"}\n"));
        Assert.Null(outcome.Skipped);
        Assert.Equal((8, 0.8712, "scikit-learn 1.2.1"), (outcome.Epochs, outcome.Accuracy, outcome.Library));
    }

    [Fact]
    public void A_run_that_fell_short_failed_or_was_stopped_does_not_count_and_says_why()
    {
        Assert.Equal("reached only 86.0% in 60 epochs",
            TimeToAccuracyBench.Read(Run("{\"epochs\": 60, \"accuracy\": 0.86, \"library\": \"x\"}")).Skipped?.Replace(" %", "%"));
        Assert.Equal("exit code 1: File \"a.py\", line 3 | x = y[0] | KeyError: 'x'",
            TimeToAccuracyBench.Read(Run("", 1, "Traceback (most recent call last):\n  File \"a.py\", line 3\n    x = y[0]\nKeyError: 'x'\n")).Skipped);
        Assert.StartsWith("stopped after", TimeToAccuracyBench.Read(Run("", -1, timedOut: true)).Skipped);
        Assert.Equal("keras cannot be imported by /usr/bin/python3: No module named 'keras'",
            TimeToAccuracyBench.Read(Run("{\"missing\": \"keras cannot be imported by /usr/bin/python3: No module named 'keras'\"}", 3)).Skipped);
    }

    [SkippableTheory]
    [InlineData("sklearn_mlp.py", "sklearn", "scikit-learn")]
    [InlineData("keras_fit.py", "keras", "keras")]
    [InlineData("pytorch_loop.py", "torch", "torch")]
    public void A_peer_whose_library_cannot_be_imported_is_skipped_naming_it(string script, string module, string library)
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python), $"{python} is absent (Debian: apt-get install python3 python3-numpy).");
        using var scripts = PythonScripts.Extract();
        // A package of the library's name that fails to import, found before the real one.
        var shadow = Directory.CreateDirectory(Path.Combine(scripts.Directory, "shadow", module));
        File.WriteAllText(Path.Combine(shadow.FullName, "__init__.py"), "raise ImportError('a stand-in that fails to import')\n");
        var start = new ProcessStartInfo(python) { WorkingDirectory = scripts.Directory };
        start.ArgumentList.Add(Path.Combine(scripts.Directory, script));
        start.ArgumentList.Add("/nonexistent");
        start.Environment["PYTHONPATH"] = Path.Combine(scripts.Directory, "shadow");
        var run = ChildProcess.Run(start, TimeSpan.FromMinutes(2));
        var last = run.Output.Trim().Split('\n').Last();
        Skip.If(last.Contains("numpy cannot be imported"), $"numpy is not importable by {python} (Debian: apt-get install python3-numpy).");
        Assert.True(run.ExitCode == 3, $"exit code {run.ExitCode}: {run.Output} {run.Errors}");
        string? skipped = TimeToAccuracyBench.Read(run).Skipped;
        Assert.Equal($"{library} cannot be imported by {python}: a stand-in that fails to import", skipped);
        Assert.Equal(skipped, JsonDocument.Parse(last).RootElement.GetProperty("missing").GetString());
    }
}
