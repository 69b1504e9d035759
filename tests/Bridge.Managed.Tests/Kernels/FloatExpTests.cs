using System.Runtime.Intrinsics;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The vectorised exp, sigmoid and tanh return the correctly rounded float (the float nearest the exact value, here
/// the float64 library's result rounded once) on sweeps across their whole useful range, and keep NaN, ±∞ and −0.
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

    [SkippableFact]
    public void Exp_is_correctly_rounded_across_the_float_range()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        int wrong = 0, total = 0;
        foreach (float x in Sweep(-104f, 89f, 2_000_000))
        {
            total++;
            if (FloatExp.Exp(Vector256.Create(x)).GetElement(0) != (float)Math.Exp(x)) wrong++;
        }
        Assert.True(wrong == 0, $"{wrong} of {total} differ from the correctly rounded value");
    }

    [SkippableFact]
    public void Sigmoid_and_tanh_are_correctly_rounded()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        int wrong = 0, total = 0;
        foreach (float x in Sweep(-40f, 40f, 1_000_000))
        {
            total++;
            if (FloatExp.Sigmoid(Vector256.Create(x)).GetElement(0) != (float)(1 / (1 + Math.Exp(-(double)x)))) wrong++;
            if (FloatExp.Tanh(Vector256.Create(x)).GetElement(0) != (float)Math.Tanh(x)) wrong++;
        }
        Assert.True(wrong == 0, $"{wrong} of {2 * total} differ from the correctly rounded value");
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
