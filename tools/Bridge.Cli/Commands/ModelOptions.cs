using System.CommandLine;
using Bridge.Comparison;

namespace Bridge.Cli;

/// <summary>The options that say what to train and how, shared by <c>bridge-nn compare</c> and <c>bridge-nn train</c>.</summary>
internal sealed class ModelOptions
{
    private readonly Option<string> _model = new("--model") { Description = "perceptron, mlp or autoencoder.", DefaultValueFactory = _ => "mlp" };
    private readonly Option<string?> _layers = new("--layers") { Description = "Layer sizes, input width first, e.g. 64,32,10 (autoencoder: 64,32,2 = encoder; the decoder mirrors it). Default: input,32,32,outputs." };
    private readonly Option<string?> _activation = new("--activation") { Description = "Hidden layers' activation: sigmoid, tanh, relu, linear. Default tanh (perceptron: sigmoid)." };
    private readonly Option<string?> _outputActivation = new("--output-activation") { Description = "Output layer's activation. Default: softmax for several classes, sigmoid for two, linear for values." };
    private readonly Option<string?> _codeActivation = new("--code-activation") { Description = "An autoencoder's code layer activation. Default linear." };
    private readonly Option<string?> _loss = new("--loss") { Description = "half-squared-error (the lecture's), mse, binary-crossentropy, categorical-crossentropy. Default: categorical-crossentropy on softmax, else half-squared-error." };
    private readonly Option<string> _optimizer = new("--optimizer") { Description = "sgd or adam.", DefaultValueFactory = _ => "sgd" };
    private readonly Option<double?> _learningRate = new("--learning-rate", "--lr") { Description = "Learning rate L. Default 0.1 (sgd), 0.001 (adam)." };
    private readonly Option<double> _momentum = new("--momentum") { Description = "SGD momentum μ.", DefaultValueFactory = _ => 0.9 };
    private readonly Option<bool> _nesterov = new("--nesterov") { Description = "Use Nesterov momentum." };
    private readonly Option<double> _beta1 = new("--beta1") { Description = "Adam β1.", DefaultValueFactory = _ => 0.9 };
    private readonly Option<double> _beta2 = new("--beta2") { Description = "Adam β2.", DefaultValueFactory = _ => 0.999 };
    private readonly Option<double> _epsilon = new("--epsilon") { Description = "Adam ε.", DefaultValueFactory = _ => 1e-8 };
    private readonly Option<string?> _init = new("--init") { Description = "Initial weights: glorot-uniform (default), glorot-normal, he-uniform, he-normal, torch-default, uniform:LIMIT." };
    private readonly Option<string?> _corruption = new("--corruption") { Description = "Denoising autoencoder input corruption: gaussian:SIGMA, masking:FRACTION, salt-and-pepper:FRACTION." };
    private readonly Option<string> _data = new("--data") { Description = "xor, and, or, nand, moons, circles, spirals, blobs, digits, fashion-mnist, or a file (.csv, IDX).", DefaultValueFactory = _ => "spirals" };
    private readonly Option<double> _testFraction = new("--test-fraction") { Description = "Share of the data held out to measure accuracy after training (0: measure on the training set).", DefaultValueFactory = _ => 0.2 };
    private readonly Option<int> _epochs = new("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Samples per step.", DefaultValueFactory = _ => 32 };
    private readonly Option<string> _precision = new("--precision") { Description = "float32 or float64.", DefaultValueFactory = _ => "float64" };
    private readonly Option<string?> _device = new("--device") { Description = "Device for torch: cpu, cuda, cuda:N or auto. Default cpu." };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seeds initial weights, batch order and the train/test split.", DefaultValueFactory = _ => 0UL };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
        {
            _model, _layers, _activation, _outputActivation, _codeActivation, _loss, _optimizer, _learningRate, _momentum,
            _nesterov, _beta1, _beta2, _epsilon, _init, _corruption, _data, _testFraction, _epochs, _batchSize, _precision,
            _device, _seed,
        }) command.Options.Add(option);
    }

    public CompareSettings Read(ParseResult result) => new()
    {
        Model = result.GetValue(_model)!,
        Layers = result.GetValue(_layers),
        Activation = result.GetValue(_activation),
        OutputActivation = result.GetValue(_outputActivation),
        CodeActivation = result.GetValue(_codeActivation),
        Loss = result.GetValue(_loss),
        Optimizer = result.GetValue(_optimizer)!,
        LearningRate = result.GetValue(_learningRate),
        Momentum = result.GetValue(_momentum),
        Nesterov = result.GetValue(_nesterov),
        Beta1 = result.GetValue(_beta1),
        Beta2 = result.GetValue(_beta2),
        Epsilon = result.GetValue(_epsilon),
        Init = result.GetValue(_init),
        Corruption = result.GetValue(_corruption),
        Data = result.GetValue(_data)!,
        TestFraction = result.GetValue(_testFraction),
        Epochs = result.GetValue(_epochs),
        BatchSize = result.GetValue(_batchSize),
        Precision = result.GetValue(_precision)!,
        Device = result.GetValue(_device),
        Seed = result.GetValue(_seed),
    };
}
