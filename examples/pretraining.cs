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
    // Three sigmoid hidden layers trained with the lecture's SGD: the setting where a start from random weights learns
    // slowly (small gradients reach the first layers) and pre-training was first shown to help. An adaptive optimizer
    // such as Adam narrows the gap.
    var spec = new Mlp(64, new Dense(48, Activation.Sigmoid), new Dense(32, Activation.Sigmoid), new Dense(16, Activation.Sigmoid),
        new Dense(10, Activation.Softmax))
    {
        Optimizer = new Sgd(0.1, Momentum: 0.9),
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

    // Which few images get labels matters as much as pre-training does, so each count is drawn several times at random
    // (the same draws for both nets) and the table gives the mean and the spread.
    int epochs = lab.Scale(100, 10);
    int draws = lab.Scale(5, 1);
    int[] labelCounts = lab.Quick ? [50] : [20, 50, 100, 200, train.Count];
    Lab.Heading($"Fine-tuning on few labels ({epochs} epochs, batch 10), {draws} random draws of the labelled images per count; " +
        $"test accuracy on {test.Count} unseen digits, mean ± standard deviation");
    var table = new TextTable("labelled images", "from random weights", "pre-trained", "difference", "pre-training better in");
    (History Random, History Pretrained)? curves = null;
    foreach (int count in labelCounts)
    {
        var fromRandom = new List<double>();
        var fromPretrained = new List<double>();
        for (int draw = 0; draw < (count >= train.Count ? 1 : draws); draw++)
        {
            var labelled = RandomPerClass(train, count, seed: (ulong)draw);
            var fromRandomRun = FineTune(backend, spec, random, labelled, test, epochs, (ulong)draw);
            var fromPretrainedRun = FineTune(backend, spec, pretrained.Weights, labelled, test, epochs, (ulong)draw);
            fromRandom.Add(fromRandomRun.Last!.ValidationAccuracy!.Value);
            fromPretrained.Add(fromPretrainedRun.Last!.ValidationAccuracy!.Value);
            if (count == 50 && draw == 0) curves = (fromRandomRun, fromPretrainedRun);
        }
        var differences = fromPretrained.Zip(fromRandom, (b, a) => b - a).ToList();
        table.Add(count >= train.Count ? count : count / train.ClassCount * train.ClassCount, MeanAndSpread(fromRandom), MeanAndSpread(fromPretrained),
            $"{differences.Average() * 100:+0.0;-0.0} points", $"{differences.Count(d => d > 0)} of {differences.Count}");
    }
    table.Print();

    var (r, p) = curves!.Value;
    lab.Save(LineChart.Create("50 labelled digits (first draw): test accuracy while fine-tuning", "epoch", "test accuracy",
        [("from random weights", r.Epochs.Select(e => e.ValidationAccuracy!.Value).ToList()),
         ("pre-trained", p.Epochs.Select(e => e.ValidationAccuracy!.Value).ToList())]), "accuracy");
});

static History FineTune(IBackend backend, Mlp spec, WeightSet start, Dataset labelled, Dataset test, int epochs, ulong seed)
{
    using var model = backend.Build(spec, start);
    return Trainer.Fit(model, labelled, new TrainingOptions { Epochs = epochs, BatchSize = 10, Seed = seed, Validation = test });
}

// count/10 images of every class, drawn at random (all of them when count is the whole set): a balanced small labelled set.
static Dataset RandomPerClass(Dataset data, int count, ulong seed)
{
    if (count >= data.Count) return data;
    int perClass = count / data.ClassCount;
    var rng = new Rng(seed);
    var order = Enumerable.Range(0, data.Count).ToArray();
    for (int i = order.Length - 1; i > 0; i--)
    {
        int j = (int)(rng.NextULong() % (ulong)(i + 1));
        (order[i], order[j]) = (order[j], order[i]);
    }
    var taken = new int[data.ClassCount];
    var indices = order.Where(n => taken[data.Labels![n]]++ < perClass).Order().ToArray();
    return data.Subset(indices, $"{indices.Length} labelled digits");
}

static string MeanAndSpread(IReadOnlyList<double> accuracies)
{
    double mean = accuracies.Average();
    double spread = accuracies.Count < 2 ? 0 : Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1));
    return accuracies.Count < 2 ? $"{mean:P1}" : $"{mean:P1} ± {spread * 100:F1}";
}
