using System.CommandLine;
using Bridge.Backends;
using Spectre.Console;

namespace Bridge.Comparison;

/// <summary><c>bridge compare</c>: one spec, every backend, same weights and batches; an agreement report.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "perceptron, mlp or autoencoder.", DefaultValueFactory = _ => "mlp" };
        var layers = new Option<string?>("--layers") { Description = "Layer sizes, input width first, e.g. 64,32,10 (autoencoder: 64,32,2 = encoder; the decoder mirrors it). Default: input,32,32,outputs." };
        var activation = new Option<string?>("--activation") { Description = "Hidden layers' activation: sigmoid, tanh, relu, linear. Default tanh (perceptron: sigmoid)." };
        var outputActivation = new Option<string?>("--output-activation") { Description = "Output layer's activation. Default: softmax for several classes, sigmoid for two, linear for values." };
        var codeActivation = new Option<string?>("--code-activation") { Description = "An autoencoder's code layer activation. Default linear." };
        var loss = new Option<string?>("--loss") { Description = "half-squared-error (the lecture's), mse, binary-crossentropy, categorical-crossentropy. Default: categorical-crossentropy on softmax, else half-squared-error." };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or adam.", DefaultValueFactory = _ => "sgd" };
        var learningRate = new Option<double?>("--learning-rate", "--lr") { Description = "Learning rate L. Default 0.1 (sgd), 0.001 (adam)." };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum μ.", DefaultValueFactory = _ => 0.9 };
        var nesterov = new Option<bool>("--nesterov") { Description = "Use Nesterov momentum." };
        var beta1 = new Option<double>("--beta1") { Description = "Adam β1.", DefaultValueFactory = _ => 0.9 };
        var beta2 = new Option<double>("--beta2") { Description = "Adam β2.", DefaultValueFactory = _ => 0.999 };
        var epsilon = new Option<double>("--epsilon") { Description = "Adam ε.", DefaultValueFactory = _ => 1e-8 };
        var init = new Option<string?>("--init") { Description = "Initial weights: glorot-uniform (default), glorot-normal, he-uniform, he-normal, torch-default, uniform:LIMIT." };
        var corruption = new Option<string?>("--corruption") { Description = "Denoising autoencoder input corruption: gaussian:SIGMA, masking:FRACTION, salt-and-pepper:FRACTION." };
        var data = new Option<string>("--data") { Description = "xor, and, or, nand, moons, circles, spirals, blobs, digits, fashion-mnist, or a file (.csv, IDX).", DefaultValueFactory = _ => "spirals" };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of the data held out to measure accuracy after training (0: measure on the training set).", DefaultValueFactory = _ => 0.2 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 100 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step.", DefaultValueFactory = _ => 32 };
        var precision = new Option<string>("--precision") { Description = "float32 or float64.", DefaultValueFactory = _ => "float64" };
        var backends = new Option<string?>("--backends") { Description = "Comma-separated: managed, managed-teaching, torch, keras, sklearn. Default: all (unavailable ones are reported with their reason)." };
        var reference = new Option<string>("--reference") { Description = "The backend the others are measured against.", DefaultValueFactory = _ => "managed" };
        var device = new Option<string?>("--device") { Description = "Device for torch: cpu, cuda, cuda:N or auto. Default cpu." };
        var seed = new Option<ulong>("--seed") { Description = "Seeds initial weights, batch order and the train/test split.", DefaultValueFactory = _ => 0UL };
        var kSteps = new Option<int>("--k-steps") { Description = "Steps of the 'weights after k steps' check.", DefaultValueFactory = _ => 10 };
        var json = new Option<FileInfo?>("--json") { Description = "Write the report as JSON (schema: comparison/REPORT-SCHEMA.md)." };
        var html = new Option<FileInfo?>("--html") { Description = "Write the report as one self-contained HTML page with plots." };
        var explain = new Option<string?>("--explain") { Description = "Show a classic disagreement on purpose: loss-reduction." };
        explain.AcceptOnlyFromAmong("loss-reduction");

        var command = new Command("compare", "Train one model on every backend from the same weights and batches, and check that they agree.")
        {
            model, layers, activation, outputActivation, codeActivation, loss, optimizer, learningRate, momentum, nesterov,
            beta1, beta2, epsilon, init, corruption, data, testFraction, epochs, batchSize, precision, backends, reference,
            device, seed, kSteps, json, html, explain,
        };
        command.SetAction(result =>
        {
            var settings = new CompareSettings
            {
                Model = result.GetValue(model)!,
                Layers = result.GetValue(layers),
                Activation = result.GetValue(activation),
                OutputActivation = result.GetValue(outputActivation),
                CodeActivation = result.GetValue(codeActivation),
                Loss = result.GetValue(loss),
                Optimizer = result.GetValue(optimizer)!,
                LearningRate = result.GetValue(learningRate),
                Momentum = result.GetValue(momentum),
                Nesterov = result.GetValue(nesterov),
                Beta1 = result.GetValue(beta1),
                Beta2 = result.GetValue(beta2),
                Epsilon = result.GetValue(epsilon),
                Init = result.GetValue(init),
                Corruption = result.GetValue(corruption),
                Data = result.GetValue(data)!,
                TestFraction = result.GetValue(testFraction),
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batchSize),
                Precision = result.GetValue(precision)!,
                Backends = result.GetValue(backends),
                Reference = result.GetValue(reference)!,
                Device = result.GetValue(device),
                Seed = result.GetValue(seed),
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
        try
        {
            plan = PlanBuilder.Build(settings, loadData ?? DataChoice.Load);
            backends = backendsOverride ?? BackendCatalog.Parse(settings.Backends, settings.Device);
            if (!backends.Any(b => b.Name == plan.Reference))
                backends = [BackendCatalog.Get(plan.Reference, settings.Device), .. backends];
        }
        catch (UsageException e)
        {
            console.MarkupLine($"[red]bridge compare:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadArguments;
        }
        catch (ArgumentException e)
        {
            console.MarkupLine($"[red]bridge compare:[/] {Markup.Escape(e.Message)}");
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
            console.MarkupLine($"[red]bridge compare:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.BadArguments;
        }
        TerminalReport.Write(console, report);
        if (jsonPath is not null)
        {
            JsonReport.Save(report, jsonPath);
            console.MarkupLine($"JSON report: [blue]{Markup.Escape(jsonPath)}[/]");
        }
        if (htmlPath is not null)
        {
            HtmlReport.Save(report, htmlPath);
            console.MarkupLine($"HTML report: [blue]{Markup.Escape(htmlPath)}[/]");
        }
        return report.Passed ? ExitCodes.Agree : ExitCodes.Disagree;
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
                ? $"[grey]{Markup.Escape(backend)}: trained in {result!.TrainingTime.TotalSeconds:F2} s, {Markup.Escape(result.Metric)} {TerminalReport.Format(result.Value)}[/]"
                : $"[red]{Markup.Escape(backend)} failed: {Markup.Escape(error.Message)}[/]");
    }
}
