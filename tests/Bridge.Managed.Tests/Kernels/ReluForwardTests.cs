using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>The vectorised relu gives, bit for bit, net &gt; 0 ? net : 0 element by element: NaN and −0 become +0, and the
/// elements past the last whole vector too.</summary>
public sealed class ReluForwardTests
{
    [Fact]
    public void Relu_is_the_definition_bit_for_bit_in_both_precisions()
    {
        var rng = new Rng(21);
        foreach (int count in new[] { 1, 3, 7, 8, 17, 33, 256 })
        {
            var nets = new double[count];
            for (int i = 0; i < count; i++) nets[i] = rng.Uniform(-1, 1);
            nets[0] = -0.0;
            if (count > 1) nets[1] = double.NaN;
            if (count > 2) nets[^1] = double.NaN;
            var outputs = new double[count];
            ActivationKernels<double>.Forward(Activation.Relu, nets, outputs, count);
            for (int i = 0; i < count; i++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(nets[i] > 0 ? nets[i] : 0), BitConverter.DoubleToInt64Bits(outputs[i]));
            var nets32 = nets.Select(v => (float)v).ToArray();
            var outputs32 = new float[count];
            ActivationKernels<float>.Forward(Activation.Relu, nets32, outputs32, count);
            for (int i = 0; i < count; i++)
                Assert.Equal(BitConverter.SingleToInt32Bits(nets32[i] > 0 ? nets32[i] : 0), BitConverter.SingleToInt32Bits(outputs32[i]));
        }
    }
}
