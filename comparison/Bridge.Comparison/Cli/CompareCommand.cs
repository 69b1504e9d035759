using System.CommandLine;
using Bridge.Backends;
using Bridge.Catalog;
using Spectre.Console;

namespace Bridge.Comparison;

/// <summary><c>bridge-nn compare</c>: one spec, every backend, same weights and batches; an agreement report.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var shared = new ModelOptions();
        var backends = new Option<string?>("--backends") { Description = "Comma-separated: managed, managed-teaching, torch, keras, sklearn, or python:FILE.py (your own network, see examples/your-own-backprop). Default: all (unavailable ones are reported with their reason)." };
        var reference = new Option<string>("--reference") { Description = "The backend the others are measured against.", DefaultValueFactory = _ => "managed" };
        var kSteps = new Option<int>("--k-steps") { Description = "Steps of the 'weights after k steps' check.", DefaultValueFactory = _ => 10 };
        var json = new Option<FileInfo?>("--json") { Description = "Write the report as JSON (schema: comparison/REPORT-SCHEMA.md)." };
        var html = new Option<FileInfo?>("--html") { Description = "Write the report as one self-contained HTML page with plots." };
        var explain = new Option<string?>("--explain")
        {
            Description = "Show a classic disagreement on purpose. TOPIC: loss-reduction (the lecture's ½·Σ squared error against mean squared error).",
            HelpName = "TOPIC",
        };
        explain.AcceptOnlyFromAmong("loss-reduction");

        var command = new Command("compare", "Train one model on every backend from the same weights and batches, and check that they agree.")
        {
            backends, reference, kSteps, json, html, explain,
        };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            var settings = shared.Read(result) with
            {
                Backends = result.GetValue(backends),
                Reference = result.GetValue(reference)!,
                KSteps = result.GetValue(kSteps),
            };
            return Run(settings, result.GetValue(json)?.FullName, result.GetValue(html)?.FullName, result.GetValue(explain), AnsiConsole.Console);
        });
        return command;
    }

    /// <summary>Runs a comparison end to end and returns the exit code.</summary>
    /// <param name="loadData">Resolves --data (default: the data set catalog).</param>
    /// <param name="backendsOverride">The backends to compare instead of those --backends names (for tests).</param>
    public static int Run(CompareSettings settings, string? jsonPath, string? htmlPath, string? explain, IAnsiConsole console,
        Func<string, ulong, Dataset>? loadData = null, IReadOnlyList<IBackend>? backendsOverride = null)
    {
        ComparisonPlan plan;
        IReadOnlyList<IBackend> backends;
        IReadOnlyCollection<string>? askedByName;
        try
        {
            plan = PlanBuilder.Build(settings, loadData ?? DataChoice.Load);
            backends = backendsOverride ?? BackendCatalog.Parse(settings.Backends, settings.Device);
            // Only a backend the user named must run; the default list is "whatever can run here".
            askedByName = string.IsNullOrWhiteSpace(settings.Backends) || settings.Backends.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
                ? null
                : backends.Select(b => b.Name).ToHashSet();
            if (!backends.Any(b => b.Name == plan.Reference))
                backends = [BackendCatalog.Get(plan.Reference, settings.Device), .. backends];
        }
        catch (Exception e) when (e is UsageException or ArgumentException)
        {
            console.MarkupLine($"[red]{Prefix}[/] {Markup.Escape(UsageException.MessageOf(e))}");
            return ExitCodes.BadArguments;
        }

        if (explain == "loss-reduction") return ExplainLossReduction(plan, backends, console);

        ComparisonReport report;
        try
        {
            report = RunWithProgress(plan, backends, console);
        }
        catch (InvalidOperationException e)
        {
            console.MarkupLine($"[red]{Prefix}[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadArguments;
        }
        var verdict = Verdict.Of(report, askedByName);
        TerminalReport.Write(console, report, verdict);
        if (jsonPath is not null)
        {
            JsonReport.Save(report, jsonPath, verdict);
            console.MarkupLine($"JSON report: [blue]{Markup.Escape(jsonPath)}[/]");
        }
        if (htmlPath is not null)
        {
            HtmlReport.Save(report, htmlPath, verdict);
            console.MarkupLine($"HTML report: [blue]{Markup.Escape(htmlPath)}[/]");
        }
        return verdict.ExitCode;
    }

    private const string Prefix = ToolName.Command + " compare:";

    private static ComparisonReport RunWithProgress(ComparisonPlan plan, IReadOnlyList<IBackend> backends, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]Comparing[/] {Markup.Escape(plan.Describe())}");
        if (!console.Profile.Capabilities.Interactive)
            return new ComparisonRunner(backends, new LineObserver(console)).Run(plan);
        ComparisonReport? report = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => report = new ComparisonRunner(backends, new ProgressDisplay(context)).Run(plan));
        return report!;
    }

    private static int ExplainLossReduction(ComparisonPlan plan, IReadOnlyList<IBackend> backends, IAnsiConsole console)
    {
        var explanation = LossReductionExplainer.Run(plan, backends);
        console.Write(new Rule("[bold]Why two backends disagree: the loss reduction[/]").LeftJustified());
        console.MarkupLine($"Reference: [bold]{Markup.Escape(plan.Reference)}[/] with the lecture's ½·Σ squared error; every backend below with mean squared error (torch's mse_loss).");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("backend").AddColumn("layer").AddColumn(new TableColumn("measured factor").RightAligned())
            .AddColumn(new TableColumn("2/K").RightAligned()).AddColumn(new TableColumn("deviation from proportional").RightAligned());
        foreach (var f in explanation.Factors)
            table.AddRow(Markup.Escape(f.Backend), f.Layer, f.Measured.ToString("G10"), f.Predicted.ToString("G10"), TerminalReport.Format(f.Residual));
        console.Write(table);
        foreach (var s in explanation.Skipped)
            console.MarkupLine($"[yellow]{Markup.Escape(s.Name)} skipped[/]: {Markup.Escape(s.Reason)}");
        console.MarkupLine(Markup.Escape(explanation.Text));
        double tolerance = Tolerances.For(plan.Spec.Precision).Gradient;
        bool holds = explanation.Holds(tolerance);
        console.MarkupLine(holds
            ? $"[green]The gradients differ by exactly 2/K = {explanation.Predicted:G6} in every layer of every backend.[/]"
            : "[red]The measured factors do not all equal 2/K: something besides the reduction differs.[/]");
        return holds ? ExitCodes.Agree : ExitCodes.Disagree;
    }

    /// <summary>Progress as plain lines, for logs and CI where no live display can run.</summary>
    private sealed class LineObserver(IAnsiConsole console) : IComparisonObserver
    {
        public void Phase(string backend, string phase) => console.MarkupLine($"[grey]{Markup.Escape(backend)}: {Markup.Escape(phase)}[/]");

        public void Finished(string backend, BackendResult? result, Exception? error) =>
            console.MarkupLine(error is null
                ? $"[grey]{Markup.Escape(backend)}: trained in {result!.TrainingTime.TotalSeconds:F2} s, {Markup.Escape(result.Metric)} {TerminalReport.FormatMetric(result.Metric, result.Value)}[/]"
                : $"[red]{Markup.Escape(backend)} failed: {Markup.Escape(error.Message)}[/]");
    }
}
