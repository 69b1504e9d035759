#:project ../../src/Bridge.Comparison/Bridge.Comparison.csproj
#:property Configuration=Release
// Your own network in C#: fill in Forward and Gradients (and Step, if you like), then check every number against
// Bridge's engine:
//   dotnet run examples/your-own-backprop/my-network.cs [-- report.html]
// It compares the same network as the Python version's command (moons, 2-8-1, tanh then sigmoid, the lecture's
// ½·Σ squared error, plain gradient descent with L = 0.5) and prints the same report; exit code 0 when all agree.
using Bridge;
using Bridge.Comparison;
using Bridge.Managed;
using Bridge.Student;
using Spectre.Console;

var settings = new CompareSettings
{
    Data = "moons", Layers = "2,8,1", Activation = "tanh", OutputActivation = "sigmoid", Loss = "half-squared-error",
    LearningRate = 0.5, Momentum = 0, Epochs = 30,
};
return ComparisonConsole.Run(settings, jsonPath: null, htmlPath: args.FirstOrDefault(), explain: null, AnsiConsole.Console,
    backendsOverride: [ManagedBackend.Batched, new CSharpStudentBackend(new MyNetwork())]);

/// <summary>
/// The conventions (Bridge's, the lecture's): <c>weights[l][i, j]</c> is the weight from node i of the previous layer to
/// node j of layer l, <c>weights[l].Bias[j]</c> the bias of node j, so net_j = Σ_i o_i·w[i, j] + b_j. Matrices hold one
/// sample per row: <c>x[n, i]</c>. The loss is a mean over the batch; the lecture's is E = (1/N)·Σ_n ½·Σ_k (t_k − o_k)².
/// Gradients are ∂E/∂w themselves, not their negatives. <see cref="ActivationFunctions.Apply(Activation, double)"/> gives f(net).
/// </summary>
sealed class MyNetwork : IStudentNetwork
{
    /// <summary>The output o of every layer, one [N, units] matrix per layer, in order (without x itself).</summary>
    public IReadOnlyList<Matrix> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations)
    {
        // TODO: o = x; for each layer l: net[n, j] = Σ_i o[n, i]·w[i, j] + b[j]; o = f(net); keep o.
        throw new NotImplementedException("Forward: the forward pass");
    }

    /// <summary>∂E/∂W and ∂E/∂b of every layer, each as a LayerWeights shaped like the layer's weights.</summary>
    public IReadOnlyList<LayerWeights> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets,
        IReadOnlyList<Activation> activations, Loss loss)
    {
        // TODO for the lecture's loss:
        //   output layer: δ[n, j] = (o[n, j] − t[n, j])·f'(net[n, j])      (sigmoid: f' = o·(1 − o); tanh: 1 − o²)
        //   every layer, from the last to the first, with o_prev the layer's inputs:
        //     dW[i, j] = Σ_n o_prev[n, i]·δ[n, j] / N;   db[j] = Σ_n δ[n, j] / N
        //     δ_prev[n, i] = (Σ_j δ[n, j]·w[i, j])·f'(net_prev[n, i])
        //   var g = new LayerWeights(w.Inputs, w.Outputs); g[i, j] = …; g.Bias[j] = …;
        throw new NotImplementedException("Gradients: backpropagation");
    }

    // Optional: one step of gradient descent, w ← w − L·∂E/∂w. Delete it and Bridge steps for you.
    public IReadOnlyList<LayerWeights>? Step(IReadOnlyList<LayerWeights> weights, IReadOnlyList<LayerWeights> gradients, double learningRate)
    {
        // TODO: new LayerWeights(w.Inputs, w.Outputs, kernel, bias) with every weight moved against its gradient.
        return null;  // null: Bridge's optimizer takes this step.
    }
}
