using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The float32 sigmoid and tanh over a whole layer (sixteen values at a time, the rest padded) give every element its
/// correctly rounded value, whatever the length, and write nothing past it.
/// </summary>
public sealed class FloatActivationMapTests
{
    [SkippableFact]
    public void Every_length_gets_each_element_correctly_rounded_and_nothing_past_it()
    {
        Skip.IfNot(FloatExp.Supported, "no AVX2/FMA here");
        var rng = new Random(11);
        foreach (var (activation, truth) in new (Activation, Func<double, double>)[]
                 { (Activation.Sigmoid, x => 1 / (1 + Math.Exp(-x))), (Activation.Tanh, Math.Tanh) })
        {
            for (int length = 1; length <= 50; length++)
            {
                var nets = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 16 - 8)).ToArray();
                var outputs = Enumerable.Repeat(float.NaN, length + 20).ToArray();
                ActivationKernels<float>.Forward(activation, nets, outputs.AsSpan(0, length), 1);
                for (int i = 0; i < length; i++)
                    Assert.True(outputs[i] == (float)truth(nets[i]), $"{activation}, length {length}, element {i}: {outputs[i]} for {nets[i]}");
                Assert.All(outputs.Skip(length), v => Assert.True(float.IsNaN(v), $"{activation}, length {length}: written past the end"));
            }
        }
    }
}
