using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Managed.Kernels;

/// <summary>The float32 activations, sixteen values at a time through <see cref="FloatExp"/> (each result correctly rounded).</summary>
internal static class FloatActivations
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        /// <summary>f of sixteen floats, in two vectors.</summary>
        static abstract void Apply(Vector256<float> a, Vector256<float> b, out Vector256<float> fa, out Vector256<float> fb);
    }

    private readonly struct SigmoidFunction : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(Vector256<float> a, Vector256<float> b, out Vector256<float> fa, out Vector256<float> fb) =>
            FloatExp.Sigmoid(a, b, out fa, out fb);
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(Vector256<float> a, Vector256<float> b, out Vector256<float> fa, out Vector256<float> fb) =>
            FloatExp.Tanh(a, b, out fa, out fb);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TFunction>(ReadOnlySpan<float> input, Span<float> output) where TFunction : IVectorFunction
    {
        if (output.Length < input.Length)
            throw new ArgumentException($"{input.Length} activations need as many outputs; got {output.Length}.");
        int i = 0;
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (; i + 16 <= input.Length; i += 16)
        {
            TFunction.Apply(Vector256.LoadUnsafe(ref source, (nuint)i), Vector256.LoadUnsafe(ref source, (nuint)(i + 8)), out var a, out var b);
            a.StoreUnsafe(ref target, (nuint)i);
            b.StoreUnsafe(ref target, (nuint)(i + 8));
        }
        if (i < input.Length)
        {
            // The tail goes through the same vector code (padded), so every element is computed identically.
            Span<float> padded = stackalloc float[16];
            input[i..].CopyTo(padded);
            TFunction.Apply(Vector256.Create((ReadOnlySpan<float>)padded[..8]), Vector256.Create((ReadOnlySpan<float>)padded[8..]), out var a, out var b);
            a.CopyTo(padded);
            b.CopyTo(padded[8..]);
            padded[..(input.Length - i)].CopyTo(output[i..]);
        }
    }

    /// <summary>
    /// o_j = e^(net_j − max) / Σ_k e^(net_k − max) for every row, eight rows at a time: their nets are copied into a
    /// block with one column of eight (one value per row) per vector, so max, exponential, sum and division all run on
    /// whole vectors with no work across lanes. Each lane does exactly the scalar formula for its row, in the same
    /// order (the sum in column order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Softmax(ReadOnlySpan<float> nets, Span<float> outputs, int width)
    {
        if (outputs.Length < nets.Length)
            throw new ArgumentException($"{nets.Length} softmax nets need as many outputs; got {outputs.Length}.");
        int rows = nets.Length / width;
        var block = SoftmaxBlock(width);
        ref float column = ref MemoryMarshal.GetArrayDataReference(block);
        ref float source = ref MemoryMarshal.GetReference(nets);
        ref float target = ref MemoryMarshal.GetReference(outputs);
        for (int r0 = 0; r0 < rows; r0 += 8)
        {
            int count = Math.Min(8, rows - r0);
            // The block is the group's 8 × width nets transposed.
            if (count == 8) Transposition.Transpose(nets.Slice(r0 * width, 8 * width), 8, width, block);
            else
            {
                // Missing rows of the last group are zeros: computed, never written back.
                block.AsSpan(0, 8 * width).Clear();
                ref float group = ref Unsafe.Add(ref source, r0 * width);
                for (int l = 0; l < count; l++)
                    for (int j = 0; j < width; j++)
                        Unsafe.Add(ref column, 8 * j + l) = Unsafe.Add(ref group, l * width + j);
            }
            var max = Vector256.Create(float.NegativeInfinity);
            var nan = Vector256<float>.Zero;
            for (int j = 0; j < width; j++)
            {
                var v = Vector256.LoadUnsafe(ref column, (nuint)(8 * j));
                max = Vector256.MaxNative(max, v);
                nan |= ~Vector256.Equals(v, v);
            }
            // A NaN net makes its row's outputs NaN, as the scalar formula's max would.
            max |= nan;
            // Two columns at a time (the exponential's fast form); the sum still adds them in column order.
            var sum = Vector256<float>.Zero;
            int j0 = 0;
            for (; j0 + 2 <= width; j0 += 2)
            {
                FloatExp.Exp(Vector256.LoadUnsafe(ref column, (nuint)(8 * j0)) - max, Vector256.LoadUnsafe(ref column, (nuint)(8 * j0 + 8)) - max,
                    out var e0, out var e1);
                e0.StoreUnsafe(ref column, (nuint)(8 * j0));
                e1.StoreUnsafe(ref column, (nuint)(8 * j0 + 8));
                sum += e0;
                sum += e1;
            }
            if (j0 < width)
            {
                var e = FloatExp.Exp(Vector256.LoadUnsafe(ref column, (nuint)(8 * j0)) - max);
                e.StoreUnsafe(ref column, (nuint)(8 * j0));
                sum += e;
            }
            for (int j = 0; j < width; j++)
                (Vector256.LoadUnsafe(ref column, (nuint)(8 * j)) / sum).StoreUnsafe(ref column, (nuint)(8 * j));
            if (count == 8) Transposition.Transpose<float>(block.AsSpan(0, 8 * width), width, 8, outputs.Slice(r0 * width, 8 * width));
            else
            {
                ref float outputGroup = ref Unsafe.Add(ref target, r0 * width);
                for (int l = 0; l < count; l++)
                    for (int j = 0; j < width; j++)
                        Unsafe.Add(ref outputGroup, l * width + j) = Unsafe.Add(ref column, 8 * j + l);
            }
        }
    }

    [ThreadStatic]
    private static float[]? _softmaxBlock;

    /// <summary>Room for eight rows of <paramref name="width"/> values; one buffer per thread, grown when a wider layer comes.</summary>
    private static float[] SoftmaxBlock(int width)
    {
        if (_softmaxBlock is null || _softmaxBlock.Length < 8 * width) _softmaxBlock = new float[8 * width];
        return _softmaxBlock;
    }
}
