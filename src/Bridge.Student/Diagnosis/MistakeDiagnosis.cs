namespace Bridge.Student;

/// <summary>Which of the harness's measurements a finding explains.</summary>
public enum DiagnosedStage
{
    /// <summary>A layer's output.</summary>
    Forward,

    /// <summary>The gradients.</summary>
    Gradient,

    /// <summary>The weights after one step.</summary>
    Step,
}

/// <summary>What the numbers of one backend look like next to the reference's: one mistake, named, with its fix.</summary>
/// <param name="Layer">The layer it concerns, or null when it concerns every layer.</param>
public sealed record Finding(DiagnosedStage Stage, int? Layer, string Text);

/// <summary>The numbers of one backend the diagnosis compares: layer outputs, gradients and weights after one step, on the same batch from the same initial weights.</summary>
public sealed record ObservedNumbers(IReadOnlyList<Matrix> LayerOutputs, WeightSet Gradients, WeightSet AfterOneStep);

/// <summary>
/// Names the classic backpropagation mistakes from numbers alone: a backend's layer outputs, gradients and first step
/// are set beside the reference's, and beside what the reference computes when it makes each mistake on purpose
/// (<see cref="VariantBackprop"/>). A mistake is named only when the numbers match it to within rounding and the correct
/// computation does not: a constant factor (2 from a missing ½, N from a sum over the batch, 2/K between ½·Σ and mean
/// squared error, −1 from a flipped sign), a derivative of the wrong activation or at the wrong place (at o instead of
/// net), a missing bias gradient, a transposed kernel, a list shifted by one layer, an activation other than the spec's,
/// a step that climbs the error.
/// </summary>
public static class MistakeDiagnosis
{
    /// <param name="initial">The weights both started from.</param>
    /// <param name="batch">The batch both computed on.</param>
    /// <param name="tolerance">The gradient check's tolerance: numbers closer than this agree.</param>
    public static IReadOnlyList<Finding> Find(ModelSpec spec, WeightSet initial, Batch batch, ObservedNumbers tested,
        ObservedNumbers reference, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(tested);
        ArgumentNullException.ThrowIfNull(reference);
        // Two computations of the same thing agree to rounding; a match is anything closer than this.
        double match = Math.Max(tolerance, 1e-7);
        var findings = new List<Finding>();
        bool forwardAgrees = tested.LayerOutputs.Select((o, l) => Agreement.RelativeError(o, reference.LayerOutputs[l])).All(e => e <= tolerance);
        if (!forwardAgrees)
        {
            // Everything after a wrong forward pass is wrong because of it: say only what the forward pass shows.
            if (Forward(spec, initial, batch, tested.LayerOutputs, reference.LayerOutputs, match, tolerance) is { } forward) findings.Add(forward);
            return findings;
        }
        bool gradientsAgree = Agreement.PerLayer(tested.Gradients, reference.Gradients).All(e => e <= tolerance);
        if (!gradientsAgree)
            findings.AddRange(Gradients(spec, initial.ToPrecision(Precision.Float64), batch, tested.Gradients, reference.Gradients, match, tolerance));
        else if (Step(initial, tested.AfterOneStep, reference.AfterOneStep, match, tolerance) is { } step)
            findings.Add(step);
        return findings;
    }

    private static Finding? Forward(ModelSpec spec, WeightSet initial, Batch batch, IReadOnlyList<Matrix> tested,
        IReadOnlyList<Matrix> reference, double match, double tolerance)
    {
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            if (Agreement.RelativeError(tested[l], reference[l]) <= tolerance) continue;
            var input = l == 0 ? batch.Inputs : reference[l - 1];
            var w = initial.Layers[l];
            var activation = spec.Layers[l].Activation;
            string name = WeightSet.LayerName(l);
            if (w.Inputs == w.Outputs && Close(tested[l], Layer(input, Transposed(w), w.Bias, activation), match))
                return new(DiagnosedStage.Forward, l,
                    $"Layer {name} computes with its kernel transposed (W.T): Bridge's W[i, j] goes from node i of the previous layer " +
                    "to node j, so net = o_previous @ W + b, with W as it comes, [inputs, outputs].");
            foreach (var other in Enum.GetValues<Activation>())
                if (other != activation && (other != Activation.Softmax || w.Outputs > 1)
                    && Close(tested[l], Layer(input, w.Kernel, w.Bias, other), match))
                    return new(DiagnosedStage.Forward, l,
                        $"Layer {name} applies {other.Name()} where the spec says {activation.Name()}: use the activation the list names for each layer" +
                        (other == Activation.Linear ? " (here none was applied at all)." : "."));
            if (w.Bias.Any(b => b != 0) && Close(tested[l], Layer(input, w.Kernel, new double[w.Outputs], activation), match))
                return new(DiagnosedStage.Forward, l, $"Layer {name} leaves out the bias: net = o_previous @ W + b.");
            if (l == 0 && Close(tested[0], batch.Inputs, match))
                return new(DiagnosedStage.Forward, 0,
                    "The output given for layer dense_0 is the input x: the list must hold the layers' outputs only, from dense_0 to the output layer, not x first.");
            foreach (int other in new[] { l - 1, l + 1 })
                if (other >= 0 && other < reference.Count && reference[other].Cols == tested[l].Cols && Close(tested[l], reference[other], match))
                    return new(DiagnosedStage.Forward, l,
                        $"The output given for layer {name} is the reference's output of layer {WeightSet.LayerName(other)}: the list is shifted by one layer.");
            return null;
        }
        return null;
    }

    private static IEnumerable<Finding> Gradients(ModelSpec spec, WeightSet initial, Batch batch, WeightSet tested, WeightSet reference,
        double match, double tolerance)
    {
        int n = batch.Count, k = spec.Outputs;
        var s = tested.Flatten();
        var r = reference.Flatten();
        // One factor for every number of every layer: a scaled loss, a sum for a mean, a flipped sign.
        if (Factor(s, r, match) is double c)
        {
            yield return new(DiagnosedStage.Gradient, null, FactorText(c, n, k, spec.Loss, "every layer"));
            yield break;
        }
        foreach (var (variant, text) in DerivativeMistakes(spec))
        {
            var expected = VariantBackprop.Gradients(spec, initial, batch, variant);
            if (Agreement.RelativeError(expected, reference) > tolerance && Agreement.RelativeError(tested.Flatten(), expected.Flatten()) <= match)
            {
                yield return new(DiagnosedStage.Gradient, null, text);
                yield break;
            }
        }
        int layers = spec.Layers.Count;
        if (Enumerable.Range(0, layers).All(l => tested.Layers[l].Bias.All(b => b == 0)
                && Agreement.RelativeError(tested.Layers[l].Kernel, reference.Layers[l].Kernel) <= match))
        {
            yield return new(DiagnosedStage.Gradient, null,
                "The bias gradients are missing (all zeros) in every layer while the kernels' gradients are right: ∂E/∂b_j is the " +
                "mean over the batch of node j's delta, db = delta.sum(axis=0) / N, in every layer.");
            yield break;
        }
        if (layers > 1 && Enumerable.Range(0, layers).All(l => SameShape(tested.Layers[l], reference.Layers[layers - 1 - l])
                && Agreement.RelativeError(tested.Layers[l], reference.Layers[layers - 1 - l]) <= match))
        {
            yield return new(DiagnosedStage.Gradient, null,
                "The gradients are in reverse order: the list goes from the first hidden layer (dense_0) to the output layer, " +
                "the order of the weights, not the order backpropagation visits them in (reverse the list before returning it).");
            yield break;
        }
        for (int l = 0; l < layers; l++)
        {
            var t = tested.Layers[l];
            var e = reference.Layers[l];
            if (Agreement.RelativeError(t, e) <= tolerance) continue;
            if (LayerFinding(l, t, e, tested, reference, n, k, spec.Loss, match) is { } finding) yield return finding;
        }
    }

    private static Finding? LayerFinding(int l, LayerWeights t, LayerWeights e, WeightSet tested, WeightSet reference,
        int n, int k, Loss loss, double match)
    {
        string name = WeightSet.LayerName(l);
        bool kernelAgrees = Agreement.RelativeError(t.Kernel, e.Kernel) <= match;
        if (kernelAgrees)
        {
            if (t.Bias.All(b => b == 0))
                return new(DiagnosedStage.Gradient, l,
                    $"The bias gradient of layer {name} is missing (all zeros) while its kernel's gradient is right: " +
                    "∂E/∂b_j is the mean over the batch of the deltas, db = delta.mean(axis=0) (with the loss's 1/N: delta.sum(axis=0) / N).");
            if (Factor(t.Bias, e.Bias, match) is double cb)
                return new(DiagnosedStage.Gradient, l, FactorText(cb, n, k, loss, $"the bias of layer {name} (its kernel's gradient is right)"));
            return new(DiagnosedStage.Gradient, l,
                $"The bias gradient of layer {name} is wrong while its kernel's is right: ∂E/∂b_j is the delta of node j summed over the batch and divided by N.");
        }
        if (t.Inputs == t.Outputs && Agreement.RelativeError(t.Kernel, Transposed(e)) <= match)
            return new(DiagnosedStage.Gradient, l,
                $"The kernel gradient of layer {name} is transposed: dW[i, j] belongs to the weight from node i of the previous layer to node j, " +
                "so dW = o_previous.T @ delta, [inputs, outputs].");
        foreach (int other in new[] { l - 1, l + 1 })
            if (other >= 0 && other < reference.Layers.Count && SameShape(t, reference.Layers[other])
                && Agreement.RelativeError(t, reference.Layers[other]) <= match)
                return new(DiagnosedStage.Gradient, l,
                    $"The gradient given for layer {name} is the reference's gradient of layer {WeightSet.LayerName(other)}: the list is off by one layer.");
        if (Factor([.. t.Kernel, .. t.Bias], [.. e.Kernel, .. e.Bias], match) is double c)
            return new(DiagnosedStage.Gradient, l, FactorText(c, n, k, loss, $"layer {name}"));
        return null;
    }

    private static Finding? Step(WeightSet initial, WeightSet tested, WeightSet reference, double match, double tolerance)
    {
        if (Agreement.RelativeError(tested, reference) <= tolerance) return null;
        var w0 = initial.Flatten();
        var ds = Difference(tested.Flatten(), w0);
        var dr = Difference(reference.Flatten(), w0);
        if (ds.All(d => d == 0))
            return new(DiagnosedStage.Step, null, "The step left every weight unchanged: return the new weights, w − L·∂E/∂w.");
        if (Factor(ds, dr, match) is not double c) return null;
        if (Near(c, -1, match))
            return new(DiagnosedStage.Step, null,
                "The step goes uphill (ascent instead of descent): it adds L·∂E/∂w to the weights. Gradient descent subtracts it: w ← w − L·∂E/∂w.");
        return new(DiagnosedStage.Step, null,
            $"The step changes every weight by {c:G4}× Bridge's step: it uses a learning rate of {c:G4}·L instead of the L it is given.");
    }

    /// <summary>The derivative mistakes the spec's activations allow, each with what to tell the student.</summary>
    private static IEnumerable<(VariantBackprop.Derivative, string)> DerivativeMistakes(ModelSpec spec)
    {
        var activations = spec.Layers.Select(l => l.Activation).ToHashSet();
        int output = spec.Layers.Count - 1;
        if (activations.Contains(Activation.Tanh))
            yield return ((_, a, _, o) => a == Activation.Tanh ? o * (1 - o) : null,
                "The tanh layers use the sigmoid's derivative o·(1 − o). For tanh, f'(net) = 1 − tanh²(net) = 1 − o².");
        if (activations.Contains(Activation.Sigmoid))
            yield return ((_, a, _, o) => a == Activation.Sigmoid ? 1 - o * o : null,
                "The sigmoid layers use tanh's derivative 1 − o². For the sigmoid, f'(net) = σ(net)·(1 − σ(net)) = o·(1 − o).");
        if (activations.Contains(Activation.Sigmoid) || activations.Contains(Activation.Tanh))
        {
            yield return ((_, a, _, o) => a switch
                {
                    Activation.Sigmoid => ActivationFunctions.Sigmoid(o) * (1 - ActivationFunctions.Sigmoid(o)),
                    Activation.Tanh => 1 - Math.Tanh(o) * Math.Tanh(o),
                    _ => null,
                },
                "The derivative is evaluated at the output o instead of at net: f'(o) = σ(o)·(1 − σ(o)) where f'(net) = σ(net)·(1 − σ(net)) = o·(1 − o) " +
                "is meant (tanh: 1 − o², not 1 − tanh²(o)). Either compute f' from net, or write it in terms of o as o·(1 − o).");
            yield return ((l, a, _, _) => a is Activation.Sigmoid or Activation.Tanh && l == output ? 1.0 : null,
                $"The output layer's delta leaves out f'(net): with {spec.Loss.Name()} and a {spec.Layers[output].Activation.Name()} output, " +
                "delta_out = f'(net)·∂E/∂o (for the lecture's loss: (o − t)·o·(1 − o)); (o − t) alone is the delta of cross-entropy on a sigmoid or softmax.");
            yield return ((_, a, _, _) => a is Activation.Sigmoid or Activation.Tanh ? 1.0 : null,
                "Every layer's delta leaves out f'(net): delta = f'(net)·(the error arriving from above), in the hidden layers as in the output layer.");
        }
        if (activations.Contains(Activation.Relu))
            yield return ((_, a, net, _) => a == Activation.Relu ? 1.0 : null,
                "The relu layers leave out their derivative: f'(net) is 1 where net > 0 and 0 elsewhere, so the delta is 0 where the node was off.");
    }

    /// <summary>What a constant factor c between a gradient and the reference's means.</summary>
    internal static string FactorText(double c, int n, int k, Loss loss, string where)
    {
        double tolerance = 1e-6;
        string sign = c < 0
            ? "has the wrong sign: it is −∂E/∂w, the direction that lowers the error, where the gradient ∂E/∂w itself is asked for " +
              "(the optimizer subtracts it; with this sign training climbs the error, ascent instead of descent)"
            : "";
        double m = Math.Abs(c);
        string? scale = null;
        if (Near(m, 1, tolerance)) scale = "";
        else if (loss == Loss.HalfSquaredError && k > 1 && Near(m, 2.0 / k, tolerance))
            scale = $"is 2/K = {2.0 / k:G4} times the reference's: that is mean squared error (a mean over the K = {k} outputs, " +
                    "torch's and Keras's MSE), where the spec's loss is the lecture's ½·Σ squared error, whose output delta is (o − t)·f'(net)";
        else if (loss == Loss.HalfSquaredError && Near(m, 2, tolerance))
            scale = "is 2× the reference's: that is the derivative of Σ(t − o)² without the ½; with the lecture's E = ½·Σ(t − o)² " +
                    "the output delta is (o − t)·f'(net), not 2·(o − t)·f'(net)";
        else if (loss == Loss.MeanSquaredError && Near(m, k / 2.0, tolerance))
            scale = $"is K/2 = {k / 2.0:G4} times the reference's: that is the lecture's ½·Σ squared error, where the spec's loss is " +
                    $"mean squared error (a mean over the K = {k} outputs, whose output delta is 2·(o − t)·f'(net)/K)";
        else if (Near(m, n, tolerance) && n > 1)
            scale = $"is N = {n} (the batch size) times the reference's: it sums over the batch where E is the mean over the N samples; divide by N";
        else if (Near(m, 1.0 / n, tolerance) && n > 1)
            scale = $"is 1/N = 1/{n} of the reference's: it divides by the batch size twice";
        else if (loss == Loss.HalfSquaredError && Near(m, 2.0 * n, tolerance) && n > 1)
            scale = $"is 2N = {2 * n} times the reference's: it sums over the batch instead of averaging (N = {n}), and differentiates Σ(t − o)² without the ½";
        scale ??= $"is {m:G6} times the reference's, the same factor everywhere: a constant folded in (a learning rate? a different scale of the loss?)";
        string text = (sign, scale) switch
        {
            ("", "") => "agrees",
            (_, "") => sign,
            ("", _) => scale,
            _ => $"{sign}, and {scale}",
        };
        return $"The gradient of {where} {text}.";
    }

    private static double? Factor(ReadOnlySpan<double> tested, ReadOnlySpan<double> reference, double match)
    {
        double sr = 0, rr = 0;
        for (int i = 0; i < tested.Length; i++)
        {
            sr += tested[i] * reference[i];
            rr += reference[i] * reference[i];
        }
        if (rr == 0 || !double.IsFinite(sr)) return null;
        double c = sr / rr;
        if (Near(c, 1, match) || Math.Abs(c) < 1e-12) return null;
        var scaled = new double[reference.Length];
        for (int i = 0; i < scaled.Length; i++) scaled[i] = c * reference[i];
        return Agreement.RelativeError(tested, scaled) <= match ? c : null;
    }

    private static bool Near(double a, double b, double relative) => Math.Abs(a - b) <= relative * Math.Max(1, Math.Abs(b)) * 10;

    private static bool SameShape(LayerWeights a, LayerWeights b) => a.Inputs == b.Inputs && a.Outputs == b.Outputs;

    private static bool Close(Matrix a, Matrix b, double match) =>
        a.Rows == b.Rows && a.Cols == b.Cols && Agreement.RelativeError(a, b) <= match;

    private static double[] Difference(double[] a, double[] b) => a.Select((x, i) => x - b[i]).ToArray();

    private static double[] Transposed(LayerWeights w) => w.KernelTransposed();

    private static Matrix Layer(Matrix input, double[] kernel, double[] bias, Activation activation)
    {
        int outputs = bias.Length, inputs = input.Cols;
        var result = new Matrix(input.Rows, outputs);
        var net = new double[outputs];
        for (int s = 0; s < input.Rows; s++)
        {
            for (int j = 0; j < outputs; j++)
            {
                double sum = bias[j];
                for (int i = 0; i < inputs; i++) sum += input[s, i] * kernel[i * outputs + j];
                net[j] = sum;
            }
            ActivationFunctions.Apply(activation, net, result.Row(s));
        }
        return result;
    }
}
