using System.Globalization;

namespace Bridge.Comparison;

/// <summary>
/// Turns the command line's settings into a <see cref="ComparisonPlan"/>, with a clear <see cref="UsageException"/>
/// for anything that does not fit (unknown names, layer sizes that do not match the data, bad numbers).
/// </summary>
public static class PlanBuilder
{
    /// <param name="loadData">Resolves a data set name or file path (injected so tests can give their own).</param>
    public static ComparisonPlan Build(CompareSettings settings, Func<string, ulong, Dataset> loadData)
    {
        Dataset all;
        try
        {
            all = loadData(settings.Data, settings.Seed);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException or DirectoryNotFoundException)
        {
            throw new UsageException($"--data {settings.Data}: {UsageException.MessageOf(e)}", e);
        }
        var (train, test) = Split(all, settings);
        var spec = Spec(settings, train);
        try
        {
            spec.Validate();
            train.EnsureFits(spec);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"The model does not fit: {UsageException.MessageOf(e)}", e);
        }
        if (settings.Epochs < 1) throw new UsageException($"--epochs must be at least 1, got {settings.Epochs}.");
        if (settings.BatchSize < 1) throw new UsageException($"--batch-size must be at least 1, got {settings.BatchSize}.");
        if (settings.KSteps < 1) throw new UsageException($"--k-steps must be at least 1, got {settings.KSteps}.");
        return new ComparisonPlan(spec, train, new TrainingOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
        })
        {
            Test = test,
            WeightSeed = settings.Seed,
            Reference = settings.Reference,
            KSteps = settings.KSteps,
        };
    }

    private static (Dataset Train, Dataset? Test) Split(Dataset all, CompareSettings settings)
    {
        if (settings.TestFraction == 0 || all.Count < 10) return (all, null);
        if (!(settings.TestFraction > 0 && settings.TestFraction < 1))
            throw new UsageException($"--test-fraction must lie in [0, 1), got {settings.TestFraction}.");
        // A seeded permutation: the same split for every backend and every run with this seed.
        var order = Rng.ForStream(settings.Seed, Rng.Streams.Split).Permutation(all.Count);
        int testCount = Math.Max(1, (int)Math.Round(all.Count * settings.TestFraction));
        return (all.Subset(order.AsSpan(testCount), all.Name), all.Subset(order.AsSpan(0, testCount), all.Name + " (test)"));
    }

    internal static ModelSpec Spec(CompareSettings s, Dataset data)
    {
        var precision = Parse(() => PrecisionExtensions.Parse(s.Precision), "--precision");
        var optimizer = Optimizer(s);
        var init = s.Init is null ? WeightInit.GlorotUniform : Parse(() => WeightInit.Parse(s.Init), "--init");
        Loss? loss = s.Loss is null ? null : Parse(() => LossNames.Parse(s.Loss), "--loss");
        int outputs = data.IsClassification ? (data.ClassCount == 2 ? 1 : data.ClassCount) : data.Values?.Cols ?? data.FeatureCount;
        var sizes = Sizes(s.Layers, data);
        ModelSpec spec;
        switch (s.Model.Trim().ToLowerInvariant())
        {
            case "perceptron":
            {
                if (sizes is not null && sizes.Count != 2)
                    throw new UsageException($"A perceptron has inputs and outputs only: --layers {data.FeatureCount},{outputs}, not {s.Layers}.");
                if (s.Activation is not null && !s.Activation.Equals("sigmoid", StringComparison.OrdinalIgnoreCase))
                    throw new UsageException("A perceptron's activation is the logistic function (sigmoid).");
                spec = new Perceptron(data.FeatureCount, sizes?[1] ?? outputs);
                break;
            }
            case "mlp":
            {
                var hidden = Activation(s.Activation, "--activation", Bridge.Activation.Tanh);
                var output = Activation(s.OutputActivation, "--output-activation",
                    !data.IsClassification ? Bridge.Activation.Linear
                    : outputs == 1 ? Bridge.Activation.Sigmoid : Bridge.Activation.Softmax);
                var units = sizes?.Skip(1).ToList() ?? [32, 32, outputs];
                if (units.Count < 1) throw new UsageException("--layers needs the input width and at least one layer.");
                spec = new Mlp(data.FeatureCount, units.Select((u, i) => new Dense(u, i == units.Count - 1 ? output : hidden)));
                break;
            }
            case "autoencoder":
            {
                var hidden = Activation(s.Activation, "--activation", Bridge.Activation.Tanh);
                var code = Activation(s.CodeActivation, "--code-activation", Bridge.Activation.Linear);
                var output = Activation(s.OutputActivation, "--output-activation", InUnitInterval(data) ? Bridge.Activation.Sigmoid : Bridge.Activation.Linear);
                var encoder = sizes?.Skip(1).ToList() ?? [Math.Min(32, Math.Max(2, data.FeatureCount / 2)), 2];
                if (encoder.Count < 1) throw new UsageException("--layers for an autoencoder: input width, hidden sizes, code size (e.g. 64,32,2).");
                var ae = Autoencoder.Symmetric(data.FeatureCount, encoder.Take(encoder.Count - 1).ToList(), encoder[^1], hidden, code, output);
                spec = s.Corruption is null ? ae : ae with { Corruption = ParseCorruption(s.Corruption) };
                break;
            }
            default:
                throw new UsageException($"Unknown --model '{s.Model}': expected perceptron, mlp or autoencoder.");
        }
        spec = spec with { Optimizer = optimizer, Precision = precision, Init = init };
        return loss is null ? spec : spec with { Loss = loss.Value };
    }

    private static List<int>? Sizes(string? layers, Dataset data)
    {
        if (layers is null) return null;
        var sizes = new List<int>();
        foreach (var part in layers.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1)
                throw new UsageException($"--layers takes positive whole numbers separated by commas (input width first), e.g. 64,32,10; '{part}' is not one.");
            sizes.Add(size);
        }
        if (sizes.Count < 2) throw new UsageException($"--layers needs the input width and at least one layer, e.g. {data.FeatureCount},32,10.");
        if (sizes[0] != data.FeatureCount)
            throw new UsageException($"--layers starts with the input width {sizes[0]}, but data set '{data.Name}' has {data.FeatureCount} features per sample.");
        return sizes;
    }

    private static Optimizer Optimizer(CompareSettings s)
    {
        Optimizer optimizer = s.Optimizer.Trim().ToLowerInvariant() switch
        {
            "sgd" => new Sgd(s.LearningRate ?? 0.1, s.Momentum, s.Nesterov),
            "adam" => new Adam(s.LearningRate ?? 0.001, s.Beta1, s.Beta2, s.Epsilon),
            _ => throw new UsageException($"Unknown --optimizer '{s.Optimizer}': expected sgd or adam."),
        };
        try
        {
            optimizer.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(UsageException.MessageOf(e), e);
        }
        return optimizer;
    }

    private static Corruption ParseCorruption(string text)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount))
            throw new UsageException($"--corruption takes KIND:AMOUNT (gaussian:0.3, masking:0.25, salt-and-pepper:0.1), not '{text}'.");
        Corruption corruption = parts[0].ToLowerInvariant() switch
        {
            "gaussian" => Corruption.Gaussian(amount),
            "masking" => Corruption.Masking(amount),
            "salt-and-pepper" => Corruption.SaltAndPepper(amount),
            _ => throw new UsageException($"Unknown corruption '{parts[0]}': expected gaussian, masking or salt-and-pepper."),
        };
        try { corruption.Validate(); }
        catch (ArgumentException e) { throw new UsageException(UsageException.MessageOf(e), e); }
        return corruption;
    }

    private static Activation Activation(string? name, string option, Activation fallback) =>
        name is null ? fallback : Parse(() => ActivationNames.Parse(name), option);

    private static bool InUnitInterval(Dataset data) => data.Features.Data.All(v => v >= 0 && v <= 1);

    private static T Parse<T>(Func<T> parse, string option)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {UsageException.MessageOf(e)}", e);
        }
    }
}
