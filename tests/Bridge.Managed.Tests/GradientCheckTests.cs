using Bridge.Managed;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Bridge.Managed.Tests;

/// <summary>
/// Both paths' gradients against central finite differences in float64, for every activation × loss pairing, on
/// random shapes, weights and batches.
/// </summary>
public sealed class GradientCheckTests
{
    public static IEnumerable<object[]> Pairings() =>
        from hidden in RandomNets.Hidden
        from output in RandomNets.Outputs
        select new object[] { hidden, output.Output, output.Loss };

    [Theory]
    [MemberData(nameof(Pairings))]
    public void Gradients_of_both_paths_match_finite_differences_to_1e_7(Activation hidden, Activation output, Loss loss)
    {
        var rng = new Rng((ulong)(31 * (int)hidden + 7 * (int)output + (int)loss));
        int checkedCases = 0;
        for (int attempt = 0; checkedCases < 6 && attempt < 200; attempt++)
        {
            var spec = RandomNets.Spec(rng, hidden, output, loss, new Sgd(0.1));
            var weights = spec.Init.Draw(spec, rng.NextULong());
            var batch = RandomNets.Batch(spec, rng, 1 + rng.NextInt(10));
            // A difference quotient across a relu kink measures a blend of two slopes, not the derivative: draws with a net
            // input within reach of the stencil (±2h moves a net by far less than 5e-3 here) are skipped.
            if (RandomNets.NearKink(spec, weights, batch.Inputs, 5e-3)) continue;
            foreach (var backend in new[] { ManagedBackend.Batched, ManagedBackend.Teaching })
            {
                using var model = backend.Build(spec, weights);
                var errors = GradientCheck.Compare(model, batch);
                Assert.True(errors.Max() < 1e-7, $"{backend.Name}, {spec}: {string.Join(", ", errors.Select(e => e.ToString("E2")))}");
            }
            checkedCases++;
        }
        Assert.Equal(6, checkedCases);
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(Generators)])]
    public void Autoencoders_gradients_match_finite_differences(AutoencoderCase c)
    {
        var spec = c.Spec;
        var weights = spec.Init.Draw(spec, c.Seed);
        var batch = RandomNets.Batch(spec, new Rng(c.Seed), 4);
        if (RandomNets.NearKink(spec, weights, batch.Inputs, 5e-3)) return;
        foreach (var backend in new[] { ManagedBackend.Batched, ManagedBackend.Teaching })
        {
            using var model = backend.Build(spec, weights);
            var analytic = model.Gradients(batch);
            var numeric = GradientCheck.CentralDifferences(model, batch);
            // Each quotient carries E's rounding, about 1e-16·|E| per evaluation over h = 1e-4: near 1e-12·|E| absolute.
            // Behind a one-unit code a deep sigmoid net's first layer can have gradients near 1e-7, where that alone is
            // 1e-5 relative; such a layer is held to the rounding's absolute bound instead (both engines agree there
            // to 1e-16, so the bound is the quotient's, not the engines').
            double rounding = 1e-11 * Math.Max(1, Math.Abs(model.Loss(batch)));
            for (int l = 0; l < analytic.Layers.Count; l++)
            {
                var (difference, scale) = Difference(analytic.Layers[l], numeric.Layers[l]);
                Assert.True(difference <= Math.Max(1e-7 * scale, rounding),
                    $"{backend.Name}, {spec}, layer {l}: largest difference {difference:E2} on gradients up to {scale:E2}");
            }
        }
    }

    /// <summary>The largest difference between two layers' gradients, and the largest gradient of either.</summary>
    private static (double Difference, double Scale) Difference(LayerWeights a, LayerWeights b)
    {
        double difference = 0, scale = 0;
        foreach (var (x, y) in a.Kernel.Zip(b.Kernel).Concat(a.Bias.Zip(b.Bias)))
        {
            difference = Math.Max(difference, Math.Abs(x - y));
            scale = Math.Max(scale, Math.Max(Math.Abs(x), Math.Abs(y)));
        }
        return (difference, scale);
    }

    public sealed record AutoencoderCase(Autoencoder Spec, ulong Seed)
    {
        public override string ToString() => $"{Spec.Describe()} seed {Seed}";
    }

    public static class Generators
    {
        public static Arbitrary<AutoencoderCase> Cases() =>
            (from hidden in Gen.Elements(RandomNets.Hidden)
             from output in Gen.Elements(Activation.Sigmoid, Activation.Linear, Activation.Tanh)
             from loss in Gen.Elements(Loss.HalfSquaredError, Loss.MeanSquaredError, Loss.BinaryCrossEntropy)
             from seed in Gen.Choose(0, int.MaxValue)
             let actualOutput = loss == Loss.BinaryCrossEntropy ? Activation.Sigmoid : output
             select new AutoencoderCase(RandomNets.Autoencoder(new Rng((ulong)seed), hidden, actualOutput, loss, new Sgd(0.1)), (ulong)seed)).ToArbitrary();
    }
}
