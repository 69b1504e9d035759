#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 5: images compressed to two numbers, by PCA and by an autoencoder, with a score for how well each keeps the classes apart.
//   dotnet run examples/autoencoder-2d.cs [-- --backend managed|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var sets = new List<(Dataset Data, int[] Hidden, int Epochs)>();
    if (Digits.IsAvailable) sets.Add((Digits.Load(), [32], lab.Scale(150, 15)));
    else Console.WriteLine($"The digits set is not installed (apt-get install python3-sklearn, or set {Digits.EnvironmentVariable}): skipped.");
    if (FashionMnist.IsAvailable) sets.Add((FashionMnist.Load(limit: lab.Scale(10000, 1500)), [128], lab.Scale(40, 4)));
    else Console.WriteLine($"Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist, or set {FashionMnist.EnvironmentVariable}): skipped.");
    if (sets.Count == 0) throw new LabUnavailableException("No image data set is installed: this lab needs digits or Fashion-MNIST.");

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
        Trainer.Fit(model, Dataset.Unlabeled(data.Name, data.Features, data.Image), new TrainingOptions { Epochs = epochs, BatchSize = 64, Seed = 1 });
        var codes = model.Encode(data.Features);

        // Both scores cost O(n²·d): a fixed sample (the first 2000 digits, or 1000 of the larger images) keeps them to seconds.
        var scored = Enumerable.Range(0, Math.Min(data.Count, data.FeatureCount > 100 ? 1000 : 2000)).ToArray();
        var labels = data.Labels!;
        var scoredLabels = scored.Select(i => labels[i]).ToArray();
        var original = data.Features.SelectRows(scored);
        foreach (var (method, points, mse) in new[]
        {
            ("PCA", pcaCodes, Metrics.MeanSquaredError(pca.InverseTransform(pcaCodes), data.Features)),
            ("autoencoder", codes, Metrics.MeanSquaredError(model.Reconstruct(data.Features), data.Features)),
        })
        {
            var sample = points.SelectRows(scored);
            summary.Add(name, method, EmbeddingScores.KnnAccuracy(sample, scoredLabels).ToString("P1"),
                EmbeddingScores.Trustworthiness(original, sample).ToString("F3"), mse.ToString("F4"));
        }

        lab.SaveSideBySide(name, 520, 480,
            ClassScatterChart.Create($"{name}: PCA, 2 components", pcaCodes, labels, data.ClassCount, data.ClassNames, "PC 1", "PC 2", markerSize: 3),
            ClassScatterChart.Create($"{name}: autoencoder's 2-D code", codes, labels, data.ClassCount, data.ClassNames, "code 1", "code 2", markerSize: 3));
    }
    Lab.Heading("How well each 2-D picture keeps the classes apart (1 = every neighbourhood pure)");
    summary.Print();
});
