using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Managed.Kernels;

/// <summary>Activations over a whole batch (rows of <c>width</c> nodes), forward and backward, in T.</summary>
internal static class ActivationKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>outputs = f(nets), row by row (softmax needs the row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(Activation activation, ReadOnlySpan<T> nets, Span<T> outputs, int width)
    {
        if (typeof(T) == typeof(float) && FloatExp.Supported && activation is Activation.Sigmoid or Activation.Tanh or Activation.Softmax)
        {
            FloatActivations.Forward(activation, MemoryMarshal.Cast<T, float>(nets), MemoryMarshal.Cast<T, float>(outputs), width);
            return;
        }
        switch (activation)
        {
            case Activation.Sigmoid:
                for (int i = 0; i < nets.Length; i++) outputs[i] = Sigmoid(nets[i]);
                break;
            case Activation.Tanh:
                for (int i = 0; i < nets.Length; i++) outputs[i] = T.Tanh(nets[i]);
                break;
            case Activation.Relu:
            {
                // Vectors, then the rest one by one, both as net > 0 ? net : 0 (NaN and −0 give +0). The branch per
                // element of the plain loop mispredicted on about half the units and cost more than the products'
                // share of a wide hidden layer.
                var n = MemoryMarshal.Cast<T, Vector<T>>(nets);
                var o = MemoryMarshal.Cast<T, Vector<T>>(outputs);
                for (int v = 0; v < n.Length; v++) o[v] = Vector.ConditionalSelect(Vector.GreaterThan(n[v], Vector<T>.Zero), n[v], Vector<T>.Zero);
                for (int i = n.Length * Vector<T>.Count; i < nets.Length; i++) outputs[i] = nets[i] > T.Zero ? nets[i] : T.Zero;
                break;
            }
            case Activation.Linear:
                nets.CopyTo(outputs);
                break;
            case Activation.Softmax:
                for (int r = 0; r < nets.Length / width; r++) Softmax(nets.Slice(r * width, width), outputs.Slice(r * width, width));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>
    /// In place: gradient (∂E/∂o on entry) becomes ∂E/∂net. Element-wise f'(net)·g; softmax o_m·(g_m − Σ_j o_j·g_j).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Activation activation, ReadOnlySpan<T> nets, ReadOnlySpan<T> outputs, Span<T> gradient, int width)
    {
        switch (activation)
        {
            case Activation.Sigmoid:
            {
                // Vectors, then the rest one by one: the same operations in the same order on every element.
                var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
                var o = MemoryMarshal.Cast<T, Vector<T>>(outputs);
                for (int v = 0; v < g.Length; v++) g[v] *= o[v] * (Vector<T>.One - o[v]);
                for (int i = g.Length * Vector<T>.Count; i < gradient.Length; i++) gradient[i] *= outputs[i] * (T.One - outputs[i]);
                break;
            }
            case Activation.Tanh:
            {
                var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
                var o = MemoryMarshal.Cast<T, Vector<T>>(outputs);
                for (int v = 0; v < g.Length; v++) g[v] *= Vector<T>.One - o[v] * o[v];
                for (int i = g.Length * Vector<T>.Count; i < gradient.Length; i++) gradient[i] *= T.One - outputs[i] * outputs[i];
                break;
            }
            case Activation.Relu:
            {
                var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
                var n = MemoryMarshal.Cast<T, Vector<T>>(nets);
                // Kept where net > 0; NaN nets compare false and zero the gradient, as the scalar test does.
                for (int v = 0; v < g.Length; v++) g[v] = Vector.ConditionalSelect(Vector.GreaterThan(n[v], Vector<T>.Zero), g[v], Vector<T>.Zero);
                for (int i = g.Length * Vector<T>.Count; i < gradient.Length; i++) if (!(nets[i] > T.Zero)) gradient[i] = T.Zero;
                break;
            }
            case Activation.Linear:
                break;
            case Activation.Softmax:
                for (int r = 0; r < gradient.Length / width; r++)
                {
                    var o = outputs.Slice(r * width, width);
                    var g = gradient.Slice(r * width, width);
                    T dot = Gemm<T>.Dot(o, g);
                    for (int m = 0; m < width; m++) g[m] = o[m] * (g[m] - dot);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>1 / (1 + e^(−x)), in the branch whose exponent cannot overflow.</summary>
    public static T Sigmoid(T x)
    {
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        T e = T.Exp(x);
        return e / (T.One + e);
    }

    public static void Softmax(ReadOnlySpan<T> nets, Span<T> outputs)
    {
        T max = nets[0];
        for (int j = 1; j < nets.Length; j++) if (nets[j] > max) max = nets[j];
        T sum = T.Zero;
        for (int j = 0; j < nets.Length; j++)
        {
            outputs[j] = T.Exp(nets[j] - max);
            sum += outputs[j];
        }
        for (int j = 0; j < nets.Length; j++) outputs[j] /= sum;
    }
}
