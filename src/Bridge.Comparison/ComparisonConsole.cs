using Bridge.Catalog;
using Spectre.Console;

namespace Bridge.Comparison;

/// <summary>
/// A comparison from settings to verdict on a console: the plan, the backends from the catalog, live progress, the
/// terminal report and, if asked, the JSON and HTML reports. What <c>bridge-nn compare</c> runs, and what a lab
/// (examples/your-own-backprop) calls with its own settings.
/// </summary>
public static class ComparisonConsole
{
    /// <summary>The classic disagreement <see cref="Run"/> can show on purpose: a mean loss against a summed one.</summary>
    public const string LossReduction = "loss-reduction";

    /// <summary>Runs a comparison end to end and returns the exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="explain">A classic disagreement to show on purpose instead ("loss-reduction"), or null.</param>
    /// <param name="loadData">Resolves the data set's name or file (default: <see cref="Datasets.Load"/>).</param>
    /// <param name="backendsOverride">The backends to compare instead of those the settings name (for tests).</param>
    /// <param name="errorPrefix">What a message about bad settings starts with (the command line names itself).</param>
    public static int Run(CompareSettings settings, string? jsonPath, string? htmlPath, string? explain, IAnsiConsole console,
        Func<string, ulong, Dataset>? loadData = null, IReadOnlyList<IBackend>? backendsOverride = null, string errorPrefix = "compare:")
    {
        ComparisonPlan plan;
        IReadOnlyList<IBackend> backends;
        IReadOnlyCollection<string>? askedByName;
        try
        {
            plan = PlanBuilder.Build(settings, loadData ?? ((name, seed) => Datasets.Load(name, seed)));
            backends = backendsOverride ?? BackendCatalog.Parse(settings.Backends, settings.Device);
            // Only a backend the user named must run; the default list is "whatever can run here".
            askedByName = string.IsNullOrWhiteSpace(settings.Backends) || settings.Backends.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
                ? null
                : backends.Select(b => b.Name).ToHashSet();
            if (!backends.Any(b => b.Name == plan.Reference))
                backends = [BackendCatalog.Get(plan.Reference, settings.Device), .. backends];
            if (explain is not null && explain != LossReduction)
                throw new UsageException($"nothing to explain called '{explain}': the one topic is {LossReduction}.");
        }
        catch (Exception e) when (e is UsageException or ArgumentException)
        {
            console.MarkupLine($"[red]{Markup.Escape(errorPrefix)}[/] {Markup.Escape(UsageException.MessageOf(e))}");
            return ExitCodes.BadArguments;
        }

        if (explain == LossReduction) return ExplainLossReduction(plan, backends, console);

        ComparisonReport report;
        try
        {
            report = RunWithProgress(plan, backends, console);
        }
        catch (InvalidOperationException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(errorPrefix)}[/] {Markup.Escape(e.Message)}");
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
