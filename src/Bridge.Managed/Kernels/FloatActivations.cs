using System.Runtime.CompilerServices;
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
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x) => FloatExp.Sigmoid(x);
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x) => FloatExp.Tanh(x);
    }

    private static void Map<TFunction>(ReadOnlySpan<float> input, Span<float> output) where TFunction : IVectorFunction
    {
        int i = 0;
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        // Two vectors per iteration: each is one long chain of dependent operations, and two independent chains
        // keep the floating-point units busy while either waits on its previous result.
        for (; i + 16 <= input.Length; i += 16)
        {
            var first = TFunction.Apply(Vector256.LoadUnsafe(ref source, (nuint)i));
            var second = TFunction.Apply(Vector256.LoadUnsafe(ref source, (nuint)(i + 8)));
            first.StoreUnsafe(ref target, (nuint)i);
            second.StoreUnsafe(ref target, (nuint)(i + 8));
        }
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
    /// exponential in one pass, then each row is normalised. Within a row, eight columns at a time and the rest one by
    /// one; the sum runs in column order, as the scalar formula reads.
    /// </summary>
    private static void Softmax(ReadOnlySpan<float> nets, Span<float> outputs, int width)
    {
        int rows = nets.Length / width;
        for (int r = 0; r < rows; r++)
        {
            var row = nets.Slice(r * width, width);
            var shifted = outputs.Slice(r * width, width);
            float max = RowMax(row);
            int j = 0;
            for (; j + 8 <= width; j += 8) (Vector256.Create(row[j..]) - Vector256.Create(max)).CopyTo(shifted[j..]);
            for (; j < width; j++) shifted[j] = row[j] - max;
        }
        Map<ExpFunction>(outputs, outputs);
        for (int r = 0; r < rows; r++)
        {
            var row = outputs.Slice(r * width, width);
            float sum = 0;
            foreach (float e in row) sum += e;
            int j = 0;
            for (; j + 8 <= width; j += 8) (Vector256.Create((ReadOnlySpan<float>)row[j..]) / Vector256.Create(sum)).CopyTo(row[j..]);
            for (; j < width; j++) row[j] /= sum;
        }
    }

    /// <summary>The largest value of the row; NaN if any value is NaN, so that the outputs of a NaN row are NaN.</summary>
    private static float RowMax(ReadOnlySpan<float> row)
    {
        int j = 0;
        var max = Vector256.Create(float.NegativeInfinity);
        var nan = Vector256<float>.Zero;
        for (; j + 8 <= row.Length; j += 8)
        {
            var v = Vector256.Create(row[j..]);
            max = Vector256.MaxNative(max, v);
            nan |= ~Vector256.Equals(v, v);
        }
        float result = float.NegativeInfinity;
        for (int k = 0; k < 8; k++) result = result > max.GetElement(k) ? result : max.GetElement(k);
        bool anyNaN = nan != Vector256<float>.Zero;
        for (; j < row.Length; j++)
        {
            result = row[j] > result ? row[j] : result;
            anyNaN |= float.IsNaN(row[j]);
        }
        return anyNaN ? float.NaN : result;
    }

    private readonly struct ExpFunction : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x) => FloatExp.Exp(x);
    }
}
