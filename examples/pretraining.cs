#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 7: unsupervised pre-training (greedy, layer by layer, with autoencoders) helps a supervised net that has few labels.
//   dotnet run examples/pretraining.cs [-- --backend managed|managed-teaching|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var (train, test) = Lab.DigitsSplit();
    var spec = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(16, Activation.Sigmoid), new Dense(10, Activation.Softmax))
    {
        Optimizer = new Adam(0.01),
    };
    var backend = lab.Backend(spec);
    const ulong seed = 1;

    // Pre-training sees every training image but none of the labels.
    var options = new PretrainingOptions { Epochs = lab.Scale(30, 5), Seed = seed };
    Console.WriteLine($"{spec.Describe()} on {backend.Name}.");
    Console.WriteLine($"Pre-training each hidden layer as an autoencoder on {train.Count} unlabelled images, {options.Epochs} epochs each…");
    var pretrained = GreedyPretraining.Pretrain(backend, spec, train, options);
    var layers = new TextTable("layer", "autoencoder", "reconstruction MSE before", "after");
    foreach (var layer in pretrained.Layers)
        layers.Add(WeightSet.LayerName(layer.Index), $"{layer.Inputs}-{layer.Units}-{layer.Inputs}", layer.ErrorBefore.ToString("F4"), layer.ErrorAfter.ToString("F4"));
    layers.Print();
    var random = spec.Init.Draw(spec, seed);   // where pre-training started: the fair baseline

    int epochs = lab.Scale(100, 10);
    int[] labelCounts = lab.Quick ? [50] : [20, 50, 100, 200, train.Count];
    Lab.Heading($"Fine-tuning on few labels ({epochs} epochs, batch 10); test accuracy on {test.Count} unseen digits");
    var table = new TextTable("labelled images", "from random weights", "pre-trained", "difference");
    (History Random, History Pretrained)? curves = null;
    foreach (int count in labelCounts)
    {
        var labelled = FirstOfEachClass(train, count);
        var fromRandom = FineTune(backend, spec, random, labelled, test, epochs);
        var fromPretrained = FineTune(backend, spec, pretrained.Weights, labelled, test, epochs);
        double a = fromRandom.Last!.ValidationAccuracy!.Value, b = fromPretrained.Last!.ValidationAccuracy!.Value;
        table.Add(labelled.Count, a.ToString("P1"), b.ToString("P1"), $"{(b - a) * 100:+0.0;-0.0} points");
        if (count == 50) curves = (fromRandom, fromPretrained);
    }
    table.Print();

    var (r, p) = curves!.Value;
    lab.Save(LineChart.Create("50 labelled digits: test accuracy while fine-tuning", "epoch", "test accuracy",
        [("from random weights", r.Epochs.Select(e => e.ValidationAccuracy!.Value).ToList()),
         ("pre-trained", p.Epochs.Select(e => e.ValidationAccuracy!.Value).ToList())]), "accuracy");
});

static History FineTune(IBackend backend, Mlp spec, WeightSet start, Dataset labelled, Dataset test, int epochs)
{
    using var model = backend.Build(spec, start);
    return Trainer.Fit(model, labelled, new TrainingOptions { Epochs = epochs, BatchSize = 10, Seed = 2, Validation = test });
}

// The first count/10 images of every class (all of them when count is the whole set): a balanced small labelled set.
static Dataset FirstOfEachClass(Dataset data, int count)
{
    if (count >= data.Count) return data;
    int perClass = count / data.ClassCount;
    var taken = new int[data.ClassCount];
    var indices = new List<int>();
    for (int n = 0; n < data.Count; n++)
        if (taken[data.Labels![n]]++ < perClass) indices.Add(n);
    return data.Subset(indices.ToArray(), $"{indices.Count} labelled digits");
}
