using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Formats.Tests;

/// <summary>
/// The other side's own code — Keras, torch, onnx — run by a Python of its own (BRIDGE_PYTHON, else Debian's
/// /usr/bin/python3) in a separate process, so torch never shares a process with anything of Bridge's. A test that
/// needs a package this Python cannot import skips, naming the fix; where CI builds Keras for the tests
/// (BRIDGE_REQUIRE_KERAS=1) a missing Keras fails instead.
/// </summary>
internal static class OtherSide
{
    public static string Python => Environment.GetEnvironmentVariable("BRIDGE_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Set by CI, where Keras is built for the tests: a Keras test that would skip fails instead.</summary>
    public static bool KerasRequired => Environment.GetEnvironmentVariable("BRIDGE_REQUIRE_KERAS") == "1";

    private static readonly Dictionary<string, string?> Missing = [];

    /// <summary>Why <paramref name="module"/> cannot be imported by <see cref="Python"/>, or null when it can.</summary>
    public static string? WhyNot(string module)
    {
        lock (Missing)
        {
            if (Missing.TryGetValue(module, out var known)) return known;
            string? reason;
            if (!File.Exists(Python)) reason = $"no Python at {Python} (set BRIDGE_PYTHON, or install Debian's python3)";
            else
            {
                var (code, output) = Run(["-c", $"import {module}"], TimeSpan.FromMinutes(2));
                reason = code == 0 ? null : $"{Python} cannot import {module}: {output.Trim().Split('\n')[^1]}";
            }
            Missing[module] = reason;
            return reason;
        }
    }

    public static void RequireTorch()
    {
        var why = WhyNot("torch");
        Skip.If(why is not null, $"{why}. Install Debian's python3-torch (apt-get install python3-torch).");
    }

    public static void RequireOnnx()
    {
        var why = WhyNot("onnx");
        Skip.If(why is not null, $"{why}. Install Debian's python3-onnx (apt-get install python3-onnx).");
    }

    public static void RequireKeras()
    {
        var why = WhyNot("keras");
        const string fix = "Run the tests after eval \"$(bash ../shared/keras-env/build.sh)\", or point BRIDGE_PYTHON at a Python with Keras 3 (conda env create -f environment.yml)";
        if (why is not null && KerasRequired) Assert.Fail($"BRIDGE_REQUIRE_KERAS=1 (as in CI), and Keras is missing: {why}. {fix}.");
        Skip.If(why is not null, $"{why}. {fix}.");
    }

    /// <summary>
    /// Runs python/<paramref name="script"/> beside the test assembly with a JSON request; returns its JSON answer.
    /// A script that fails fails the test with its output (its traceback).
    /// </summary>
    public static JsonNode Ask(string script, JsonObject request, string folder, TimeSpan? timeout = null)
    {
        string requestPath = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(script)}-request.json");
        string answerPath = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(script)}-answer.json");
        File.WriteAllText(requestPath, request.ToJsonString());
        var (code, output) = Run([Path.Combine(AppContext.BaseDirectory, "python", script), requestPath, answerPath], timeout ?? TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"{script} exited {code}:\n{output}");
        return JsonNode.Parse(File.ReadAllText(answerPath))!;
    }

    private static (int Code, string Output) Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // Keras 3 picks its backend from KERAS_BACKEND; torch is the one Bridge's environments carry.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KERAS_BACKEND"))) start.Environment["KERAS_BACKEND"] = "torch";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{stdout.Result}{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>A network as the scripts build it: inputs, then each layer's units and activation, and the dtype.</summary>
    public static JsonObject Describe(ModelSpec spec) => new()
    {
        ["inputs"] = spec.Inputs,
        ["layers"] = new JsonArray(spec.Layers.Select(l => (JsonNode)new JsonObject { ["units"] = l.Units, ["activation"] = l.Activation.Name() }).ToArray()),
        ["dtype"] = spec.Precision.Name(),
    };

    public static JsonArray Rows(Matrix m) =>
        new(Enumerable.Range(0, m.Rows).Select(r => (JsonNode)new JsonArray(m.Row(r).ToArray().Select(v => (JsonNode)v).ToArray())).ToArray());

    public static Matrix Matrix(JsonNode rows)
    {
        var list = rows.AsArray();
        return Bridge.Matrix.FromRows(list.Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray());
    }

    /// <summary>How far another library's outputs may be from Bridge's on the same weights (norm-wise, relative).</summary>
    public static double Tolerance(ModelSpec spec) => spec.Precision == Precision.Float32 ? 1e-6 : 1e-12;

    /// <summary>
    /// Bridge's files read by the other side: the managed engine saves each representative network to
    /// <paramref name="folder"/> with <paramref name="ending"/>; <paramref name="script"/> in <paramref name="mode"/>
    /// loads each (its path under <paramref name="pathKey"/>) and predicts. Returns the other side's answer, and the
    /// relative error of its outputs from Bridge's per network.
    /// </summary>
    public static (JsonNode Answer, IReadOnlyDictionary<string, double> Errors) PredictFromBridgesFiles(
        string folder, string ending, string script, string mode, string pathKey)
    {
        var cases = new JsonArray();
        var expected = new Dictionary<string, Matrix>();
        foreach (string name in Shapes.Representative)
        {
            var spec = Shapes.All[name];
            using var model = Bridge.Managed.ManagedBackend.Batched.Build(spec, Shapes.Weights(spec));
            string file = Path.Combine(folder, name.Replace(' ', '_') + ending);
            model.SaveWeights(file);
            var x = Shapes.Inputs(spec);
            expected[name] = model.Forward(x);
            var request = Describe(spec);
            request["name"] = name;
            request["x"] = Rows(x);
            request[pathKey] = file;
            cases.Add(request);
        }
        var answer = Ask(script, new JsonObject { ["mode"] = mode, ["cases"] = cases }, folder);
        return (answer, expected.ToDictionary(e => e.Key, e => Agreement.RelativeError(Matrix(answer["cases"]![e.Key]!["y"]!), e.Value)));
    }
}
