using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Formats;

namespace Bridge.Comparison;

/// <summary>
/// The comparison as JSON, in the schema documented in src/Bridge.Comparison/REPORT-SCHEMA.md (version 2):
/// <c>schema</c>, <c>plan</c>, <c>passed</c>, <c>outcome</c>, <c>exitCode</c>, <c>gaps</c>, <c>elapsedSeconds</c>,
/// <c>backends</c>, <c>checks</c>, <c>results</c>, <c>diagnoses</c>. A backend that failed while running has its
/// message in <c>error</c> and no value; other numbers that JSON cannot hold (NaN, ∞) are written as strings.
/// </summary>
public static class JsonReport
{
    public const int SchemaVersion = 2;

    /// <param name="verdict">What the run amounts to (default: judged from the report alone, as a run that named no backend).</param>
    public static JsonObject ToJson(ComparisonReport report, Verdict? verdict = null)
    {
        verdict ??= Verdict.Of(report);
        var plan = report.Plan;
        var failures = BackendFailures.Of(report);
        return new JsonObject
        {
            ["schema"] = $"bridge-comparison/{SchemaVersion}",
            ["plan"] = new JsonObject
            {
                ["model"] = plan.Spec.Kind,
                ["spec"] = plan.Spec.Describe(),
                ["layers"] = new JsonArray(plan.Spec.Layers.Select(l => (JsonNode)new JsonObject
                {
                    ["units"] = l.Units,
                    ["activation"] = l.Activation.Name(),
                }).ToArray()),
                ["inputs"] = plan.Spec.Inputs,
                ["loss"] = plan.Spec.Loss.Name(),
                ["optimizer"] = plan.Spec.Optimizer.Describe(),
                ["precision"] = plan.Spec.Precision.Name(),
                ["data"] = plan.Train.Name,
                ["trainSamples"] = plan.Train.Count,
                ["testSamples"] = plan.Test?.Count,
                ["epochs"] = plan.Training.Epochs,
                ["batchSize"] = plan.Training.BatchSize,
                ["seed"] = plan.Training.Seed,
                ["weightSeed"] = plan.WeightSeed,
                ["reference"] = plan.Reference,
                ["kSteps"] = plan.KSteps,
            },
            ["passed"] = verdict.Passed,
            ["outcome"] = verdict.Outcome,
            ["exitCode"] = verdict.ExitCode,
            ["gaps"] = new JsonArray(verdict.Gaps.Select(g => (JsonNode)JsonValue.Create(g)).ToArray()),
            ["elapsedSeconds"] = report.Elapsed.TotalSeconds,
            ["backends"] = new JsonArray(report.Backends.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Name,
                ["available"] = b.Available,
                ["detail"] = b.Reason,
                ["error"] = failures.GetValueOrDefault(b.Name),
                ["device"] = b.Device,
                ["precision"] = b.Precision.Name(),
            }).ToArray()),
            ["checks"] = new JsonArray(report.Checks.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["backend"] = c.Backend,
                ["reference"] = c.Reference,
                ["layer"] = c.Layer,
                ["metric"] = c.Metric,
                ["value"] = c.Name == CheckNames.Error ? null : Number(c.Value),
                ["tolerance"] = c.Name == CheckNames.Error ? null : Number(c.Tolerance),
                ["passed"] = c.Passed,
                ["detail"] = c.Name == CheckNames.Error ? null : c.Detail,
                ["error"] = c.Name == CheckNames.Error ? c.Detail ?? "no message" : null,
            }).ToArray()),
            ["results"] = new JsonArray(report.Results.Select(r => (JsonNode)new JsonObject
            {
                ["backend"] = r.Backend,
                ["metric"] = r.Metric,
                ["value"] = Number(r.Value),
                ["trainingSeconds"] = r.TrainingTime.TotalSeconds,
                ["history"] = new JsonArray(r.History.Select(e => (JsonNode)new JsonObject
                {
                    ["epoch"] = e.Epoch,
                    ["loss"] = Number(e.Loss),
                    ["trainLoss"] = Number(e.TrainLoss),
                    ["accuracy"] = Number(e.Accuracy),
                    ["reconstructionError"] = Number(e.ReconstructionError),
                    ["validationLoss"] = Number(e.ValidationLoss),
                    ["validationAccuracy"] = Number(e.ValidationAccuracy),
                    ["seconds"] = e.Elapsed.TotalSeconds,
                }).ToArray()),
            }).ToArray()),
            ["diagnoses"] = new JsonArray(report.Diagnoses().Select(d => (JsonNode)new JsonObject
            {
                ["backend"] = d.Backend,
                ["check"] = d.FirstFailure.Name,
                ["layer"] = d.FirstFailure.Layer,
                ["explanation"] = d.FirstFailure.Name == CheckNames.Error
                    ? $"failed while running: {d.FirstFailure.Detail ?? "no message"}"
                    : d.Explanation,
            }).ToArray()),
        };
    }

    public static string Serialize(ComparisonReport report, Verdict? verdict = null) =>
        ToJson(report, verdict).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    /// <summary>Writes the report through a temporary file and a rename, so a reader never sees half a file.</summary>
    public static void Save(ComparisonReport report, string path, Verdict? verdict = null) =>
        AtomicFile.WriteAllText(path, Serialize(report, verdict));

    private static JsonNode? Number(double? value) => value switch
    {
        null => null,
        double v when double.IsFinite(v) => JsonValue.Create(v),
        double v => JsonValue.Create(v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };
}
