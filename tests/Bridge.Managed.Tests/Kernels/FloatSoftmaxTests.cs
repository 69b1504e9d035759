using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The float32 softmax (eight rows at a time, one row per vector lane) gives, bit for bit, the scalar formula done one
/// row at a time in float: max, e^(net − max) correctly rounded, the sum in column order, each e divided by the sum;
/// for every batch size (full and partial groups of eight) and width, with a NaN or ∞ only spoiling its own row.
/// </summary>
public sealed class FloatSoftmaxTests
{
    private static float[] ScalarSoftmax(float[] nets, int width)
    {
        var outputs = new float[nets.Length];
        for (int r = 0; r < nets.Length / width; r++)
        {
            float max = float.NegativeInfinity;
            bool nan = false;
            for (int j = 0; j < width; j++)
            {
                float v = nets[r * width + j];
                nan |= float.IsNaN(v);
                if (v > max) max = v;
            }
            if (nan) max = float.NaN;
            float sum = 0;
            for (int j = 0; j < width; j++) sum += outputs[r * width + j] = (float)Math.Exp(nets[r * width + j] - max);
            for (int j = 0; j < width; j++) outputs[r * width + j] /= sum;
        }
        return outputs;
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(17)]
    public void Equals_the_scalar_formula_row_by_row(int width)
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        var rng = new Rng(7);
        foreach (int rows in new[] { 1, 5, 8, 9, 16, 31, 32, 33 })
        {
            var nets = new float[rows * width];
            for (int i = 0; i < nets.Length; i++) nets[i] = (float)(rng.NextDouble() * 60 - 30);
            var outputs = new float[nets.Length];
            ActivationKernels<float>.Forward(Activation.Softmax, nets, outputs, width);
            Assert.Equal(ScalarSoftmax(nets, width), outputs);
        }
    }

    [SkippableFact]
    public void A_NaN_or_infinite_net_spoils_only_its_own_row()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        const int width = 10, rows = 12;
        var rng = new Rng(8);
        var nets = new float[rows * width];
        for (int i = 0; i < nets.Length; i++) nets[i] = (float)(rng.NextDouble() * 10 - 5);
        nets[2 * width + 4] = float.NaN;
        nets[9 * width + 7] = float.PositiveInfinity;
        var outputs = new float[nets.Length];
        ActivationKernels<float>.Forward(Activation.Softmax, nets, outputs, width);
        for (int r = 0; r < rows; r++)
        {
            var row = outputs.AsSpan(r * width, width).ToArray();
            if (r is 2 or 9) Assert.Contains(row, float.IsNaN);
            else
            {
                Assert.All(row, o => Assert.True(o is >= 0 and <= 1, $"row {r} has {o}"));
                Assert.Equal(1.0, row.Sum(o => (double)o), 5);
            }
        }
        Assert.Equal(ScalarSoftmax(nets, width).Select(float.IsNaN), outputs.Select(float.IsNaN));
    }
}
