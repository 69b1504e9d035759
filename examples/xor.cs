#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 3: a 2-4-1 MLP learns XOR, which no single perceptron can.
//   dotnet run examples/xor.cs [-- --backend managed|managed-teaching|torch|keras|sklearn] [--quick]
using Bridge;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var xor = Datasets.Xor();
    var spec = new Mlp(2, new Dense(4, Activation.Sigmoid), new Dense(1, Activation.Sigmoid))
    {
        Loss = Loss.HalfSquaredError,
        Optimizer = new Sgd(0.5, Momentum: 0.9),
    };
    var backend = lab.Backend(spec);
    int epochs = lab.Scale(1000, 300);
    Console.WriteLine($"{spec.Describe()} on {backend.Name}: {epochs} epochs, one sample per step, seed 1.");

    using var model = backend.Build(spec, seed: 1);
    var history = model.Fit(xor, epochs, batchSize: 1, seed: 1);

    Lab.Heading("What the trained net answers");
    var hidden = model.ForwardRange(xor.Features, 0, 1);
    var o = model.Forward(xor.Features);
    var table = new TextTable("x1", "x2", "hidden o_1..o_4", "o", "class", "target");
    for (int n = 0; n < xor.Count; n++)
        table.Add(xor.Features[n, 0], xor.Features[n, 1],
            string.Join(" ", Enumerable.Range(0, 4).Select(j => hidden[n, j].ToString("F2"))),
            o[n, 0].ToString("F3"), o[n, 0] > 0.5 ? 1 : 0, xor.Labels![n]);
    table.Print();
    var evaluation = model.Evaluate(xor);
    Console.WriteLine($"Loss E = {evaluation.Loss:G4}, accuracy {evaluation.Accuracy:P0}.");
    int solvedAt = history.Epochs.ToList().FindIndex(e => e.Accuracy == 1.0);
    Console.WriteLine(solvedAt >= 0 ? $"Every point right from epoch {solvedAt + 1} on the way." : "Not solved in this many epochs: try more, or another seed.");

    // The lecture's picture of a hidden layer: each hidden node j cuts the plane along w_1j·x1 + w_2j·x2 + b_j = 0, where
    // its o_j = 0.5; the output node combines the four halves into the shading.
    var firstLayer = model.GetWeights()[0];
    var lines = Enumerable.Range(0, firstLayer.Outputs).Select(j => NodeLine.OfHiddenNode(firstLayer, j)).ToList();
    Lab.Heading("Where each hidden node switches (o_j = 0.5): the dashed lines of xor-boundary.png");
    foreach (var line in lines)
        Console.WriteLine($"{line.Label}: {line.W1:+0.00;-0.00}·x1 {line.W2:+0.00;-0.00}·x2 {line.Bias:+0.00;-0.00} = 0");
    lab.Save(DecisionBoundaryChart.Create($"XOR, 2-4-1 net on {backend.Name}", model.Forward, xor,
        resolution: 120, lines: lines), "boundary", 720, 480);
    lab.Save(LineChart.Create("Loss per epoch", "epoch", "E = ½·Σ (t − o)², mean over samples",
        [("loss", history.Losses())], logY: true), "loss");
});
