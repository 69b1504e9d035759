using System.IO.Pipes;
using Bridge.Backends;
using static Bridge.Isolation.WorkerProtocol;

namespace Bridge.Isolation;

/// <summary>
/// The worker's side: makes the backend from its recipe, then answers requests until the caller says stop or goes
/// away. Each request is served in full before the next is read; every exception becomes a reply, so only a crash of
/// the process itself (which is what the worker is for) ends the conversation early.
/// </summary>
internal static class WorkerHost
{
    public static int Run(string pipeName, BackendRecipe recipe)
    {
        using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut);
        pipe.Connect(TimeSpan.FromSeconds(30));

        IBackend backend;
        try
        {
            backend = Make(recipe);
            Reply(pipe, w => w.Write(Environment.ProcessId));
        }
        catch (Exception e)
        {
            Reply(pipe, w => WriteError(w, e), ok: false);
            return 3;
        }

        var models = new Dictionary<int, IModel>();
        var queued = new Dictionary<int, IQueuedTraining>();
        int nextId = 1;
        while (ReadMessage(pipe) is { } request)
        {
            using var reader = new BinaryReader(new MemoryStream(request));
            var op = (Op)reader.ReadByte();
            if (op == Op.Shutdown) break;
            try
            {
                var reply = new MemoryStream();
                using (var w = new BinaryWriter(reply))
                {
                    w.Write(ReplyOk);
                    Serve(op, reader, w, backend, models, queued, ref nextId);
                }
                WriteMessage(pipe, reply.ToArray());
            }
            catch (Exception e)
            {
                Reply(pipe, w => WriteError(w, e), ok: false);
            }
        }
        foreach (var training in queued.Values) training.Dispose();
        foreach (var model in models.Values) model.Dispose();
        return 0;
    }

    /// <summary>The backend a recipe names: its type, made by the public constructor that takes one string.</summary>
    public static IBackend Make(BackendRecipe recipe)
    {
        var type = Type.GetType(recipe.TypeName, throwOnError: false)
            ?? throw new ArgumentException($"The worker process cannot find the backend type '{recipe.TypeName}': its assembly must be among the calling application's dependencies.");
        if (!typeof(IBackend).IsAssignableFrom(type))
            throw new ArgumentException($"'{type.FullName}' is not an IBackend.");
        var constructor = type.GetConstructor([typeof(string)])
            ?? throw new ArgumentException($"'{type.FullName}' has no public constructor taking one string, which a worker process needs to make it.");
        try
        {
            return (IBackend)constructor.Invoke([recipe.Argument]);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static void Serve(Op op, BinaryReader r, BinaryWriter w, IBackend backend, Dictionary<int, IModel> models,
        Dictionary<int, IQueuedTraining> queued, ref int nextId)
    {
        switch (op)
        {
            case Op.Availability:
                var availability = backend.Availability;
                w.Write(availability.IsAvailable);
                w.Write(availability.Detail);
                return;
            case Op.CannotBuild:
                w.WriteNullableString(backend.CannotBuild(r.ReadSpec()));
                return;
            case Op.Build:
                var spec = r.ReadSpec();
                var model = backend.Build(spec, r.ReadWeights());
                int id = nextId++;
                models[id] = model;
                w.Write(id);
                w.Write(model.Device);
                w.Write(model is IQueuedTrainingModel);
                return;
        }

        int modelId = r.ReadInt32();
        if (!models.TryGetValue(modelId, out var m))
            throw new InvalidOperationException($"The worker has no model {modelId} (it was disposed).");
        switch (op)
        {
            case Op.ForwardRange:
                var inputs = r.ReadMatrix();
                int first = r.ReadInt32(), end = r.ReadInt32();
                w.WriteMatrix(m.ForwardRange(inputs, first, end));
                break;
            case Op.Loss:
                w.Write(m.Loss(r.ReadBatch()));
                break;
            case Op.Gradients:
                w.WriteWeights(m.Gradients(r.ReadBatch()));
                break;
            case Op.TrainStep:
                w.WriteStepResult(m.TrainStep(r.ReadBatch()));
                break;
            case Op.GetWeights:
                w.WriteWeights(m.GetWeights());
                break;
            case Op.SetWeights:
                m.SetWeights(r.ReadWeights());
                break;
            case Op.GetOptimizerState:
                w.WriteOptimizerState(m.GetOptimizerState());
                break;
            case Op.SetOptimizerState:
                m.SetOptimizerState(r.ReadOptimizerState());
                break;
            case Op.BeginQueuedTraining:
                if (m is not IQueuedTrainingModel resident)
                    throw new NotSupportedException($"The {m.Backend} model does not queue training steps.");
                if (queued.ContainsKey(modelId)) throw new InvalidOperationException("This model is already training on a resident data set; end that first.");
                var data = r.ReadResidentData();
                queued[modelId] = resident.BeginQueuedTraining(data.Inputs, data.Targets, data.Labels);
                break;
            case Op.QueuedEpoch:
                QueuedOn(modelId).BeginEpoch(r.ReadInt32s());
                break;
            case Op.QueuedSteps:
                // The steps the caller queued since its last flush, run and settled here in one request.
                var training = QueuedOn(modelId);
                int steps = r.ReadInt32();
                for (int s = 0; s < steps; s++) training.QueueStep(r.ReadInt32(), r.ReadInt32());
                var results = training.Settle();
                w.Write(results.Count);
                foreach (var result in results) w.WriteStepResult(result);
                break;
            case Op.EndQueuedTraining:
                if (queued.Remove(modelId, out var ended)) ended.Dispose();
                break;
            case Op.DisposeModel:
                if (queued.Remove(modelId, out var open)) open.Dispose();
                models.Remove(modelId);
                m.Dispose();
                break;
            default:
                throw new InvalidDataException($"Unknown request {op}.");
        }

        IQueuedTraining QueuedOn(int id) => queued.TryGetValue(id, out var training) ? training
            : throw new InvalidOperationException($"Model {id} has no queued training open in the worker.");
    }

    private static void Reply(Stream pipe, Action<BinaryWriter> write, bool ok = true)
    {
        var reply = new MemoryStream();
        using (var w = new BinaryWriter(reply))
        {
            if (ok) w.Write(ReplyOk);
            write(w);
        }
        WriteMessage(pipe, reply.ToArray());
    }
}
