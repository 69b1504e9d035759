#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 4: an MLP reads handwritten digits (8×8 pixels): confusion matrix, the digits it gets wrong, what its first layer looks for.
//   dotnet run examples/digits.cs [-- --backend managed|managed-teaching|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var (train, test) = Lab.DigitsSplit();
    var spec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(10, Activation.Softmax))
    {
        Optimizer = new Sgd(0.1, Momentum: 0.9),
    };
    var backend = lab.Backend(spec);
    int epochs = lab.Scale(30, 5);
    Console.WriteLine($"{spec.Describe()} on {backend.Name}: {train.Count} training and {test.Count} test images, {epochs} epochs, batch 32.");

    using var model = backend.Build(spec, seed: 1);
    var history = Trainer.Fit(model, train, new TrainingOptions
    {
        Epochs = epochs,
        BatchSize = 32,
        Seed = 1,
        Validation = test,
        OnProgress = p => { if (p.Completed is { } e && (p.Epoch + 1) % 5 == 0) Console.WriteLine($"epoch {p.Epoch + 1,3}: loss {e.Loss:F4}, training accuracy {e.Accuracy:P1}"); },
    });

    var evaluation = model.Evaluate(test);
    Lab.Heading($"Test set: accuracy {evaluation.Accuracy:P2} ({test.Count} images never seen in training)");
    Console.WriteLine("Confusion matrix (rows: the digit it is; columns: what the net said):");
    Console.WriteLine(evaluation.Confusion);

    var predicted = model.PredictClasses(test.Features);
    var wrong = Enumerable.Range(0, test.Count).Where(n => predicted[n] != test.Labels![n]).ToList();
    Console.WriteLine($"{wrong.Count} test digits misread.");

    lab.Save(ConfusionMatrixChart.Create($"Digits, test set ({evaluation.Accuracy:P1} right)", evaluation.Confusion!), "confusion", 560, 520);
    if (wrong.Count > 0)
    {
        var shown = wrong.Take(24).ToList();
        lab.Save(ImageGridChart.Create("Misread: the digit → what the net said", shown.Select(n => test.Features.Row(n).ToArray()).ToList(),
            test.Image!.Value, columns: 8, captions: shown.Select(n => $"{test.Labels![n]}→{predicted[n]}").ToList()), "misread", 720, 420);
    }
    // Column j of the first kernel holds w_ij for every pixel i: the pattern hidden node j responds to.
    var firstLayer = model.GetWeights()[0];
    var patterns = Enumerable.Range(0, firstLayer.Outputs)
        .Select(j => Enumerable.Range(0, firstLayer.Inputs).Select(i => firstLayer[i, j]).ToArray()).ToList();
    lab.Save(ImageGridChart.Create("First layer: w_ij of each hidden node j as an 8×8 image", patterns, test.Image!.Value, columns: 8,
        captions: patterns.Select((_, j) => $"node {j + 1}").ToList(), inkIsHigh: false, scaleEachImage: true), "first-layer", 720, 420);
    lab.Save(LineChart.Create("Accuracy per epoch", "epoch", "accuracy",
        [("training", history.Epochs.Select(e => e.Accuracy ?? 0).ToList()), ("test", history.Epochs.Select(e => e.ValidationAccuracy ?? 0).ToList())]), "accuracy");
});
