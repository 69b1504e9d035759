#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 1: a single logistic perceptron learns AND, OR and NAND, and cannot learn XOR.
//   dotnet run examples/perceptron.cs [-- --backend managed|managed-teaching|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;
using ScottPlot;

return Lab.Run(args, lab =>
{
    // The lecture's perceptron: o = f(z), z = Σ_i w_i·x_i + b, f the logistic function; it fires when o > θ.
    var spec = new Perceptron(2) { Optimizer = new Sgd(0.5), Loss = Loss.HalfSquaredError, Threshold = 0.5 };
    var backend = lab.Backend(spec);
    int epochs = lab.Scale(2000, 400);
    Console.WriteLine($"{spec.Describe()} on {backend.Name}: {epochs} epochs of online learning (one sample per step).");

    var pictures = new List<Plot>();
    foreach (var gate in new[] { Datasets.And(), Datasets.Or(), Datasets.Nand(), Datasets.Xor() })
    {
        using var model = backend.Build(spec, seed: 1);
        model.Fit(gate, epochs, batchSize: 1);
        var w = model.GetWeights()[0];
        var o = model.Forward(gate.Features);
        var fires = model.Classify(gate.Features);

        Lab.Heading($"{gate.Name.ToUpperInvariant()}: w1 = {w[0, 0]:F3}, w2 = {w[1, 0]:F3}, b = {w.Bias[0]:F3}");
        var table = new TextTable("x1", "x2", "z = w1·x1 + w2·x2 + b", "o = f(z)", $"fires (o > {spec.Threshold})", "target", "");
        int right = 0;
        for (int n = 0; n < gate.Count; n++)
        {
            double x1 = gate.Features[n, 0], x2 = gate.Features[n, 1];
            double z = w[0, 0] * x1 + w[1, 0] * x2 + w.Bias[0];
            bool correct = (fires[n, 0] ? 1 : 0) == gate.Labels![n];
            right += correct ? 1 : 0;
            table.Add(x1, x2, z.ToString("F3"), o[n, 0].ToString("F3"), fires[n, 0] ? "yes" : "no", gate.Labels[n], correct ? "✓" : "✗");
        }
        table.Print();
        Console.WriteLine($"{right} of 4 right.");

        var plot = DecisionBoundaryChart.Create($"{gate.Name.ToUpperInvariant()}: {right}/4 right", model.Forward, gate, resolution: 80);
        AddFiringLine(plot, w, spec.Threshold);
        plot.HideLegend();   // four points only: a legend would hide one of them
        pictures.Add(plot);
    }

    // XOR is not linearly separable: whatever the start, a line gets at most 3 of the 4 points right.
    Lab.Heading("XOR from 20 different initial weights");
    var xor = Datasets.Xor();
    var best = Enumerable.Range(0, 20).Max(seed =>
    {
        using var model = backend.Build(spec, seed: (ulong)seed);
        model.Fit(xor, lab.Scale(500, 100), batchSize: 1);
        return model.Evaluate(xor).Accuracy!.Value;
    });
    Console.WriteLine($"Best accuracy over 20 starts: {best:P0}. One line cannot put (0,1) and (1,0) on one side and (0,0), (1,1) on the other;");
    Console.WriteLine("a hidden layer can (xor.cs).");

    // Points: class 0 dark, class 1 orange; the background shades o from 0 (grey) to 1 (orange); the line is o = θ.
    lab.SaveSideBySide("gates", 360, 360, [.. pictures]);
});

// The firing line: o = θ exactly where z = ln(θ / (1 − θ)), i.e. w1·x1 + w2·x2 + b = logit(θ).
static void AddFiringLine(Plot plot, LayerWeights w, double threshold)
{
    double logit = Math.Log(threshold / (1 - threshold));
    double w1 = w[0, 0], w2 = w[1, 0], b = w.Bias[0];
    var limits = plot.Axes.GetLimits();
    Coordinates[] ends = Math.Abs(w2) > 1e-12
        ? [new(limits.Left, (logit - b - w1 * limits.Left) / w2), new(limits.Right, (logit - b - w1 * limits.Right) / w2)]
        : [new((logit - b) / w1, limits.Bottom), new((logit - b) / w1, limits.Top)];
    var line = plot.Add.Line(ends[0], ends[1]);
    line.LineWidth = 2;
    line.LineColor = Colors.Black;
    line.LegendText = "o = θ";
    plot.Axes.SetLimits(limits);
}
