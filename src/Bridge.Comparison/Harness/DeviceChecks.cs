using Bridge.Torch;
using static TorchSharp.torch;

namespace Bridge.Comparison;

/// <summary>
/// What training on a device must keep that a comparison of backends does not show: the torch backend on
/// <c>device</c> held against the torch backend on the CPU (the reference, on which the same properties are tested in
/// process) and against the device's own float64 arithmetic.
/// <list type="bullet">
/// <item><b>No read per step</b>: the host↔device copies of a queued fit (<see cref="DeviceTransfers"/>) do not grow
/// with the number of steps: a fit in batches of 8 makes as many as one in batches of 128, 16 times fewer steps.</item>
/// <item><b>A non-finite step caught and rolled back</b>: a run that overflows reports the same epoch, step and layer as
/// on the CPU and leaves finite weights.</item>
/// <item><b>Checkpoints cross devices bit for bit</b> (float64, every optimizer): one written on the device and restored
/// on the CPU holds the same weights, bit for bit, and saves to the same bytes as when restored on the device itself,
/// and so the other way round; a run continued from it on either device agrees within the k-step tolerance. (Whether a
/// restore keeps the optimizer state's last bits does not depend on the device: momentum's canonical velocity is −L
/// times torch's buffer, and dividing by −L again rounds.)</item>
/// <item><b>float32 products</b>: the error of a float32 matrix product against the float64 product of the same
/// numbers, which tells IEEE float32 from TF32 (their errors: src/Bridge.Torch/README.md, "TF32"), against what
/// libtorch's switch says.</item>
/// </list>
/// </summary>
public sealed class DeviceChecks(string device, string workDirectory, Action<string>? log = null)
{
    public sealed record Result(string Name, bool Passed, string Detail);

    private const string TransfersName = "no read per step";
    private const string DivergenceName = "non-finite step rolled back";
    private const string CheckpointsName = "checkpoints cross devices bit for bit (float64)";
    private const string Float32ProductsName = "float32 products";

    public IReadOnlyList<Result> Run()
    {
        var onDevice = new TorchBackend(device);
        if (!onDevice.Availability.IsAvailable) throw new BackendUnavailableException("torch", onDevice.Availability.Detail);
        var onCpu = new TorchBackend("cpu");
        Directory.CreateDirectory(workDirectory);
        var results = new List<Result>();
        (string Name, Func<TorchBackend, TorchBackend, Result> Run)[] checks =
        [
            (TransfersName, Transfers), (DivergenceName, Divergence), (CheckpointsName, Checkpoints), (Float32ProductsName, Float32Products),
        ];
        foreach (var check in checks)
        {
            Result result;
            try
            {
                result = check.Run(onDevice, onCpu);
            }
            catch (Exception e)
            {
                result = new Result(check.Name, false, $"{e.GetType().Name}: {e.Message}");
            }
            log?.Invoke($"{(result.Passed ? "passed" : "FAILED")} {result.Name}: {result.Detail}");
            results.Add(result);
        }
        return results;
    }

    private static Result Transfers(TorchBackend onDevice, TorchBackend onCpu)
    {
        var spec = new Mlp(16, new Dense(32, Activation.Tanh), new Dense(4, Activation.Softmax)) { Optimizer = new Sgd(0.05, 0.9), Precision = Precision.Float64 };
        var data = Random(spec, 1024);
        const int epochs = 3;
        (long Reads, long Writes, int Steps) Fit(int batchSize)
        {
            using var model = onDevice.Build(spec, 1);
            long reads = DeviceTransfers.Reads, writes = DeviceTransfers.Writes;
            var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = epochs, BatchSize = batchSize, EvaluateEachEpoch = false });
            return (DeviceTransfers.Reads - reads, DeviceTransfers.Writes - writes, history.StepsTaken);
        }
        var small = Fit(8);
        var large = Fit(128);
        bool passed = small.Reads == large.Reads && small.Writes == large.Writes && small.Reads <= epochs + 1;
        return new Result(TransfersName, passed,
            $"{small.Steps} steps: {small.Reads} reads, {small.Writes} writes; {large.Steps} steps: {large.Reads} reads, {large.Writes} writes ({epochs} epochs)");
    }

    private static Result Divergence(TorchBackend onDevice, TorchBackend onCpu)
    {
        // Steep targets and a large rate: the weights overflow some steps into an epoch past the first.
        var spec = new Mlp(2, new Dense(8, Activation.Relu), new Dense(1, Activation.Linear)) { Optimizer = new Sgd(0.004, 0.9), Loss = Loss.MeanSquaredError };
        var rng = new Rng(3);
        var x = new Matrix(256, 2);
        var y = new Matrix(256, 1);
        for (int i = 0; i < 256; i++)
        {
            x[i, 0] = rng.Uniform(-10, 10);
            x[i, 1] = rng.Uniform(-10, 10);
            y[i, 0] = 1e4 * x[i, 0] * x[i, 1];
        }
        var data = Dataset.Regression("steep", x, y);
        var options = new TrainingOptions { Epochs = 50, BatchSize = 8, EvaluateEachEpoch = false };
        TrainingDivergedException Diverge(TorchBackend backend, out bool finiteAfter)
        {
            using var model = backend.Build(spec, 1);
            try
            {
                Trainer.Fit(model, data, options);
            }
            catch (TrainingDivergedException e)
            {
                finiteAfter = model.GetWeights().FirstNonFiniteLayer() is null;
                return e;
            }
            throw new InvalidOperationException($"the steep run did not diverge on {model.Device}, so nothing was checked");
        }
        var expected = Diverge(onCpu, out _);
        var actual = Diverge(onDevice, out bool finite);
        bool passed = (expected.Epoch, expected.Step, expected.Layer) == (actual.Epoch, actual.Step, actual.Layer)
                      && expected.History.StepsTaken == actual.History.StepsTaken && finite && (expected.Epoch > 0 || expected.Step > 0);
        return new Result(DivergenceName, passed,
            $"cpu: epoch {expected.Epoch}, step {expected.Step}, layer {expected.Layer ?? "-"}; {onDevice.DeviceName}: epoch {actual.Epoch}, step {actual.Step}, layer {actual.Layer ?? "-"}; " +
            $"weights left finite: {(finite ? "yes" : "no")}; the report: {actual.Message}");
    }

    private Result Checkpoints(TorchBackend onDevice, TorchBackend onCpu)
    {
        var details = new List<string>();
        bool passed = true;
        foreach (var optimizer in new Optimizer[] { new Sgd(0.1, 0), new Sgd(0.1, 0.9), new Adam(0.01) })
        {
            var spec = new Mlp(16, new Dense(32, Activation.Tanh), new Dense(4, Activation.Softmax)) { Optimizer = optimizer, Precision = Precision.Float64 };
            var data = Random(spec, 512);
            var options = new TrainingOptions { Epochs = 2, BatchSize = 32, EvaluateEachEpoch = false };
            string name = optimizer.Describe().Split('(')[0] + (optimizer is Sgd { Momentum: > 0 } ? "-momentum" : "");
            bool crossingAddsNothing = true, weightsExact = true, stateExact = true;
            foreach (var (from, to) in new[] { (onDevice, onCpu), (onCpu, onDevice) })
            {
                string written = File(name, "written-on", from), crossed = File(name, "crossed-to", to), stayed = File(name, "stayed-on", from);
                using (var model = from.Build(spec, 1)) Trainer.Fit(model, data, options with { CheckpointPath = written });
                var checkpoint = Checkpoint.Load(written);
                foreach (var (backend, path) in new[] { (to, crossed), (from, stayed) })
                {
                    using var model = backend.Build(spec, 2);
                    checkpoint.Restore(model);
                    Checkpoint.Save(path, model, checkpoint.Position);
                }
                // Restoring on the other device must give the bytes that restoring on the same one gives.
                crossingAddsNothing &= System.IO.File.ReadAllBytes(crossed).AsSpan().SequenceEqual(System.IO.File.ReadAllBytes(stayed));
                weightsExact &= Agreement.RelativeError(checkpoint.Weights, Checkpoint.Load(crossed).Weights) == 0;
                stateExact &= System.IO.File.ReadAllBytes(written).AsSpan().SequenceEqual(System.IO.File.ReadAllBytes(crossed));
            }
            // The device's checkpoint continued one epoch on each device.
            var continued = options with { Epochs = 3 };
            using var onCard = onDevice.Build(spec, 4);
            using var onHost = onCpu.Build(spec, 5);
            Trainer.Resume(onCard, data, continued, File(name, "written-on", onDevice));
            Trainer.Resume(onHost, data, continued, File(name, "written-on", onDevice));
            double error = Agreement.RelativeError(onCard.GetWeights(), onHost.GetWeights());
            passed &= crossingAddsNothing && weightsExact && error <= Tolerances.Float64.KSteps;
            details.Add($"{optimizer.Describe()}: " +
                        (stateExact ? "the same file after crossing, both ways" :
                         crossingAddsNothing && weightsExact ? "weights bit for bit both ways; the optimizer state changes in its last bits on restoring, on either device alike" :
                         "CROSSING DEVICES CHANGES THE CHECKPOINT") +
                        $"; continued one epoch on both devices: {TerminalReport.Format(error)}");
        }
        return new Result(CheckpointsName, passed, string.Join("; ", details));

        string File(string name, string what, TorchBackend backend) =>
            Path.Combine(workDirectory, $"{name}-{what}-{backend.DeviceName.Replace(':', '-')}.safetensors");
    }

    private static Result Float32Products(TorchBackend onDevice, TorchBackend onCpu)
    {
        var target = TorchDevice.Resolve(onDevice.DeviceName);
        bool tf32 = target.type == TorchSharp.DeviceType.CUDA && TorchDevice.Tf32ForFloat32Products;
        const int n = 1024;
        var rng = new Rng(11);
        var values = new double[2 * n * n];
        for (int i = 0; i < values.Length; i++) values[i] = rng.Uniform(-1, 1);
        double[] exact, single;
        using (NewDisposeScope())
        {
            var a = tensor(values.AsSpan(0, n * n).ToArray(), [n, n], ScalarType.Float64, target);
            var b = tensor(values.AsSpan(n * n).ToArray(), [n, n], ScalarType.Float64, target);
            exact = a.mm(b).cpu().data<double>().ToArray();
            single = a.to_type(ScalarType.Float32).mm(b.to_type(ScalarType.Float32)).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        }
        // 1e-5 lies between IEEE float32's error and TF32's, two orders of magnitude apart (src/Bridge.Torch/README.md, "TF32").
        double error = Agreement.RelativeError(single, exact);
        bool passed = tf32 ? error > 1e-5 : error < 1e-5;
        return new Result(Float32ProductsName, passed,
            $"relative error of a 1024×1024 float32 product against float64: {TerminalReport.Format(error)}; libtorch's TF32 switch: {(tf32 ? "on" : "off")}" +
            (passed ? "" : " (the error does not match the switch)"));
    }

    private static Dataset Random(ModelSpec spec, int count)
    {
        var rng = new Rng(9);
        var x = new Matrix(count, spec.Inputs);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.Uniform(-1, 1);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = rng.NextInt(spec.Outputs);
        return Dataset.Classification("random", x, labels, spec.Outputs);
    }
}
