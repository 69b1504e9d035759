#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 9: a simple net in scikit-learn, trained and run from C#, then compared with Bridge's own engine.
//   dotnet run examples/sklearn-mlp.cs [-- --quick]      (needs a Python with scikit-learn: apt-get install python3-sklearn)
using System.Diagnostics;
using Bridge;
using Bridge.Labs;
using Bridge.Managed;
using Bridge.Plots;
using Bridge.Python;

return Lab.Run(args, lab =>
{
    // Part 2's net, checked before anything runs: scikit-learn must be importable here and able to express it.
    var spec = new Mlp(64, new Dense(32, Activation.Relu), new Dense(10, Activation.Softmax)) { Optimizer = new Sgd(0.05, Momentum: 0.9) };
    var sklearn = Lab.Backend("sklearn", spec);
    var (train, test) = Lab.DigitsSplit();
    int epochs = lab.Scale(50, 5);

    // Part 1, scikit-learn's own way, as the course's lab writes it in Python:
    //   clf = MLPClassifier(hidden_layer_sizes=(32,), max_iter=50, random_state=1).fit(X_train, y_train); clf.score(X_test, y_test)
    Lab.Heading("scikit-learn's own way: MLPClassifier(...).fit(X, y), then score and predict");
    using (Python.Gil())
    {
        using var networks = Python.Import("sklearn.neural_network");
        using var warnings = Python.Import("warnings");
        warnings.CallMethod("filterwarnings", "ignore").Dispose();   // max_iter is small on purpose: no ConvergenceWarning
        using var classifier = networks.CallMethod("MLPClassifier", [], new Dictionary<string, object?>
        {
            ["hidden_layer_sizes"] = new object?[] { 32 },
            ["max_iter"] = epochs,
            ["random_state"] = 1,
        });
        using var xTrain = NumpyArrays.FromDoubles(train.Features.Data, train.Count, train.FeatureCount);
        using var yTrain = PyObject.From(train.Labels!.Select(l => (object?)(long)l).ToArray());
        using var xTest = NumpyArrays.FromDoubles(test.Features.Data, test.Count, test.FeatureCount);
        using var yTest = PyObject.From(test.Labels!.Select(l => (object?)(long)l).ToArray());
        var clock = Stopwatch.StartNew();
        classifier.CallMethod("fit", xTrain, yTrain).Dispose();
        clock.Stop();
        using var score = classifier.CallMethod("score", xTest, yTest);
        using var predicted = classifier.CallMethod("predict", xTest);
        using var iterations = classifier.GetAttr("n_iter_");
        Console.WriteLine($"{classifier.Repr()}: {iterations.ToInt64()} epochs in {clock.Elapsed.TotalSeconds:F2} s, test accuracy {score.ToDouble():P2}");
        Console.WriteLine("predict on the first 10 test digits: " + string.Join(" ", predicted.ToList().Take(10).Select(p => { using (p) return p.ToInt64(); })) +
            "   labels: " + string.Join(" ", test.Labels!.Take(10)));
    }

    // Part 2: the same net through Bridge, where scikit-learn is a backend like any other: the same initial weights
    // (set through coefs_ and intercepts_) and the same batches (each one step by scikit-learn's own backpropagation
    // and optimizer) as the managed engine.
    var initial = spec.Init.Draw(spec, seed: 1);
    Lab.Heading($"{spec.Describe()}: scikit-learn and Bridge's engine from the same weights and batches, {epochs} epochs");
    var results = new TextTable("backend", "test accuracy", "final training loss", "time");
    var runs = new List<(string Name, History History, WeightSet Weights)>();
    foreach (var backend in new[] { sklearn, ManagedBackend.Batched })
    {
        using var model = backend.Build(spec, initial);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(train, epochs, batchSize: 32, seed: 1);
        clock.Stop();
        results.Add(backend.Name, model.Evaluate(test).Accuracy!.Value.ToString("P2"), history.Last!.Loss.ToString("F6"), $"{clock.Elapsed.TotalSeconds:F2} s");
        runs.Add((backend.Name, history, model.GetWeights()));
    }
    results.Print();
    double lossGap = runs[0].History.Losses().Zip(runs[1].History.Losses(), (a, b) => Math.Abs(a - b) / Math.Abs(b)).Max();
    Console.WriteLine($"Largest relative difference in any epoch's loss: {lossGap:G2}; in the final weights: {Agreement.RelativeError(runs[0].Weights, runs[1].Weights):G2}.");
    Console.WriteLine("(Both compute in float64; what differs is only the order of additions, so the runs agree to rounding.)");

    lab.Save(LineChart.LossCurves(runs.Select(r => (r.Name, r.History)), "scikit-learn and Bridge's engine: loss per epoch"), "loss");
}, takesBackend: false);
