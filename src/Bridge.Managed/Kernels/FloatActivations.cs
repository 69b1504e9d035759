using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Managed.Kernels;

/// <summary>The float32 activations, eight values at a time through <see cref="FloatExp"/> (each result correctly rounded).</summary>
internal static class FloatActivations
{
    public static void Forward(Activation activation, ReadOnlySpan<float> nets, Span<float> outputs, int width)
    {
        switch (activation)
        {
            case Activation.Sigmoid:
                Map<SigmoidFunction>(nets, outputs);
                break;
            case Activation.Tanh:
                Map<TanhFunction>(nets, outputs);
                break;
            case Activation.Softmax:
                Softmax(nets, outputs, width);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    private interface IVectorFunction
    {
        static abstract Vector256<float> Apply(Vector256<float> x);
    }

    private readonly struct SigmoidFunction : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => FloatExp.Sigmoid(x);
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => FloatExp.Tanh(x);
    }

    private static void Map<TFunction>(ReadOnlySpan<float> input, Span<float> output) where TFunction : IVectorFunction
    {
        int i = 0;
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (; i + 8 <= input.Length; i += 8)
            TFunction.Apply(Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        if (i < input.Length)
        {
            // The tail goes through the same vector code (padded), so every element is computed identically.
            Span<float> padded = stackalloc float[8];
            input[i..].CopyTo(padded);
            var result = TFunction.Apply(Vector256.Create((ReadOnlySpan<float>)padded));
            for (int k = 0; i + k < input.Length; k++) output[i + k] = result.GetElement(k);
        }
    }

    /// <summary>
    /// o_j = e^(net_j − max) / Σ_k e^(net_k − max), row by row: the shifted nets of the whole batch go through the vector
    /// exponential in one pass, then each row is normalised.
    /// </summary>
    private static void Softmax(ReadOnlySpan<float> nets, Span<float> outputs, int width)
    {
        int rows = nets.Length / width;
        for (int r = 0; r < rows; r++)
        {
            var row = nets.Slice(r * width, width);
            float max = float.NegativeInfinity;
            foreach (float v in row) max = MathF.Max(max, v);
            var shifted = outputs.Slice(r * width, width);
            for (int j = 0; j < width; j++) shifted[j] = row[j] - max;
        }
        Map<ExpFunction>(outputs, outputs);
        for (int r = 0; r < rows; r++)
        {
            var row = outputs.Slice(r * width, width);
            float sum = 0;
            foreach (float e in row) sum += e;
            for (int j = 0; j < width; j++) row[j] /= sum;
        }
    }

    private readonly struct ExpFunction : IVectorFunction
    {
        public static Vector256<float> Apply(Vector256<float> x) => FloatExp.Exp(x);
    }
}
