using System.Globalization;
using System.Text.Json;
using Bridge.Catalog;

namespace Bridge.Benchmarks;

/// <summary>
/// Bridge's side of the time-to-accuracy race, in a process of its own (<c>bridge-nn bench --contender NAME</c>), as a
/// user would write it with Bridge's API: read Fashion-MNIST, build the network on the backend, fit with the test set as
/// validation data and stop once its accuracy reaches the target. Prints one JSON line as the Python peers do
/// (fashion_data.py): the epochs trained and the accuracy reached, or what is missing (exit code 3).
/// </summary>
public static class BridgeContender
{
    /// <summary>784-100-10-10, relu then softmax, Adam 0.001, float32: the network of the Fashion-MNIST paper's MLPClassifier row.</summary>
    public static Mlp Spec { get; } = new(784, new Dense(100, Activation.Relu), new Dense(10, Activation.Relu), new Dense(10, Activation.Softmax))
    {
        Precision = Precision.Float32,
        Optimizer = new Adam(0.001),
    };

    public const double Target = 0.87;
    public const int BatchSize = 200;
    public const int MaxEpochs = 60;

    public const int Missing = 3;

    public static int Run(string backendName, TextWriter output)
    {
        if (!FashionMnist.IsAvailable) return Report(output, Missing, new { missing = TimeToAccuracyBench.NoFashionMnist });
        var backend = BackendCatalog.Get(backendName);
        if (!backend.Availability.IsAvailable)
            return Report(output, Missing, new { missing = $"Bridge's {backend.Name} backend cannot run here: {backend.Availability.Detail}" });
        var train = FashionMnist.Load(DataSplit.Train);
        var test = FashionMnist.Load(DataSplit.Test);
        using var model = backend.Build(Spec, seed: 0);
        using var reached = new CancellationTokenSource();
        int epochs = 0;
        double accuracy = 0;
        var options = new TrainingOptions
        {
            Epochs = MaxEpochs,
            BatchSize = BatchSize,
            EvaluateEachEpoch = false,
            Validation = test,
            OnProgress = progress =>
            {
                if (progress.Completed is not { } epoch) return;
                epochs = epoch.Epoch + 1;
                accuracy = epoch.ValidationAccuracy!.Value;
                if (accuracy >= Target) reached.Cancel();
            },
        };
        try
        {
            Trainer.Fit(model, train, options, reached.Token);
        }
        catch (TrainingCancelledException)
        {
            // Stopped at the target.
        }
        return Report(output, 0, new { epochs, accuracy, library = $"Bridge {backend.Name} ({model.Device})" });
    }

    private static int Report(TextWriter output, int code, object line)
    {
        output.WriteLine(JsonSerializer.Serialize(line));
        return code;
    }

    internal static string Seconds(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
