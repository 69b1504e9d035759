using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Comparison;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge-nn train</c>: one model on one backend (the CPU engine, or libtorch on a GPU with <c>--backend torch --device
/// cuda</c>), with progress, checkpoints, <c>--resume</c>, and the trained weights saved in the format --save's ending names.
/// Ctrl+C stops it within one step; the last checkpoint stays, and <c>--resume</c> continues from it.
/// </summary>
public static class TrainCommand
{
    public const int Cancelled = ExitCodes.Cancelled;

    private const string Prefix = ToolName.Command + " train:";

    public static Command Create()
    {
        var shared = new ModelOptions();
        var backend = new Option<string>("--backend") { Description = "managed, managed-teaching, torch, keras, sklearn, or python:FILE.py (a student's own network).", DefaultValueFactory = _ => "managed" };
        var save = new Option<FileInfo?>("--save") { Description = "Write the trained weights to this file, in the format its ending names: .safetensors, .onnx, .weights.h5 (Keras), .pt (PyTorch)." };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Keep a checkpoint (weights, optimizer state, position) in this file." };
        var every = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N epochs (and after the last).", DefaultValueFactory = _ => 1 };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --checkpoint (same options and seed)." };
        var command = new Command("train", "Train one model on one backend, with checkpoints; save its weights.") { backend, save, checkpoint, every, resume };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler stop = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += stop;
            try
            {
                return Run(shared.Read(result), result.GetValue(backend)!, result.GetValue(save)?.FullName,
                    result.GetValue(checkpoint)?.FullName, result.GetValue(every), result.GetValue(resume), AnsiConsole.Console, cancel.Token);
            }
            finally
            {
                Console.CancelKeyPress -= stop;
            }
        });
        return command;
    }

    /// <param name="backendOverride">The backend to train on instead of the one <paramref name="backendName"/> names (for tests).</param>
    public static int Run(CompareSettings settings, string backendName, string? savePath, string? checkpointPath, int checkpointEvery,
        bool resume, IAnsiConsole console, CancellationToken cancellation = default, Func<string, ulong, Dataset>? loadData = null,
        IBackend? backendOverride = null)
    {
        ComparisonPlan plan;
        IBackend backend;
        var loading = new Stopwatch();
        try
        {
            var load = loadData ?? ((name, seed) => Datasets.Load(name, seed));
            plan = PlanBuilder.Build(settings, (name, seed) =>
            {
                loading.Start();
                try
                {
                    return load(name, seed);
                }
                finally
                {
                    loading.Stop();
                }
            });
            backend = backendOverride ?? BackendCatalog.Get(backendName, settings.Device);
            if (resume && checkpointPath is null) throw new UsageException("--resume needs --checkpoint FILE: the checkpoint to continue from.");
            if (resume && !File.Exists(checkpointPath))
                throw new UsageException($"no checkpoint to resume from: {checkpointPath} does not exist. " +
                                         $"A run with --checkpoint {checkpointPath} (without --resume) writes one.");
            if (checkpointEvery < 1) throw new UsageException($"--checkpoint-every must be at least 1, got {checkpointEvery}.");
            if (savePath is not null) Bridge.Formats.WeightFormats.ForWriting(savePath); // an unknown ending is refused before training
        }
        catch (Exception e) when (e is UsageException or ArgumentException)
        {
            console.MarkupLine($"[red]{Prefix}[/] {Markup.Escape(UsageException.MessageOf(e))}");
            return ExitCodes.BadArguments;
        }
        if (!backend.Availability.IsAvailable)
        {
            console.MarkupLine($"[red]{Prefix}[/] the {backend.Name} backend cannot run here: {Markup.Escape(backend.Availability.Detail)}");
            return ExitCodes.BadArguments;
        }
        if (backend.CannotBuild(plan.Spec) is string reason)
        {
            console.MarkupLine($"[red]{Prefix}[/] {Markup.Escape(reason)}");
            return ExitCodes.BadArguments;
        }

        int epochs = plan.Training.Epochs;
        int? saved = null;   // epochs the checkpoint file holds from this run (or the one resumed)
        var options = plan.Training with
        {
            CheckpointPath = checkpointPath,
            CheckpointEvery = checkpointEvery,
            // Each epoch's line shows the running means of its steps: cheap, where a pass over the training set to
            // evaluate it would cost half an epoch again. The test set is evaluated exactly at the end.
            EvaluateEachEpoch = false,
            OnProgress = p =>
            {
                if (p.Completed is not { } e) return;
                // The trainer saves after every checkpointEvery-th epoch and after the last.
                if (checkpointPath is not null && ((e.Epoch + 1) % checkpointEvery == 0 || e.Epoch == epochs - 1)) saved = e.Epoch + 1;
                string metric = e.RunningAccuracy is double a ? $"accuracy {a.ToString("P2", CultureInfo.InvariantCulture)}" : "";
                console.MarkupLine($"epoch {e.Epoch + 1,4}/{p.Epochs}  loss {TerminalReport.Format(e.Loss),-10} {metric}  [grey]{e.Elapsed.TotalMilliseconds:F0} ms[/]");
            },
        };
        console.MarkupLine($"[bold]Training[/] {Markup.Escape(plan.Spec.Describe())} on {Markup.Escape(backend.Name)}; data {Markup.Escape(plan.Train.Name)} ({Markup.Escape(plan.DescribeSamples())}, read in {Seconds(loading.Elapsed)})");
        console.MarkupLine("[grey]Each epoch: running means over its steps (each batch measured before its update, as Keras reports them) " +
                           "and the time its steps took.[/]");
        try
        {
            using var model = backend.Build(plan.Spec, plan.WeightSeed);
            console.MarkupLine($"[grey]device: {Markup.Escape(model.Device)}[/]");
            if (resume)
            {
                // Refuse a checkpoint of another run before saying anything about it (Resume checks again).
                var checkpoint = Checkpoint.Load(checkpointPath!);
                checkpoint.EnsureContinues(model, plan.Train, options);
                int done = checkpoint.Position.EpochsCompleted;
                saved = done;
                console.MarkupLine(done >= epochs
                    ? $"Resumed from {Markup.Escape(checkpointPath!)}: all {epochs} epochs were already done; nothing left to train."
                    : $"Resumed from {Markup.Escape(checkpointPath!)}: {done} of {epochs} epochs were done; continuing with epoch {done + 1}.");
                Trainer.Resume(model, plan.Train, options, checkpointPath, cancellation);
            }
            else Trainer.Fit(model, plan.Train, options, cancellation);
            // The whole set at the final weights; by the engine itself where it can, with no float64 copy of the set.
            var evaluation = model.Measure(plan.Test ?? plan.Train);
            string set = plan.Test is null ? "training set" : "test set";
            console.MarkupLine(evaluation.Accuracy is double accuracy
                ? $"[green]{set} accuracy {accuracy.ToString("P2", CultureInfo.InvariantCulture)}[/], loss {TerminalReport.Format(evaluation.Loss)}"
                : $"[green]{set} loss {TerminalReport.Format(evaluation.Loss)}[/]{(evaluation.ReconstructionError is double r ? $", reconstruction error {TerminalReport.Format(r)}" : "")}");
            console.MarkupLine($"[grey]({set} evaluated whole, at the final weights)[/]");
            if (savePath is not null)
            {
                Bridge.Formats.WeightFormats.Save(model, savePath, new Dictionary<string, string> { ["spec"] = plan.Spec.Describe(), ["backend"] = backend.Name });
                console.MarkupLine($"weights: [blue]{Markup.Escape(savePath)}[/]");
            }
            console.MarkupLine($"[grey]{Markup.Escape(ProcessFigures())}[/]");
            return ExitCodes.Agree;
        }
        catch (TrainingCancelledException e)
        {
            console.MarkupLine($"[yellow]Interrupted in epoch {e.Epoch + 1} of {epochs}: {Finished(e.Epoch)} finished.[/]");
            console.MarkupLine(checkpointPath is null
                ? "Nothing was saved (no --checkpoint); a new run starts from the beginning."
                : saved is int kept
                    ? $"The checkpoint {Markup.Escape(checkpointPath)} holds {Finished(kept)}; the same command with --resume continues from epoch {kept + 1}."
                    : $"No epoch was checkpointed yet, so {Markup.Escape(checkpointPath)} holds nothing of this run; run the command again without --resume.");
            return Cancelled;
        }
        catch (TrainingDivergedException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return ExitCodes.Disagree;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or BackendUnavailableException)
        {
            console.MarkupLine($"[red]{Prefix}[/] {Markup.Escape(UsageException.MessageOf(e))}");
            return ExitCodes.BadArguments;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Bridge.Python.PythonException or Bridge.Student.StudentCodeException)
        {
            // Failed while running: a file that cannot be written, Python's error (with its traceback), the student's code.
            console.MarkupLine($"[red]{Prefix}[/] {Markup.Escape(e.Message)}");
            return ExitCodes.Disagree;
        }
    }

    private static string Finished(int epochs) => epochs == 1 ? "1 epoch" : $"{epochs} epochs";

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s";

    /// <summary>What the whole command cost: the time since the process started, and its peak resident memory where the system tells it.</summary>
    internal static string ProcessFigures()
    {
        using var self = Process.GetCurrentProcess();
        string figures = $"{Seconds(DateTime.Now - self.StartTime)} since the command started";
        long peak = self.PeakWorkingSet64;
        return peak > 0 ? figures + $", peak memory {(peak >> 20).ToString(CultureInfo.InvariantCulture)} MB" : figures;
    }
}
