using System.Diagnostics;
using Bridge.Backends;

namespace Bridge.Comparison;

/// <summary>
/// Runs one <see cref="ComparisonPlan"/> on several backends and measures how far each is from the reference:
/// forward outputs of every layer, loss, gradients of every layer, weights after one step and after k steps on the
/// same batches, metrics after the same training, and the reference's gradients against finite differences.
/// A backend that is unavailable, cannot express the spec or throws is reported, never silently dropped.
/// </summary>
public sealed class ComparisonRunner(IReadOnlyList<IBackend> backends, IComparisonObserver? observer = null)
{
    private readonly IComparisonObserver _observer = observer ?? new SilentObserver();

    public ComparisonReport Run(ComparisonPlan plan, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var spec = plan.Spec;
        spec.Validate();
        plan.Train.EnsureFits(spec);
        plan.Test?.EnsureFits(spec);
        var tolerances = Tolerances.For(spec.Precision);
        var initial = spec.Init.Draw(spec, plan.WeightSeed);
        var probe = ProbeBatches(plan);

        var statuses = new List<BackendStatus>();
        var runnable = new List<IBackend>();
        foreach (var backend in backends)
        {
            var availability = backend.Availability;
            string? cannot = availability.IsAvailable ? backend.CannotBuild(spec) : null;
            bool ok = availability.IsAvailable && cannot is null;
            statuses.Add(new BackendStatus(backend.Name, ok, cannot ?? availability.Detail, null, spec.Precision));
            if (ok) runnable.Add(backend);
        }
        var reference = runnable.FirstOrDefault(b => b.Name == plan.Reference)
            ?? throw new InvalidOperationException(
                $"The reference backend '{plan.Reference}' cannot run this comparison: " +
                (statuses.FirstOrDefault(s => s.Name == plan.Reference)?.Reason ?? "it is not among the backends asked for") + ".");

        var checks = new List<Check>();
        var results = new List<BackendResult>();
        var observed = Observe(reference, plan, initial, probe, cancellation, out var referenceError);
        if (referenceError is not null) throw new InvalidOperationException($"The reference backend '{reference.Name}' failed: {referenceError.Message}", referenceError);
        var referenceRun = observed!;
        checks.AddRange(FiniteDifferenceChecks(reference, plan, initial, probe[0], tolerances));
        statuses[statuses.FindIndex(s => s.Name == reference.Name)] =
            statuses.First(s => s.Name == reference.Name) with { Device = referenceRun.Device };
        results.Add(referenceRun.Result);

        foreach (var backend in runnable.Where(b => b != reference))
        {
            cancellation.ThrowIfCancellationRequested();
            var run = Observe(backend, plan, initial, probe, cancellation, out var error);
            int index = statuses.FindIndex(s => s.Name == backend.Name);
            if (error is not null || run is null)
            {
                checks.Add(new Check(CheckNames.Error, backend.Name, reference.Name, null, "error", double.PositiveInfinity, 0,
                    error?.Message ?? "no result"));
                continue;
            }
            statuses[index] = statuses[index] with { Device = run.Device };
            checks.AddRange(CheckDiagnoses.Attach(Compare(run, referenceRun, reference.Name, tolerances).ToList(), spec, initial, probe[0],
                Numbers(run), Numbers(referenceRun), tolerances));
            results.Add(run.Result);
        }
        return new ComparisonReport(plan, statuses, checks, results, clock.Elapsed);
    }

    /// <summary>Everything measured on one backend, to be compared with the reference's.</summary>
    private sealed record Observation(
        string Backend,
        string Device,
        IReadOnlyList<Matrix> LayerOutputs,
        double Loss,
        WeightSet Gradients,
        WeightSet AfterOneStep,
        WeightSet AfterKSteps,
        BackendResult Result,
        double FinalMetric);

    private Observation? Observe(IBackend backend, ComparisonPlan plan, WeightSet initial, IReadOnlyList<Batch> probe,
        CancellationToken cancellation, out Exception? error)
    {
        error = null;
        try
        {
            _observer.Phase(backend.Name, "step checks");
            IReadOnlyList<Matrix> outputs;
            double loss;
            WeightSet gradients, afterOne, afterK;
            string device;
            using (var model = backend.Build(plan.Spec, initial.Clone()))
            {
                device = model.Device;
                outputs = model.ForwardLayers(probe[0].Inputs);
                loss = model.Loss(probe[0]);
                gradients = model.Gradients(probe[0]);
                Step(model, probe[0]);
                afterOne = model.GetWeights();
                foreach (var batch in probe.Skip(1)) Step(model, batch);
                afterK = model.GetWeights();
            }

            _observer.Phase(backend.Name, "training");
            using var trained = backend.Build(plan.Spec, initial.Clone());
            var clock = Stopwatch.StartNew();
            var history = Trainer.Fit(trained, plan.Train,
                plan.Training with { OnProgress = p => _observer.Training(backend.Name, p) }, cancellation);
            clock.Stop();
            var (metric, value) = FinalMetric(trained, plan);
            var result = new BackendResult(backend.Name, metric, value, history.Epochs, clock.Elapsed);
            _observer.Finished(backend.Name, result, null);
            return new Observation(backend.Name, device, outputs, loss, gradients, afterOne, afterK, result, value);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = e;
            _observer.Finished(backend.Name, null, e);
            return null;
        }
    }

    private static Bridge.Student.ObservedNumbers Numbers(Observation run) => new(run.LayerOutputs, run.Gradients, run.AfterOneStep);

    private static void Step(IModel model, Batch batch)
    {
        var result = model.TrainStep(batch);
        if (!result.Applied)
            throw new InvalidOperationException($"the training step was refused: loss {result.Loss}, non-finite gradient in {result.NonFiniteLayer ?? "?"}");
    }

    private static (string Metric, double Value) FinalMetric(IModel model, ComparisonPlan plan)
    {
        var data = plan.Test ?? plan.Train;
        var evaluation = model.Evaluate(data);
        string set = plan.Test is null ? "training" : "test";
        if (evaluation.Accuracy is double accuracy) return ($"{set} accuracy", accuracy);
        if (evaluation.ReconstructionError is double error) return ($"{set} reconstruction error", error);
        return ($"{set} loss", evaluation.Loss);
    }

    private static IEnumerable<Check> Compare(Observation run, Observation reference, string referenceName, Tolerances tolerances)
    {
        const string relative = "relative error";
        string backend = run.Backend;
        for (int l = 0; l < run.LayerOutputs.Count; l++)
            yield return new Check(CheckNames.Forward, backend, referenceName, WeightSet.LayerName(l), relative,
                Agreement.RelativeError(run.LayerOutputs[l], reference.LayerOutputs[l]), tolerances.Forward);
        yield return new Check(CheckNames.Loss, backend, referenceName, null, relative,
            Agreement.RelativeError(run.Loss, reference.Loss), tolerances.Loss,
            $"{run.Loss:G10} vs {reference.Loss:G10}");
        var gradientErrors = Agreement.PerLayer(run.Gradients, reference.Gradients);
        for (int l = 0; l < gradientErrors.Length; l++)
            yield return new Check(CheckNames.Gradient, backend, referenceName, WeightSet.LayerName(l), relative, gradientErrors[l], tolerances.Gradient);
        var oneStep = Agreement.PerLayer(run.AfterOneStep, reference.AfterOneStep);
        for (int l = 0; l < oneStep.Length; l++)
            yield return new Check(CheckNames.OneStep, backend, referenceName, WeightSet.LayerName(l), relative, oneStep[l], tolerances.OneStep);
        var kSteps = Agreement.PerLayer(run.AfterKSteps, reference.AfterKSteps);
        for (int l = 0; l < kSteps.Length; l++)
            yield return new Check(CheckNames.KSteps, backend, referenceName, WeightSet.LayerName(l), relative, kSteps[l], tolerances.KSteps);
        if (run.Result.Metric.EndsWith("accuracy", StringComparison.Ordinal))
            yield return new Check(CheckNames.Accuracy, backend, referenceName, null, "absolute difference",
                Math.Abs(run.FinalMetric - reference.FinalMetric), tolerances.AccuracyPoints,
                $"{run.FinalMetric:P2} vs {reference.FinalMetric:P2}");
        else if (run.Result.Metric.EndsWith("reconstruction error", StringComparison.Ordinal))
            yield return new Check(CheckNames.ReconstructionError, backend, referenceName, null, relative,
                Agreement.RelativeError(run.FinalMetric, reference.FinalMetric), tolerances.ReconstructionRelative,
                $"{run.FinalMetric:G6} vs {reference.FinalMetric:G6}");
    }

    /// <summary>
    /// The reference's own gradients against central finite differences, computed in float64 (a float32 reference
    /// is rebuilt in float64 for this check: in float32 the difference quotient drowns in rounding).
    /// </summary>
    private IEnumerable<Check> FiniteDifferenceChecks(IBackend reference, ComparisonPlan plan, WeightSet initial, Batch batch,
        Tolerances tolerances)
    {
        _observer.Phase(reference.Name, "finite differences");
        var spec64 = plan.Spec with { Precision = Precision.Float64 };
        using var model = reference.Build(spec64, initial.ToPrecision(Precision.Float64));
        var errors = GradientCheck.CompareSampled(model, batch, plan.FiniteDifferenceWeightsPerLayer, plan.WeightSeed);
        double tolerance = double.IsNaN(tolerances.FiniteDifference) ? Tolerances.Float64.FiniteDifference : tolerances.FiniteDifference;
        for (int l = 0; l < errors.Length; l++)
            yield return new Check(CheckNames.FiniteDifference, reference.Name, "finite differences", WeightSet.LayerName(l),
                "relative error", errors[l], tolerance, $"{Math.Min(plan.FiniteDifferenceWeightsPerLayer, initial.Layers[l].ParameterCount)} weights probed, float64");
    }

    /// <summary>
    /// The batches the step-level checks use: the first k batches of epoch 0 under the training options, the first
    /// one cut to at most <see cref="ComparisonPlan.ProbeBatchLimit"/> samples. Copied, because the assembler reuses its buffers.
    /// </summary>
    private static IReadOnlyList<Batch> ProbeBatches(ComparisonPlan plan)
    {
        int batchSize = Math.Min(plan.Training.BatchSize, plan.ProbeBatchLimit);
        var assembler = new BatchAssembler(plan.Train, plan.Spec, batchSize);
        var order = BatchPlan.Order(plan.Train.Count, 0, plan.Training.Seed, plan.Training.Shuffle);
        var batches = new List<Batch>();
        for (int step = 0; step < Math.Min(Math.Max(plan.KSteps, 1), assembler.StepsPerEpoch); step++)
        {
            var b = assembler.Assemble(order, step, plan.Training.Seed, 0);
            batches.Add(new Batch(b.Inputs.Clone(), b.Targets.Clone(), (int[]?)b.Labels?.Clone()));
        }
        return batches;
    }

    private sealed class SilentObserver : IComparisonObserver;
}
