using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bridge.Managed.Kernels;

namespace Bridge.Managed.Batched;

/// <summary>
/// Backpropagation over a batch, or a part of one, in matrix form, computing in T (float or double).
/// Forward: Net_l = O_(l−1)·W_l + b_l, O_l = f(Net_l). Backward, with G_l = ∂E/∂Net_l:
/// ∂E/∂W_l = O_(l−1)ᵀ·G_l, ∂E/∂b_l = Σ_rows G_l, G_(l−1) = (G_l·W_lᵀ) ⊙ f'(Net_(l−1)).
/// Everything it writes is in the workspace and the gradients it is given, so two parts of a batch can run at once.
/// </summary>
internal sealed class Backpropagation<T>(ModelSpec spec) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _units = spec.Layers.Select(l => l.Units).ToArray();
    private readonly double _threshold = Metrics.ClassThreshold(spec);

    public ModelSpec Spec { get; } = spec;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(Workspace<T> work, ParameterSet<T> weights)
    {
        int n = work.Count;
        ReadOnlySpan<T> current = work.Inputs;
        int width = Spec.Inputs;
        for (int l = 0; l < _units.Length; l++)
        {
            Gemm<T>.MultiplyAddBias(current, n, width, weights.Kernels[l], _units[l], weights.Biases[l], work.Nets[l]);
            ActivationKernels<T>.Forward(Spec.Layers[l].Activation, work.Nets[l], work.Outputs[l], _units[l]);
            current = work.Outputs[l];
            width = _units[l];
        }
    }

    /// <summary>
    /// Fills ∂E/∂W and ∂E/∂b of every layer, summed over the workspace's samples, from its forward pass; with a
    /// <paramref name="split"/> above 0, summed over the samples before it into <paramref name="gradients"/> and over the
    /// rest into <paramref name="secondHalf"/>: the same sums the two halves give computed apart, since every other
    /// quantity is computed sample by sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(Workspace<T> work, ParameterSet<T> weights, ParameterSet<T> gradients, int split = 0, ParameterSet<T>? secondHalf = null)
    {
        int n = work.Count;
        int last = _units.Length - 1;
        OutputGradient(work, work.NetGradients[last]);
        for (int l = last; l >= 0; l--)
        {
            ReadOnlySpan<T> below = l == 0 ? work.Inputs : work.Outputs[l - 1];
            int width = l == 0 ? Spec.Inputs : _units[l - 1];
            SumOverSamples(below, width, work.NetGradients[l], _units[l], 0, split == 0 ? n : split, gradients, l);
            if (split > 0) SumOverSamples(below, width, work.NetGradients[l], _units[l], split, n, secondHalf!, l);
            if (l == 0) break;
            Gemm<T>.MultiplyTransposedB(work.NetGradients[l], n, _units[l], weights.Kernels[l], width, work.NetGradients[l - 1], work.Scratch);
            ActivationKernels<T>.Backward(Spec.Layers[l - 1].Activation, work.Nets[l - 1], work.Outputs[l - 1], work.NetGradients[l - 1], width);
        }
    }

    /// <summary>Layer <paramref name="l"/>'s ∂E/∂W = Oᵀ·G and ∂E/∂b = Σ G over samples [first, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumOverSamples(ReadOnlySpan<T> below, int width, ReadOnlySpan<T> netGradients, int units, int first, int end,
        ParameterSet<T> gradients, int l)
    {
        var rows = netGradients.Slice(first * units, (end - first) * units);
        Gemm<T>.MultiplyTransposedA(below.Slice(first * width, (end - first) * width), end - first, width, rows, units, gradients.Kernels[l]);
        Gemm<T>.ColumnSums(rows, end - first, units, gradients.Biases[l]);
    }

    /// <summary>∂E/∂Net of the output layer for the part's samples, E being the batch mean (hence the 1/N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OutputGradient(Workspace<T> work, Span<T> gradient)
    {
        int n = work.Count, k = _units[^1];
        var outputs = work.Outputs[^1];
        var targets = work.Targets;
        var activation = Spec.Layers[^1].Activation;
        T inverseN = T.One / T.CreateChecked(work.BatchSize);
        switch (Spec.Loss)
        {
            case Bridge.Loss.CategoricalCrossEntropy when activation == Activation.Softmax:
                // ∂E/∂net_j = (o_j − [j = label]) / N: o_j·(1/N) everywhere in one vector pass, then each row's label
                // entry recomputed as (o − 1)·(1/N), the same rounding as the formula gives it.
                Scale(outputs, inverseN, gradient);
                for (int r = 0; r < n; r++)
                {
                    int at = r * k + work.Labels[r];
                    gradient[at] = (outputs[at] - T.One) * inverseN;
                }
                return;
            case Bridge.Loss.BinaryCrossEntropy when activation == Activation.Sigmoid:
            {
                // ∂E/∂net_j = (o_j − t_j) / (K·N)
                T scale = inverseN / T.CreateChecked(k);
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (outputs[i] - targets[i]) * scale;
                return;
            }
            case Bridge.Loss.HalfSquaredError:
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (outputs[i] - targets[i]) * inverseN;
                break;
            case Bridge.Loss.MeanSquaredError:
            {
                T scale = T.CreateChecked(2) / T.CreateChecked(k) * inverseN;
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (outputs[i] - targets[i]) * scale;
                break;
            }
            case Bridge.Loss.BinaryCrossEntropy:
            {
                T scale = inverseN / T.CreateChecked(k);
                for (int i = 0; i < gradient.Length; i++)
                    gradient[i] = (outputs[i] - targets[i]) / (outputs[i] * (T.One - outputs[i])) * scale;
                break;
            }
            case Bridge.Loss.CategoricalCrossEntropy:
                gradient.Clear();
                for (int r = 0; r < n; r++)
                {
                    int label = work.Labels[r];
                    gradient[r * k + label] = -inverseN / outputs[r * k + label];
                }
                break;
            default:
                throw new NotSupportedException($"The managed engine has no implementation of the loss {Spec.Loss}.");
        }
        ActivationKernels<T>.Backward(activation, work.Nets[^1], outputs, gradient, k);
    }

    /// <summary>
    /// The losses of the workspace's samples [<paramref name="first"/>, <paramref name="end"/>) summed, in float64 from
    /// the T outputs; cross-entropies from the nets (stable). The mean over the batch is <see cref="MeanLoss"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LossSum(Workspace<T> work, int first, int end)
    {
        int k = _units[^1];
        var outputs = work.Outputs[^1];
        var nets = work.Nets[^1];
        var targets = work.Targets;
        var activation = Spec.Layers[^1].Activation;
        double sum = 0;
        switch (Spec.Loss)
        {
            case Bridge.Loss.CategoricalCrossEntropy when activation == Activation.Softmax:
                for (int r = first; r < end; r++)
                {
                    int label = work.Labels[r];
                    double probability = double.CreateChecked(outputs[r * k + label]);
                    // −ln o_label from the softmax output; where that has underflowed, from the nets (logsumexp − net).
                    if (probability > 1e-30)
                    {
                        sum -= Math.Log(probability);
                        continue;
                    }
                    var row = nets.AsSpan(r * k, k);
                    double max = double.NegativeInfinity;
                    foreach (var v in row) max = Math.Max(max, double.CreateChecked(v));
                    double exps = 0;
                    foreach (var v in row) exps += Math.Exp(double.CreateChecked(v) - max);
                    sum += max + Math.Log(exps) - double.CreateChecked(row[label]);
                }
                return sum;
            case Bridge.Loss.BinaryCrossEntropy when activation == Activation.Sigmoid:
                for (int i = first * k; i < end * k; i++)
                {
                    double x = double.CreateChecked(nets[i]), t = double.CreateChecked(targets[i]);
                    sum += Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))) - t * x;
                }
                return sum;
            case Bridge.Loss.HalfSquaredError:
                for (int i = first * k; i < end * k; i++)
                {
                    double d = double.CreateChecked(targets[i]) - double.CreateChecked(outputs[i]);
                    sum += 0.5 * d * d;
                }
                return sum;
            case Bridge.Loss.MeanSquaredError:
                for (int i = first * k; i < end * k; i++)
                {
                    double d = double.CreateChecked(targets[i]) - double.CreateChecked(outputs[i]);
                    sum += d * d;
                }
                return sum;
            default:
                // Cross-entropies on other outputs are refused by the spec; nothing else reaches here.
                throw new NotSupportedException($"The managed engine has no loss {Spec.Loss} on a {activation.Name()} output.");
        }
    }

    /// <summary>
    /// How many of the workspace's samples [<paramref name="first"/>, <paramref name="end"/>) the outputs put in their
    /// labelled class, as <see cref="Metrics.PredictedClasses"/> decides: with one output, class 1 where it exceeds the
    /// threshold; with several, the first of the largest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int CountCorrect(Workspace<T> work, int first, int end)
    {
        int k = _units[^1];
        var outputs = work.Outputs[^1];
        var labels = work.Labels;
        int correct = 0;
        if (k == 1)
        {
            for (int r = first; r < end; r++)
                if ((double.CreateChecked(outputs[r]) > _threshold ? 1 : 0) == labels[r]) correct++;
            return correct;
        }
        for (int r = first; r < end; r++)
        {
            var row = outputs.AsSpan(r * k, k);
            int best = 0;
            for (int c = 1; c < k; c++) if (row[c] > row[best]) best = c;
            if (best == labels[r]) correct++;
        }
        return correct;
    }

    /// <summary>
    /// E from the batch's summed losses: the mean over samples, and for the per-output losses (binary cross-entropy,
    /// mean squared error) over the outputs too.
    /// </summary>
    public double MeanLoss(double sum, int batchSize) => Spec.Loss switch
    {
        Bridge.Loss.BinaryCrossEntropy or Bridge.Loss.MeanSquaredError => sum / _units[^1] / batchSize,
        _ => sum / batchSize,
    };

    /// <summary>y = x·scale, vectors first, then the rest one by one (the same multiplication on every element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(ReadOnlySpan<T> x, T scale, Span<T> y)
    {
        var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
        var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
        var s = new Vector<T>(scale);
        for (int v = 0; v < xv.Length; v++) yv[v] = xv[v] * s;
        for (int i = xv.Length * Vector<T>.Count; i < x.Length; i++) y[i] = x[i] * scale;
    }
}
