using Spectre.Console;

namespace Bridge.Comparison;

/// <summary>Progress bars while backends train: one per backend, advancing by epoch.</summary>
public sealed class ProgressDisplay : IComparisonObserver
{
    private readonly ProgressContext _context;
    private readonly Dictionary<string, ProgressTask> _tasks = [];

    public ProgressDisplay(ProgressContext context) => _context = context;

    public void Phase(string backend, string phase) => Task(backend).Description = $"{backend}: {phase}";

    public void Training(string backend, TrainingProgress progress)
    {
        var task = Task(backend);
        task.MaxValue = progress.Epochs;
        task.Value = progress.Epoch + (progress.Completed is null ? 0 : 1);
        task.Description = $"{backend}: epoch {progress.Epoch + 1}/{progress.Epochs}, loss {TerminalReport.Format(progress.Loss)}";
    }

    public void Finished(string backend, BackendResult? result, Exception? error)
    {
        var task = Task(backend);
        task.Description = error is null ? $"{backend}: done" : $"{backend}: failed ({Markup.Escape(error.Message)})";
        task.Value = task.MaxValue;
        task.StopTask();
    }

    private ProgressTask Task(string backend)
    {
        if (!_tasks.TryGetValue(backend, out var task))
            _tasks[backend] = task = _context.AddTask(backend, maxValue: 1);
        return task;
    }
}
