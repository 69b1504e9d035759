namespace Bridge.Comparison;

/// <summary>Hears what a comparison is doing, for progress displays. Every method has a do-nothing default.</summary>
public interface IComparisonObserver
{
    void Phase(string backend, string phase) { }

    void Training(string backend, TrainingProgress progress) { }

    void Finished(string backend, BackendResult? result, Exception? error) { }
}
