using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Comparison;

/// <summary>
/// The comparison as JSON, in the schema documented in comparison/REPORT-SCHEMA.md (version 1):
/// <c>schema</c>, <c>plan</c>, <c>passed</c>, <c>elapsedSeconds</c>, <c>backends</c>, <c>checks</c>,
/// <c>results</c>, <c>diagnoses</c>. Numbers that JSON cannot hold (NaN, ∞) are written as strings.
/// </summary>
public static class JsonReport
{
    public const int SchemaVersion = 1;

    public static JsonObject ToJson(ComparisonReport report)
    {
        var plan = report.Plan;
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
            ["passed"] = report.Passed,
            ["elapsedSeconds"] = report.Elapsed.TotalSeconds,
            ["backends"] = new JsonArray(report.Backends.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Name,
                ["available"] = b.Available,
                ["reason"] = b.Reason,
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
                ["value"] = Number(c.Value),
                ["tolerance"] = Number(c.Tolerance),
                ["passed"] = c.Passed,
                ["detail"] = c.Detail,
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
                ["explanation"] = d.Explanation,
            }).ToArray()),
        };
    }

    public static string Serialize(ComparisonReport report) =>
        ToJson(report).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    /// <summary>Writes the report through a temporary file and a rename, so a reader never sees half a file.</summary>
    public static void Save(ComparisonReport report, string path) => AtomicFile.WriteAllText(path, Serialize(report));

    private static JsonNode? Number(double? value) => value switch
    {
        null => null,
        double v when double.IsFinite(v) => JsonValue.Create(v),
        double v => JsonValue.Create(v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };
}
