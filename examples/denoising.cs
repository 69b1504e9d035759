#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 6: a denoising autoencoder sees noisy digits and is asked for the clean ones.
//   dotnet run examples/denoising.cs [-- --backend managed|managed-teaching|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var (train, test) = Lab.DigitsSplit();
    const double trainingNoise = 0.3;
    var plain = new Autoencoder(64, [new Dense(32, Activation.Sigmoid)], [new Dense(64, Activation.Sigmoid)])
    {
        Loss = Loss.MeanSquaredError,
        Optimizer = new Adam(0.005),
    };
    // Same net, same start; only what it sees in training differs: x̃ = x + ε, ε ~ N(0, 0.3²), target the clean x.
    var denoising = plain with { Corruption = Corruption.Gaussian(trainingNoise) };
    var backend = lab.Backend(denoising);
    int epochs = lab.Scale(100, 10);
    Console.WriteLine($"{denoising.Describe()}, corruption {denoising.Corruption.Describe()}, on {backend.Name}: {epochs} epochs on {train.Count} digits.");

    var unlabeled = Dataset.Unlabeled("digits", train.Features, train.Image);
    var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 1 };
    using var plainModel = backend.Build(plain, seed: 1);
    Trainer.Fit(plainModel, unlabeled, options);
    using var denoisingModel = backend.Build(denoising, seed: 1);
    Trainer.Fit(denoisingModel, unlabeled, options);

    // Test digits the nets never saw, corrupted at each level with the same noise for both nets.
    Lab.Heading("Error against the clean test digits (mean squared, per pixel) at each noise level");
    double[] levels = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    var table = new TextTable("noise σ", "the noisy input itself", "plain autoencoder", "denoising autoencoder");
    var noisyErrors = new List<double>();
    var plainErrors = new List<double>();
    var denoisingErrors = new List<double>();
    foreach (double sigma in levels)
    {
        var noisy = Noisy(test.Features, sigma, seed: 7);
        noisyErrors.Add(Metrics.MeanSquaredError(noisy, test.Features));
        plainErrors.Add(Metrics.MeanSquaredError(plainModel.Reconstruct(noisy), test.Features));
        denoisingErrors.Add(Metrics.MeanSquaredError(denoisingModel.Reconstruct(noisy), test.Features));
        table.Add(sigma.ToString("F1"), noisyErrors[^1].ToString("F4"), plainErrors[^1].ToString("F4"), denoisingErrors[^1].ToString("F4"));
    }
    table.Print();
    int at = Array.IndexOf(levels, trainingNoise);
    Console.WriteLine($"At σ = {trainingNoise}: the denoising net's error is {denoisingErrors[at] / noisyErrors[at]:P0} of the noise's, " +
        $"the plain net's {plainErrors[at] / noisyErrors[at]:P0}.");

    lab.Save(LineChart.Create("Reconstruction error against noise level", "noise σ", "MSE against the clean digit",
        [("noisy input", noisyErrors), ("plain autoencoder", plainErrors), ("denoising autoencoder", denoisingErrors)], xs: levels), "error");

    var shown = Enumerable.Range(0, 10).ToArray();
    var corrupted = Noisy(test.Features, trainingNoise, seed: 7);
    var rows = new (string Caption, Matrix Images)[]
    {
        ("clean", test.Features), ($"σ = {trainingNoise}", corrupted), ("plain", plainModel.Reconstruct(corrupted)), ("denoised", denoisingModel.Reconstruct(corrupted)),
    };
    var images = rows.SelectMany(r => shown.Select(n => r.Images.Row(n).ToArray().Select(v => Math.Clamp(v, 0, 1)).ToArray())).ToList();
    var captions = rows.SelectMany(r => shown.Select(n => n == 0 ? r.Caption : "")).ToList();
    lab.Save(ImageGridChart.Create("Rows: clean, corrupted, plain autoencoder, denoising autoencoder", images, test.Image!.Value,
        columns: shown.Length, captions: captions), "grid", 760, 360);
});

static Matrix Noisy(Matrix clean, double sigma, ulong seed)
{
    var noisy = clean.Clone();
    Corruption.Gaussian(sigma).Apply(noisy.Data, new Rng(seed));
    return noisy;
}
