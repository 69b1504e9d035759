using System.Text.Json;
using Bridge.Managed;
using Bridge.Testing;
using Spectre.Console.Testing;

namespace Bridge.Comparison.Tests;

/// <summary>
/// What a run amounts to: a backend asked for by name that could not run, or a run that compared nothing, is not a
/// pass; a backend that failed while running shows its message, in the terminal and in the JSON.
/// </summary>
public sealed class OutcomeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-outcome-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly CompareSettings Quick = new() { Data = "moons", Layers = "2,8,1", Epochs = 2 };

    private (int Code, string Output, JsonElement Json) Run(CompareSettings settings, IReadOnlyList<IBackend> backends)
    {
        var console = new TestConsole().Width(250);
        string json = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        int code = ComparisonConsole.Run(settings, json, null, null, console, backendsOverride: backends);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        return (code, console.Output, document.RootElement.Clone());
    }

    [Fact]
    public void A_backend_asked_for_by_name_that_cannot_run_makes_the_run_incomplete()
    {
        const string reason = "no CUDA device on this machine";
        var (code, output, json) = Run(Quick with { Backends = "managed,managed-teaching,gpu" },
            [ManagedBackend.Batched, ManagedBackend.Teaching, new MissingBackend("gpu", reason)]);
        Assert.True(code == ExitCodes.Incomplete, output);
        Assert.Contains(reason, output);
        Assert.Contains("not a pass", output);
        Assert.DoesNotContain("All ", output);
        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal("incomplete", json.GetProperty("outcome").GetString());
        Assert.Equal(ExitCodes.Incomplete, json.GetProperty("exitCode").GetInt32());
        Assert.Contains(reason, json.GetProperty("gaps")[0].GetString());
    }

    [Fact]
    public void The_default_run_lists_an_unavailable_backend_and_passes_on_the_rest()
    {
        const string reason = "keras is not installed";
        var (code, output, json) = Run(Quick with { Backends = null },
            [ManagedBackend.Batched, ManagedBackend.Teaching, new MissingBackend("keras", reason)]);
        Assert.True(code == ExitCodes.Agree, output);
        Assert.Contains(reason, output);
        Assert.Equal("passed", json.GetProperty("outcome").GetString());
        Assert.Equal(0, json.GetProperty("gaps").GetArrayLength());
    }

    [Fact]
    public void A_run_that_compares_nothing_is_incomplete_even_when_every_check_passes()
    {
        var (code, output, json) = Run(Quick with { Backends = null }, [ManagedBackend.Batched, new MissingBackend("torch", "not here")]);
        Assert.True(code == ExitCodes.Incomplete, output);
        Assert.Contains("Nothing was compared", output);
        // The finite-difference checks ran and passed: incomplete is about what was not compared, not about them.
        var checks = json.GetProperty("checks").EnumerateArray().ToList();
        Assert.NotEmpty(checks);
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean()));
    }

    [Fact]
    public void A_backend_that_fails_while_running_shows_its_message_and_its_json_value_is_null()
    {
        const string message = "libtorch: CUDA error: out of memory while allocating 2.00 GiB";
        var (code, output, json) = Run(Quick with { Backends = "managed,broken" }, [ManagedBackend.Batched, new FailingBackend("broken", message)]);
        Assert.Equal(ExitCodes.Disagree, code);
        Assert.Contains(message, output);
        Assert.Contains("broken failed while running", output);
        Assert.DoesNotContain("∞", output);

        var error = json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == CheckNames.Error);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("tolerance").ValueKind);
        Assert.Equal(message, error.GetProperty("error").GetString());
        Assert.False(error.GetProperty("passed").GetBoolean());
        var backend = json.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "broken");
        Assert.Equal(message, backend.GetProperty("error").GetString());
        Assert.Contains(message, json.GetProperty("diagnoses")[0].GetProperty("explanation").GetString());
        Assert.DoesNotContain("Infinity", json.ToString());
    }

    [Fact]
    public void The_plan_line_gives_train_and_test_counts()
    {
        var (_, output, json) = Run(Quick, [ManagedBackend.Batched, ManagedBackend.Teaching]);
        int train = json.GetProperty("plan").GetProperty("trainSamples").GetInt32();
        int test = json.GetProperty("plan").GetProperty("testSamples").GetInt32();
        Assert.Contains($"{train} train, {test} test samples", output);
    }
}
