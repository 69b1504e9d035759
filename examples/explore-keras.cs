#:project Bridge.Labs/Bridge.Labs.csproj
#:property Configuration=Release
// Lab 8: the course's "explore Keras" lab from C#: build, compile, fit, evaluate and predict a Keras model,
// then the same model, from the same initial weights, on every other backend side by side, and the weights' round trip:
// Keras's own .weights.h5 read into Bridge, and Bridge's read by Keras's load_weights.
//   dotnet run examples/explore-keras.cs [-- --quick]      (Keras: conda env create -f environment.yml; conda activate bridge)
using System.Diagnostics;
using Bridge;
using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Formats;
using Bridge.Keras;
using Bridge.Labs;
using Bridge.Plots;

return Lab.Run(args, lab =>
{
    var (train, test) = Lab.DigitsSplit();
    var spec = new Mlp(64, new Dense(32, Activation.Relu), new Dense(10, Activation.Softmax))
    {
        Loss = Loss.CategoricalCrossEntropy,
        Optimizer = new Adam(0.01),
    };
    var initial = spec.Init.Draw(spec, seed: 1);
    int epochs = lab.Scale(20, 3);
    var runs = new List<(string Name, History History)>();
    var results = new TextTable("backend", "how it trained", "test accuracy", "final training loss", "time");
    string fromKeras = Path.Combine(lab.OutputFolder, "explore-keras-from-keras.weights.h5");
    string fromBridge = Path.Combine(lab.OutputFolder, "explore-keras-from-bridge.weights.h5");
    Matrix? bridgeOutputs = null;

    Lab.Heading("Keras, its own way: Sequential, compile, fit, evaluate, predict");
    var keras = BackendCatalog.Get("keras");
    if (!keras.Availability.IsAvailable)
    {
        Console.WriteLine("Keras cannot run here, so this part is skipped. Why, and how to get it:");
        Console.WriteLine("  " + keras.Availability.Detail);
    }
    else
    {
        Console.WriteLine(keras.Availability.Detail);
        using var model = KerasSequential.Create(spec, initial);     // keras.Sequential([Input((64,)), Dense(32, "relu"), Dense(10, "softmax")])
        Console.WriteLine(model.Summary());
        model.Compile(KerasSequential.Optimizer("Adam", ("learning_rate", 0.01)), "sparse_categorical_crossentropy", ["accuracy"]);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(train.Features, train.Labels!, epochs: epochs, batch_size: 32,
            onEpochEnd: (epoch, logs) => Console.WriteLine($"epoch {epoch + 1,3}: " + string.Join(", ", logs.Select(kv => $"{kv.Key} {kv.Value:F4}"))));
        clock.Stop();
        var scores = model.Evaluate(test.Features, test.Labels!);
        Console.WriteLine("model.evaluate on the test set: " + string.Join(", ", scores.Select(kv => $"{kv.Key} {kv.Value:F4}")));
        var probabilities = model.Predict(test.Features.SelectRows([0, 1, 2, 3, 4]));
        var classes = probabilities.ArgMaxPerRow();
        for (int n = 0; n < probabilities.Rows; n++)
            Console.WriteLine($"model.predict, test digit {n}: {string.Join(" ", probabilities.Row(n).ToArray().Select(p => p.ToString("F2")))} → {classes[n]}, label {test.Labels![n]}");
        results.Add("keras", "model.fit (Keras's own batches)", scores["accuracy"].ToString("P2"), history["loss"][^1].ToString("F4"), $"{clock.Elapsed.TotalSeconds:F2} s");

        // Keras → .weights.h5 → Bridge: Keras saves with its own save_weights; Bridge reads the file into its engine.
        using (Bridge.Python.Python.Gil()) model.Model.CallMethod("save_weights", fromKeras).Dispose();
        using var inBridge = BackendCatalog.Get("managed").Build(spec, WeightFormats.Load(fromKeras, spec));
        Console.WriteLine($"Keras's {Path.GetFileName(fromKeras)} in Bridge's engine: test accuracy {inBridge.Evaluate(test).Accuracy:P2}, " +
                          $"relative difference from Keras's predictions {Agreement.RelativeError(inBridge.Predict(test.Features), model.Predict(test.Features)):G2}");
    }

    // Bridge's trainer hands every backend the same batches in the same order, so these runs are comparable number for number.
    Lab.Heading($"The same model on every backend: same initial weights, same batches ({epochs} epochs, batch 32)");
    var (usable, unusable) = BackendCatalog.ThatCanRun(spec);
    foreach (var backend in usable.Where(b => b.Name != "managed-teaching" || !lab.Quick))
    {
        using var model = backend.Build(spec, initial);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(train, epochs, batchSize: 32, seed: 1);
        clock.Stop();
        var evaluation = model.Evaluate(test);
        results.Add(backend.Name, "Bridge's trainer", evaluation.Accuracy!.Value.ToString("P2"), history.Last!.Loss.ToString("F4"), $"{clock.Elapsed.TotalSeconds:F2} s");
        runs.Add((backend.Name, history));
        if (backend.Name == "managed")
        {
            model.SaveWeights(fromBridge);     // the same call writes .pt for PyTorch, .onnx for ONNX Runtime
            bridgeOutputs = model.Predict(test.Features);
        }
    }
    results.Print();
    foreach (var (name, reason) in unusable) Console.WriteLine($"{name}: not run ({reason.Split('\n')[0]})");

    // Bridge → .weights.h5 → Keras: the weights Bridge's engine trained, loaded by Keras's own load_weights.
    if (keras.Availability.IsAvailable && bridgeOutputs is not null)
    {
        using var back = KerasSequential.Create(spec);
        using (Bridge.Python.Python.Gil()) back.Model.CallMethod("load_weights", fromBridge).Dispose();
        Console.WriteLine($"Bridge's {Path.GetFileName(fromBridge)} in Keras (load_weights): relative difference from Bridge's predictions " +
                          $"{Agreement.RelativeError(back.Predict(test.Features), bridgeOutputs):G2}");
    }

    lab.Save(LineChart.LossCurves(runs, "Training loss per epoch, same start and batches on every backend"), "loss");
}, takesBackend: false);
