#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 2: one backpropagation step of a 2-2-1 sigmoid net, with the lecture's names, then the same step on every backend.
//   dotnet run examples/backprop-by-hand.cs
using Bridge;
using Bridge.Labs;
using Bridge.Managed;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    // The lecture's squared error E = ½·Σ (t − o)², plain SGD with L = 0.5, biases 0: the numbers one can check by hand.
    var spec = new Mlp(2, new Dense(2, Activation.Sigmoid), new Dense(1, Activation.Sigmoid))
    {
        Loss = Loss.HalfSquaredError,
        Optimizer = new Sgd(0.5),
    };
    var weights = new WeightSet(Precision.Float64,
    [
        new LayerWeights(2, 2, [0.1, 0.4, 0.8, 0.6], [0, 0]),   // w_11 w_12 / w_21 w_22 into the hidden nodes
        new LayerWeights(2, 1, [0.3, 0.9], [0]),               // w_13, w_23 into the output node
    ]);
    var sample = new Batch(Matrix.FromRows([1.0, 0.0]), Matrix.FromRows([1.0]), [1]);

    Console.WriteLine("x = (1, 0), t = 1, L = 0.5. Forward: net_j = Σ_i o_i·w_ij, o_j = f(net_j) = 1/(1 + e^(−net_j)).");
    Console.WriteLine("Backward: δ_out = f'(net)·(t − o), δ_j = f'(net_j)·Σ_k δ_k·w_jk, f' = f·(1 − f). Change: dw_ij = L·o_i·δ_j.");
    Console.WriteLine("Layer 0 is the hidden layer (its inputs i are x_1, x_2), layer 1 the output layer (its inputs are o_1, o_2).");
    var teaching = ManagedBackend.BuildTeaching(spec, weights);
    var trace = teaching.TraceStep(sample);
    Console.WriteLine();
    Console.WriteLine(trace.ToTable());

    // The gradient ∂E/∂w_ij = −o_i·δ_j: the same numbers from every backend that runs here.
    Lab.Heading("The same step on every backend: ∂E/∂w_ij = −o_i·δ_j");
    var (usable, unusable) = Lab.Backends(spec);
    var gradients = usable.Select(backend =>
    {
        using var model = backend.Build(spec, weights);
        return (backend.Name, Gradient: model.Gradients(sample));
    }).ToList();
    var table = new TextTable(["weight", .. gradients.Select(g => g.Name), "−o_i·δ_j from the trace"]);
    var fromTrace = trace.Weights.ToDictionary(r => (r.Layer, r.From, r.To), r => -r.OutputTimesDelta);
    for (int layer = 0; layer < spec.Layers.Count; layer++)
    {
        var shape = weights[layer];
        for (int i = 0; i <= shape.Inputs; i++)
            for (int j = 0; j < shape.Outputs; j++)
            {
                bool bias = i == shape.Inputs;
                string name = bias ? $"layer {layer}: b_{j + 1}" : $"layer {layer}: w_{i + 1}{j + 1}";
                var cells = gradients.Select(g => (object?)Fixed(bias ? g.Gradient[layer].Bias[j] : g.Gradient[layer][i, j]));
                table.Add([name, .. cells, Fixed(fromTrace[(layer, bias ? "bias" : i.ToString(), j)])]);
            }
    }
    table.Print();
    foreach (var (name, reason) in unusable) Console.WriteLine($"{name}: not here ({reason.Split('\n')[0]})");

    double worst = gradients.Max(g => Agreement.RelativeError(g.Gradient, gradients[0].Gradient));
    Console.WriteLine($"\nLargest relative difference between backends: {worst:G2} (float64 rounds at about 1e-16).");

    // Every weight's gradient, one bar per backend: bars of equal height are backends that agree.
    var names = new List<string>();
    var perBackend = gradients.Select(_ => new List<double>()).ToList();
    for (int layer = 0; layer < spec.Layers.Count; layer++)
        for (int k = 0; k < weights[layer].ParameterCount; k++)
        {
            int i = k / weights[layer].Outputs, j = k % weights[layer].Outputs;
            names.Add(i < weights[layer].Inputs ? $"L{layer} w{i + 1}{j + 1}" : $"L{layer} b{j + 1}");
            for (int g = 0; g < gradients.Count; g++)
            {
                var w = gradients[g].Gradient[layer];
                perBackend[g].Add(i < w.Inputs ? w[i, j] : w.Bias[j]);
            }
        }
    var plot = BarChart.Grouped("∂E/∂w of every weight, one bar per backend", "∂E/∂w", names,
        gradients.Select((g, index) => (g.Name, (IReadOnlyList<double>)perBackend[index])).ToList());
    plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
    lab.Save(plot, "gradients", 900, 480);
});

// Adding 0.0 turns −0 into +0: a zero gradient prints the same whichever way a backend rounded into it.
static string Fixed(double value) => (value + 0.0).ToString("F12");
