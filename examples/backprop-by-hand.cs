#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 2: one backpropagation step of a 2-2-1 sigmoid net, with the lecture's names, then the same step on every backend.
//   dotnet run examples/backprop-by-hand.cs
using Bridge;
using Bridge.Backends;
using Bridge.Catalog;
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
    var (usable, unusable) = BackendCatalog.ThatCanRun(spec);
    var gradients = usable.Select(backend =>
    {
        using var model = backend.Build(spec, weights);
        return (backend.Name, Gradient: model.Gradients(sample));
    }).ToList();
    // Every parameter once, in the WeightSet's order (each kernel row by row, then its bias), named for the table and the bars.
    var parameters = new List<(string Row, string Bar, int Layer, int I, int J)>();
    for (int layer = 0; layer < spec.Layers.Count; layer++)
        for (int i = 0; i <= weights[layer].Inputs; i++)
            for (int j = 0; j < weights[layer].Outputs; j++)
                parameters.Add(i < weights[layer].Inputs
                    ? ($"layer {layer}: w_{i + 1}{j + 1}", $"L{layer} w{i + 1}{j + 1}", layer, i, j)
                    : ($"layer {layer}: b_{j + 1}", $"L{layer} b{j + 1}", layer, i, j));

    var table = new TextTable(["weight", .. gradients.Select(g => g.Name), "−o_i·δ_j from the trace"]);
    var fromTrace = trace.Weights.ToDictionary(r => (r.Layer, r.From, r.To), r => -r.OutputTimesDelta);
    foreach (var (row, _, layer, i, j) in parameters)
    {
        string from = i < weights[layer].Inputs ? i.ToString() : "bias";
        table.Add([row, .. gradients.Select(g => (object?)Fixed(ValueIn(g.Gradient, layer, i, j))), Fixed(fromTrace[(layer, from, j)])]);
    }
    table.Print();
    foreach (var (name, reason) in unusable) Console.WriteLine($"{name}: not here ({reason.Split('\n')[0]})");

    double worst = gradients.Max(g => Agreement.RelativeError(g.Gradient, gradients[0].Gradient));
    Console.WriteLine($"\nLargest relative difference between backends: {worst:G2} (float64 rounds at about 1e-16).");

    // Every weight's gradient, one bar per backend: bars of equal height are backends that agree.
    var plot = BarChart.Grouped("∂E/∂w of every weight, one bar per backend", "∂E/∂w", parameters.Select(p => p.Bar).ToList(),
        gradients.Select(g => (g.Name, (IReadOnlyList<double>)parameters.Select(p => ValueIn(g.Gradient, p.Layer, p.I, p.J)).ToList())).ToList());
    lab.Save(plot, "gradients", 900, 480);
});

// Adding 0.0 turns −0 into +0: a zero gradient prints the same whichever way a backend rounded into it.
static string Fixed(double value) => (value + 0.0).ToString("F12");

// W[i, j] of a layer, or its bias b_j for i = the layer's input count (the bias is a weight from a node that outputs 1).
static double ValueIn(WeightSet set, int layer, int i, int j) => i < set[layer].Inputs ? set[layer][i, j] : set[layer].Bias[j];
