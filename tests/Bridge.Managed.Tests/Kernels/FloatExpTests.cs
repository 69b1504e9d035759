using System.Runtime.Intrinsics;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The vectorised exp, sigmoid and tanh return the correctly rounded float (the float nearest the exact value, here
/// the float64 library's result rounded once) on sweeps across their whole useful range, and keep NaN, ±∞ and −0.
/// The sweeps go through the sixteen-at-once form with sixteen different values, so a lane that took its
/// neighbour's value or result would show.
/// </summary>
public sealed class FloatExpTests
{
    private static IEnumerable<float> Sweep(float from, float to, int count)
    {
        // Evenly spaced in value, plus every float near 0 where spacing shrinks.
        for (int i = 0; i <= count; i++) yield return from + (to - from) * i / count;
        for (float x = 1e-6f; x < 1e-3f; x *= 1.0001f)
        {
            yield return x;
            yield return -x;
        }
    }

    private delegate void Sixteen(Vector256<float> a, Vector256<float> b, out Vector256<float> fa, out Vector256<float> fb);

    /// <summary>How many of the values differ from <paramref name="truth"/> rounded to float, sixteen at a time.</summary>
    private static int Wrong(IEnumerable<float> values, Sixteen function, Func<double, double> truth)
    {
        int wrong = 0;
        foreach (var chunk in values.Chunk(16))
        {
            var lanes = new float[16];
            chunk.CopyTo(lanes, 0);
            // A short last chunk is filled with its first values, which are checked like the others.
            for (int k = chunk.Length; k < 16; k++) lanes[k] = chunk[k % chunk.Length];
            function(Vector256.Create(lanes, 0), Vector256.Create(lanes, 8), out var a, out var b);
            for (int k = 0; k < 16; k++)
                if ((k < 8 ? a.GetElement(k) : b.GetElement(k - 8)) != (float)truth(lanes[k])) wrong++;
        }
        return wrong;
    }

    [SkippableFact]
    public void Exp_is_correctly_rounded_across_the_float_range()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        var values = Sweep(-104f, 89f, 2_000_000).ToArray();
        int wrong = Wrong(values, FloatExp.Exp, Math.Exp);
        Assert.True(wrong == 0, $"{wrong} of {values.Length} differ from the correctly rounded value");
    }

    [SkippableFact]
    public void Sigmoid_and_tanh_are_correctly_rounded()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        var values = Sweep(-40f, 40f, 1_000_000).ToArray();
        int wrong = Wrong(values, FloatExp.Sigmoid, x => 1 / (1 + Math.Exp(-x))) + Wrong(values, FloatExp.Tanh, Math.Tanh);
        Assert.True(wrong == 0, $"{wrong} of {2 * values.Length} differ from the correctly rounded value");
    }

    [SkippableFact]
    public void Each_of_sixteen_lanes_gets_the_result_of_its_own_value()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        // Shuffled values far apart, so that no lane's correct result is another lane's.
        var rng = new Random(5);
        var values = Enumerable.Range(0, 16 * 1000).Select(_ => (float)(rng.NextDouble() * 60 - 30)).ToArray();
        Assert.Equal(0, Wrong(values, FloatExp.Exp, Math.Exp));
        Assert.Equal(0, Wrong(values, FloatExp.Sigmoid, x => 1 / (1 + Math.Exp(-x))));
        Assert.Equal(0, Wrong(values, FloatExp.Tanh, Math.Tanh));
    }

    [SkippableFact]
    public void Special_values_behave_as_float_arithmetic()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        float Exp(float x) => FloatExp.Exp(Vector256.Create(x)).GetElement(0);
        Assert.True(float.IsNaN(Exp(float.NaN)));
        Assert.Equal(float.PositiveInfinity, Exp(float.PositiveInfinity));
        Assert.Equal(0f, Exp(float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, Exp(89f));
        Assert.Equal(1f, Exp(0f));
        Assert.True(float.IsNaN(FloatExp.Sigmoid(Vector256.Create(float.NaN)).GetElement(0)));
        Assert.True(float.IsNaN(FloatExp.Tanh(Vector256.Create(float.NaN)).GetElement(0)));
        Assert.Equal(1f, FloatExp.Tanh(Vector256.Create(1000f)).GetElement(0));
        Assert.Equal(-1f, FloatExp.Tanh(Vector256.Create(float.NegativeInfinity)).GetElement(0));
        Assert.True(float.IsNegative(FloatExp.Tanh(Vector256.Create(-0f)).GetElement(0)));
        Assert.Equal(0f, FloatExp.Sigmoid(Vector256.Create(-200f)).GetElement(0));
    }
}
