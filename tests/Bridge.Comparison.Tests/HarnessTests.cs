using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Managed;
using Bridge.Testing;

namespace Bridge.Comparison.Tests;

public sealed class HarnessTests
{
    private static ComparisonPlan Plan(ModelSpec spec, Dataset data, int epochs = 5) =>
        new(spec, data, new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 3 }) { WeightSeed = 2, KSteps = 5 };

    private static readonly Mlp Spirals = new(2, new Dense(16, Activation.Tanh), new Dense(16, Activation.Tanh), new Dense(3, Activation.Softmax))
    {
        Optimizer = new Sgd(0.1, 0.9),
    };

    [Fact]
    public void Managed_teaching_and_torch_agree_on_every_check()
    {
        var backends = BackendCatalog.Parse("managed,managed-teaching,torch");
        var report = new ComparisonRunner(backends).Run(Plan(Spirals, Datasets.Spirals(samples: 150, seed: 1)));
        Assert.True(report.Passed, string.Join("\n", report.Failures));
        Assert.Contains(report.Checks, c => c is { Name: CheckNames.Gradient, Backend: "torch", Layer: "dense_2" });
        Assert.Contains(report.Checks, c => c is { Name: CheckNames.FiniteDifference, Backend: "managed" });
        Assert.Equal(3, report.Results.Count);
        Assert.All(report.Results, r => Assert.Equal(5, r.History.Count));
    }

    [SkippableFact]
    public void Scikit_learn_joins_where_python_has_it()
    {
        var sklearn = BackendCatalog.Get("sklearn");
        Skip.IfNot(sklearn.Availability.IsAvailable, sklearn.Availability.Detail);
        var spec = new Mlp(64, new Dense(16, Activation.Relu), new Dense(10, Activation.Softmax)) { Optimizer = new Adam(0.01) };
        var (train, test) = Digits.Load().Split(0.25, seed: 1);
        var report = new ComparisonRunner([ManagedBackend.Batched, sklearn]).Run(Plan(spec, train, epochs: 3) with { Test = test });
        Assert.True(report.Passed, string.Join("\n", report.Failures));
    }

    [Fact]
    public void Autoencoders_and_float32_are_compared_too()
    {
        var spec = Autoencoder.Symmetric(6, [5], 2) with { Precision = Precision.Float32, Optimizer = new Adam(0.01) };
        var rng = new Rng(8);
        var x = new Matrix(60, 6);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.NextDouble();
        var report = new ComparisonRunner(BackendCatalog.Parse("managed,torch")).Run(Plan(spec, Dataset.Unlabeled("points", x)));
        Assert.True(report.Passed, string.Join("\n", report.Failures));
        Assert.Contains(report.Checks, c => c.Name == CheckNames.ReconstructionError);
        Assert.Equal(1e-4, report.Checks.First(c => c.Name == CheckNames.Gradient).Tolerance);
    }

    [Fact]
    public void A_perturbed_weight_fails_and_is_located_in_its_layer()
    {
        var broken = new PerturbedWeightBackend(ManagedBackend.Batched, layer: 1, amount: 1e-3);
        var report = new ComparisonRunner([ManagedBackend.Batched, broken]).Run(Plan(Spirals, Datasets.Spirals(samples: 120, seed: 1)));
        Assert.False(report.Passed);
        var diagnosis = Assert.Single(report.Diagnoses());
        Assert.Equal(broken.Name, diagnosis.Backend);
        Assert.Equal((CheckNames.Forward, "dense_1"), (diagnosis.FirstFailure.Name, diagnosis.FirstFailure.Layer));
        // Layer 0 is untouched and still agrees.
        Assert.True(report.Checks.Single(c => c is { Name: CheckNames.Forward, Layer: "dense_0" } && c.Backend == broken.Name).Passed);
    }

    [Fact]
    public void A_wrong_loss_reduction_fails_at_the_loss()
    {
        var spec = new Mlp(2, new Dense(8, Activation.Tanh), new Dense(3, Activation.Sigmoid)) { Loss = Loss.HalfSquaredError };
        var broken = new WrongLossBackend(new Bridge.Torch.TorchBackend(), Loss.MeanSquaredError);
        var report = new ComparisonRunner([ManagedBackend.Batched, broken]).Run(Plan(spec, Datasets.Blobs(samples: 90, centers: 3, seed: 2)));
        Assert.False(report.Passed);
        var diagnosis = Assert.Single(report.Diagnoses());
        Assert.Equal(CheckNames.Loss, diagnosis.FirstFailure.Name);
        Assert.Contains("reduction", diagnosis.Explanation);
        Assert.All(report.Checks.Where(c => c.Name == CheckNames.Forward && c.Backend == broken.Name), c => Assert.True(c.Passed));
    }

    [Fact]
    public void A_wrong_backward_pass_is_located_in_the_layer_it_starts_from()
    {
        var broken = new WrongGradientBackend(ManagedBackend.Batched, layer: 1, factor: 1.001);
        var report = new ComparisonRunner([ManagedBackend.Batched, broken]).Run(Plan(Spirals with { Optimizer = new Sgd(0.1) }, Datasets.Spirals(samples: 120, seed: 1)));
        Assert.False(report.Passed);
        var diagnosis = Assert.Single(report.Diagnoses());
        Assert.Equal((CheckNames.Gradient, "dense_1"), (diagnosis.FirstFailure.Name, diagnosis.FirstFailure.Layer));
    }

    [SkippableFact]
    public void An_unavailable_backend_is_reported_with_its_reason_and_does_not_fail_the_run()
    {
        var cuda = new Bridge.Torch.TorchBackend("cuda:7");
        Skip.If(cuda.Availability.IsAvailable, "this machine has eight CUDA devices");
        var report = new ComparisonRunner([ManagedBackend.Batched, cuda]).Run(Plan(Spirals, Datasets.Spirals(samples: 90, seed: 1), epochs: 2));
        Assert.True(report.Passed);
        var status = report.Backends.Single(b => b.Name == "torch");
        Assert.False(status.Available);
        Assert.Contains("CUDA", status.Reason);
    }

    [Fact]
    public void The_explainer_measures_the_two_over_k_factor()
    {
        var spec = new Mlp(2, new Dense(6, Activation.Tanh), new Dense(4, Activation.Sigmoid));
        var data = Datasets.Blobs(samples: 80, centers: 4, seed: 3);
        var explanation = LossReductionExplainer.Run(Plan(spec, data), BackendCatalog.Parse("managed,torch"));
        Assert.Equal(0.5, explanation.Predicted);
        Assert.True(explanation.Holds(1e-10), string.Join("\n", explanation.Factors));
        Assert.Contains(explanation.Factors, f => f.Backend == "torch");
        Assert.Contains("2/K", explanation.Text);
    }
}
