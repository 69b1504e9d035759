using System.Diagnostics;
using Bridge.Python;
using Bridge.Torch;

namespace Bridge.Benchmarks;

/// <summary>
/// A long run of the torch backend under garbage-collection stress: what <c>bridge-nn soak</c> runs. Every optimizer
/// (SGD, momentum, Nesterov, Adam) in float32 and float64, on a squared-error and a cross-entropy network, trains in
/// rounds — 24 steps one call at a time, then one epoch of 8 steps queued by the trainer on a resident data set —
/// while another thread allocates and forces collections with finalisers run (young collections, a full one every
/// sixteenth), and with <c>python</c> also makes numpy arrays it leaves to their finalisers. A step that throws or is
/// refused is a failure. Resident memory is read after a warm-up of a tenth of the steps and at the end, and on a CUDA
/// device the card's memory in use too (<see cref="CudaMemory"/>), which a leaked tensor would make grow.
/// </summary>
public sealed class TorchSoak(long steps, bool python, Action<string>? log = null, string device = "cpu")
{
    /// <summary>Growth of resident memory from the warm-up to the end that counts as flat: a leaked tensor per step would pass it in a few thousand steps.</summary>
    public const long FlatBound = 32L << 20;

    public sealed record Result(long Steps, int Failures, IReadOnlyList<string> FirstFailures, long Collections,
        long ResidentAfterWarmup, long ResidentAtEnd, TimeSpan Elapsed)
    {
        public long Growth => ResidentAtEnd - ResidentAfterWarmup;

        /// <summary>The card's memory held after the warm-up and at the end, on a CUDA device (null elsewhere).</summary>
        public (CudaMemory.Reading AfterWarmup, CudaMemory.Reading AtEnd)? Card { get; init; }

        /// <summary>Why the card's memory could not be read, on a CUDA device where it could not.</summary>
        public string? CardUnread { get; init; }

        public long? CardGrowth => Card is { } c ? c.AtEnd.Bytes - c.AfterWarmup.Bytes : null;

        public bool Passed => Failures == 0 && Growth <= FlatBound && CardGrowth is not > FlatBound && CardUnread is null;
    }

    public Result Run()
    {
        Action? pythonGarbage = null;
        if (python)
        {
            var installation = Bridge.Python.Python.Initialize();
            Bridge.Python.Python.Import("numpy").Dispose();
            log?.Invoke($"Python in the process: {installation}");
            pythonGarbage = () =>
            {
                for (int i = 0; i < 8; i++) _ = NumpyArrays.FromDoubles(new double[64], 8, 8);
            };
        }
        var failures = new List<string>();
        int failureCount = 0;
        var runs = new List<(IModel Model, Batch Batch, Dataset Data, string Name)>();
        long collections = 0;
        var stop = false;
        var pressure = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                var garbage = new object[64];
                for (int i = 0; i < garbage.Length; i++) garbage[i] = new byte[256];
                pythonGarbage?.Invoke();
                GC.Collect(collections % 16 == 15 ? GC.MaxGeneration : 0, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true, Name = "GC pressure" };
        try
        {
            foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
            foreach (var optimizer in new Optimizer[] { new Sgd(0.05), new Sgd(0.05, 0.9), new Sgd(0.05, 0.9, true), new Adam(0.01) })
            foreach (bool crossEntropy in new[] { false, true })
            {
                var spec = new Mlp(6, new Dense(8, Activation.Tanh), crossEntropy ? new Dense(3, Activation.Softmax) : new Dense(3, Activation.Sigmoid))
                {
                    Loss = crossEntropy ? Loss.CategoricalCrossEntropy : Loss.HalfSquaredError, Optimizer = optimizer, Precision = precision,
                };
                runs.Add((new TorchBackend(device).Build(spec, 1), RandomBatch(spec, 8, 2), Dataset.Classification("random", RandomBatch(spec, 64, 3).Inputs,
                    RandomBatch(spec, 64, 3).Labels!, spec.Outputs), $"{optimizer.Describe()} {precision} {spec.Loss}"));
            }
            pressure.Start();
            var clock = Stopwatch.StartNew();
            var epoch = new TrainingOptions { Epochs = 1, BatchSize = 8, EvaluateEachEpoch = false };
            long done = 0, resident = 0, nextReport = steps / 10;
            CudaMemory.Reading? card = null;
            string? cardUnread = null;
            bool warm = false, onCard = runs[0].Model.Device.StartsWith("cuda", StringComparison.Ordinal);
            int cardIndex = onCard ? Math.Max(0, TorchDevice.Resolve(device).index) : 0;
            while (done < steps)
            {
                foreach (var (model, batch, data, name) in runs)
                {
                    for (int s = 0; s < 24; s++)
                    {
                        done++;
                        try
                        {
                            if (!model.TrainStep(batch).Applied) Fail($"{name}: a step was refused");
                        }
                        catch (Exception e)
                        {
                            Fail($"{name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                        }
                    }
                    try
                    {
                        done += Trainer.Fit(model, data, epoch).StepsTaken;
                    }
                    catch (Exception e)
                    {
                        done += 8;
                        Fail($"{name}: queued epoch: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                    }
                }
                if (!warm && done >= steps / 10)
                {
                    warm = true;
                    resident = ResidentBytes();
                    if (onCard) card = CudaMemory.Query(cardIndex, out cardUnread);
                }
                if (done >= nextReport)
                {
                    string onTheCard = onCard && CudaMemory.Query(cardIndex, out _) is { } now ? $", card: {now}" : "";
                    log?.Invoke($"{done:N0} steps, {failureCount} failed, {Interlocked.Read(ref collections):N0} collections, resident {ResidentBytes() >> 20} MB{onTheCard}, {clock.Elapsed.TotalSeconds:F0} s");
                    nextReport += steps / 10;
                }
            }
            Volatile.Write(ref stop, true);
            pressure.Join();
            var result = new Result(done, failureCount, failures, Interlocked.Read(ref collections), resident, ResidentBytes(), clock.Elapsed);
            if (!onCard) return result;
            var atEnd = CudaMemory.Query(cardIndex, out string reason);
            if (card is { } afterWarmup && atEnd is { } end && afterWarmup.ThisProcessOnly == end.ThisProcessOnly)
                return result with { Card = (afterWarmup, end) };
            return result with { CardUnread = cardUnread is { Length: > 0 } ? cardUnread : reason is { Length: > 0 } ? reason : "the two readings are of different kinds" };
        }
        finally
        {
            Volatile.Write(ref stop, true);
            if (pressure.IsAlive) pressure.Join();
            foreach (var run in runs) run.Model.Dispose();
        }

        void Fail(string message)
        {
            failureCount++;
            if (failures.Count < 10) failures.Add(message);
        }
    }

    /// <summary>Resident memory after a full collection with finalisers run (so what remains is what is held).</summary>
    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static Batch RandomBatch(ModelSpec spec, int count, ulong seed)
    {
        var rng = new Rng(seed);
        var inputs = new Matrix(count, spec.Inputs);
        for (int i = 0; i < inputs.Data.Length; i++) inputs.Data[i] = rng.Uniform(-1, 1);
        var labels = new int[count];
        for (int n = 0; n < count; n++) labels[n] = rng.NextInt(spec.Outputs);
        var targets = OneHot.Encode(labels, spec.Outputs);
        return new Batch(inputs, targets, labels);
    }
}
