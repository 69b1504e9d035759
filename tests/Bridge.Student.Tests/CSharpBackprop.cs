namespace Bridge.Student.Tests;

/// <summary>The C# mistakes the tests make on purpose, each in the place a student makes it.</summary>
public enum Mistake
{
    None,
    FlippedSign,
    SigmoidDerivativeForTanh,
    MissingBiasGradient,
    SumOverBatch,
    AscentStep,
    Throws,
    NeverReturns,
}

/// <summary>A student's backpropagation in C#, matrix by matrix, correct unless told to make one mistake; Bridge's optimizer steps.</summary>
public sealed class CSharpBackprop(Mistake mistake = Mistake.None) : IStudentNetwork
{
    /// <summary>What a <see cref="Mistake.NeverReturns"/> call waits for.</summary>
    public static readonly ManualResetEventSlim Hang = new(false);

    public IReadOnlyList<Matrix> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations)
    {
        var outputs = new List<Matrix>();
        var o = x;
        for (int l = 0; l < weights.Count; l++)
        {
            o = Apply(activations[l], Net(o, weights[l]));
            outputs.Add(o);
        }
        return outputs;
    }

    public IReadOnlyList<LayerWeights> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets,
        IReadOnlyList<Activation> activations, Loss loss)
    {
        if (mistake == Mistake.Throws) throw new InvalidOperationException("a deliberate failure in Gradients");
        // Blocks rather than spins: a call .NET cannot stop should not take a core from the rest of the tests.
        if (mistake == Mistake.NeverReturns && !Hang.Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException("not released");
        bool crossEntropy = loss == Loss.CategoricalCrossEntropy && activations[^1] == Activation.Softmax;
        if (loss != Loss.HalfSquaredError && !crossEntropy)
            throw new NotSupportedException("this student did the lecture's loss, and softmax with cross-entropy, only");
        var outs = new List<Matrix> { x };
        outs.AddRange(Forward(weights, x, activations));
        int n = x.Rows, last = weights.Count - 1;
        // delta = ∂E/∂net of the current layer, [N, units]
        var delta = new Matrix(n, targets.Cols);
        for (int s = 0; s < n; s++)
            for (int j = 0; j < targets.Cols; j++)
            {
                double o = outs[^1][s, j];
                double error = mistake == Mistake.FlippedSign ? targets[s, j] - o : o - targets[s, j];
                // Softmax with cross-entropy: ∂E/∂net_j = o_j − t_j, the softmax's derivative and the loss's cancelling.
                delta[s, j] = crossEntropy ? error : error * Derivative(activations[last], o);
            }
        var gradients = new LayerWeights[weights.Count];
        double scale = mistake == Mistake.SumOverBatch ? 1.0 : 1.0 / n;
        for (int l = last; l >= 0; l--)
        {
            var w = weights[l];
            var g = new LayerWeights(w.Inputs, w.Outputs);
            for (int s = 0; s < n; s++)
                for (int j = 0; j < w.Outputs; j++)
                {
                    if (mistake != Mistake.MissingBiasGradient) g.Bias[j] += delta[s, j] * scale;
                    for (int i = 0; i < w.Inputs; i++) g[i, j] += outs[l][s, i] * delta[s, j] * scale;
                }
            gradients[l] = g;
            if (l == 0) break;
            var previous = new Matrix(n, w.Inputs);
            for (int s = 0; s < n; s++)
                for (int i = 0; i < w.Inputs; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < w.Outputs; j++) sum += delta[s, j] * w[i, j];
                    previous[s, i] = sum * Derivative(activations[l - 1], outs[l][s, i]);
                }
            delta = previous;
        }
        return gradients;
    }

    private double Derivative(Activation activation, double o) => activation switch
    {
        Activation.Sigmoid => o * (1 - o),
        Activation.Tanh => mistake == Mistake.SigmoidDerivativeForTanh ? o * (1 - o) : 1 - o * o,
        Activation.Linear => 1,
        _ => throw new NotSupportedException(activation.ToString()),
    };

    private static Matrix Net(Matrix o, LayerWeights w)
    {
        var net = new Matrix(o.Rows, w.Outputs);
        for (int s = 0; s < o.Rows; s++)
            for (int j = 0; j < w.Outputs; j++)
            {
                double sum = w.Bias[j];
                for (int i = 0; i < w.Inputs; i++) sum += o[s, i] * w[i, j];
                net[s, j] = sum;
            }
        return net;
    }

    private static Matrix Apply(Activation activation, Matrix net)
    {
        var o = new Matrix(net.Rows, net.Cols);
        for (int s = 0; s < net.Rows; s++) ActivationFunctions.Apply(activation, net.Row(s), o.Row(s));
        return o;
    }
}

/// <summary>A C# student who wrote a step of their own as well (the backend notices that the class implements Step).</summary>
public sealed class StepWriter(Mistake mistake) : IStudentNetwork
{
    private readonly CSharpBackprop _inner = new(mistake);

    public IReadOnlyList<Matrix> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations) =>
        _inner.Forward(weights, x, activations);

    public IReadOnlyList<LayerWeights> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets, IReadOnlyList<Activation> activations, Loss loss) =>
        _inner.Gradients(weights, x, targets, activations, loss);

    public IReadOnlyList<LayerWeights> Step(IReadOnlyList<LayerWeights> weights, IReadOnlyList<LayerWeights> gradients, double learningRate)
    {
        double sign = mistake == Mistake.AscentStep ? +1 : -1;
        return weights.Select((w, l) => new LayerWeights(w.Inputs, w.Outputs,
            w.Kernel.Select((v, k) => v + sign * learningRate * gradients[l].Kernel[k]).ToArray(),
            w.Bias.Select((v, k) => v + sign * learningRate * gradients[l].Bias[k]).ToArray())).ToList();
    }
}
