#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 5: images compressed to two numbers, by PCA and by an autoencoder, with a score for how well each keeps the classes apart.
//   dotnet run examples/autoencoder-2d.cs [-- --backend managed|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var sets = new List<(Dataset Data, int[] Hidden, int Epochs)> { (Digits.Load(), [32], lab.Scale(150, 15)) };
    if (FashionMnist.IsAvailable) sets.Add((FashionMnist.Load(limit: lab.Scale(10000, 1500)), [128], lab.Scale(40, 4)));
    else Console.WriteLine($"Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist, or set {FashionMnist.EnvironmentVariable}): skipped.");

    if (lab.Quick)
        Console.WriteLine("A quick run: a tenth of the epochs (and 1500 clothes instead of 10000). That is too short for the autoencoder " +
                          "to learn its code, so PCA may come out ahead here: these are not the lesson's numbers (run without --quick for those).");
    var verdicts = new List<string>();
    var summary = new TextTable("data set", "method", "5-NN accuracy in 2-D", "trustworthiness (k = 5)", "reconstruction MSE");
    foreach (var (data, hidden, epochs) in sets)
    {
        string name = data.Name.Split(' ')[0].Replace("-train", "");
        var spec = Autoencoder.Symmetric(data.FeatureCount, hidden, codeSize: 2) with
        {
            Loss = Loss.MeanSquaredError,
            Optimizer = new Adam(0.002),
            Precision = Precision.Float32,
        };
        var backend = lab.Backend(spec);
        Lab.Heading($"{data.Name}: {data.Count} images of {data.FeatureCount} pixels → 2 numbers");

        var pca = Pca.Fit(data, components: 2);
        var pcaCodes = pca.Transform(data.Features);
        Console.WriteLine($"PCA: the first two components explain {pca.ExplainedVarianceRatio[0] + pca.ExplainedVarianceRatio[1]:P1} of the variance.");

        Console.WriteLine($"Autoencoder {spec.Describe()} on {backend.Name}, {epochs} epochs…");
        using var model = backend.Build(spec, seed: 1);
        // Nothing here reads the per-epoch figures: no pass over the whole set after each epoch.
        Trainer.Fit(model, Dataset.Unlabeled(data.Name, data.FeatureRows, data.Image),
            new TrainingOptions { Epochs = epochs, BatchSize = 64, Seed = 1, EvaluateEachEpoch = false });
        var codes = model.Encode(data.Features);

        // Both scores cost O(n²·d): a fixed sample (the first 2000 digits, or 1000 of the larger images) keeps them to seconds.
        var scored = Enumerable.Range(0, Math.Min(data.Count, data.FeatureCount > 100 ? 1000 : 2000)).ToArray();
        var labels = data.Labels!;
        var scoredLabels = scored.Select(i => labels[i]).ToArray();
        var original = data.Features.SelectRows(scored);
        var knn = new Dictionary<string, double>();
        foreach (var (method, points, mse) in new[]
        {
            ("PCA", pcaCodes, Metrics.MeanSquaredError(pca.InverseTransform(pcaCodes), data.Features)),
            ("autoencoder", codes, Metrics.MeanSquaredError(model.Reconstruct(data.Features), data.Features)),
        })
        {
            var sample = points.SelectRows(scored);
            knn[method] = EmbeddingScores.KnnAccuracy(sample, scoredLabels);
            summary.Add(name, method, knn[method].ToString("P1"),
                EmbeddingScores.Trustworthiness(original, sample).ToString("F3"), mse.ToString("F4"));
        }
        verdicts.Add(Verdict(name, knn["autoencoder"], knn["PCA"], Correlation(codes)));

        lab.SaveSideBySide(name, 520, 480,
            ClassScatterChart.Create($"{name}: PCA, 2 components", pcaCodes, labels, data.ClassCount, data.ClassNames, "PC 1", "PC 2", markerSize: 3),
            ClassScatterChart.Create($"{name}: autoencoder's 2-D code", codes, labels, data.ClassCount, data.ClassNames, "code 1", "code 2", markerSize: 3));
    }
    Lab.Heading("How well each 2-D picture keeps the classes apart (1 = every neighbourhood pure)");
    summary.Print();
    Console.WriteLine();
    foreach (var verdict in verdicts) Console.WriteLine(verdict);
    if (lab.Quick && verdicts.Any(v => !v.Contains("as the lesson says", StringComparison.Ordinal)))
        Console.WriteLine("These numbers are not the lesson's: a quick run trains the autoencoder too briefly. " +
                          "Without --quick it keeps the classes apart clearly better than PCA (examples/README.md has the full run's figures).");
});

// What the scores say, in words: whether the autoencoder's code beats PCA's, and whether it has collapsed onto a line.
static string Verdict(string name, double autoencoder, double pca, double correlation)
{
    string collapsed = Math.Abs(correlation) > 0.95
        ? $" Its two numbers are nearly proportional (correlation {correlation:F2}): the code has collapsed onto a line, it has not learnt yet."
        : "";
    return autoencoder > pca
        ? $"{name}: the autoencoder's code keeps the classes apart better than PCA's ({autoencoder:P1} against {pca:P1}), as the lesson says.{collapsed}"
        : $"{name}: PCA's two components keep the classes apart better here ({pca:P1} against the autoencoder's {autoencoder:P1}): " +
          $"the opposite of the lesson.{collapsed}";
}

// Pearson's correlation of the two columns of a code.
static double Correlation(Matrix code)
{
    double mx = 0, my = 0;
    for (int n = 0; n < code.Rows; n++) { mx += code[n, 0]; my += code[n, 1]; }
    mx /= code.Rows; my /= code.Rows;
    double sxy = 0, sxx = 0, syy = 0;
    for (int n = 0; n < code.Rows; n++)
    {
        double dx = code[n, 0] - mx, dy = code[n, 1] - my;
        sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
    }
    return sxx == 0 || syy == 0 ? 1 : sxy / Math.Sqrt(sxx * syy);
}
