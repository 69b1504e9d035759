using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bridge.Benchmarks;

/// <summary>
/// A Bridge MLP's training as one writes it in TorchSharp directly: nn.Linear layers, functional activations,
/// torch.optim.SGD, one dispose scope per step, the data already on the device as tensors, batches index_select'ed by
/// a randperm, nothing read back. Cross-entropy on softmax outputs is nn.functional.cross_entropy on the logits (the
/// same function); other losses are mse_loss on the output layer's activation. What the benches time Bridge against.
/// </summary>
internal sealed class RawTorchSharpLoop : IDisposable
{
    private readonly Linear[] _layers;
    private readonly Activation[] _activations;
    private readonly bool _crossEntropy;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor _inputs, _targets;
    private readonly long _rows;
    private readonly Device _device;

    public RawTorchSharpLoop(Mlp spec, Dataset data, Device device)
    {
        var dtype = spec.Precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;
        _device = device;
        var widths = new List<int> { spec.Inputs };
        widths.AddRange(spec.Layers.Select(l => l.Units));
        _layers = [.. Enumerable.Range(0, spec.Layers.Count).Select(l => nn.Linear(widths[l], widths[l + 1], device: device, dtype: dtype))];
        _activations = [.. spec.Layers.Select(l => l.Activation)];
        _crossEntropy = spec.Loss == Loss.CategoricalCrossEntropy && _activations[^1] == Activation.Softmax;
        _optimizer = optim.SGD(_layers.SelectMany(l => l.parameters()), ((Sgd)spec.Optimizer).LearningRate);
        _rows = data.Count;
        _inputs = tensor(data.Features.Data, [data.Count, data.FeatureCount], dtype, device);
        _targets = _crossEntropy
            ? tensor(data.Labels!.Select(l => (long)l).ToArray(), [data.Count], ScalarType.Int64, device)
            : tensor(data.TargetsFor(spec).Data, [data.Count, spec.Outputs], dtype, device);
    }

    /// <summary>Seconds for one epoch, the device's queued work finished.</summary>
    public double Epoch(int batchSize)
    {
        var clock = Stopwatch.StartNew();
        using (var order = randperm(_rows, device: _device))
        {
            for (long start = 0; start < _rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var rows = order.narrow(0, start, Math.Min(batchSize, _rows - start));
                var x = _inputs.index_select(0, rows);
                var y = _targets.index_select(0, rows);
                _optimizer.zero_grad();
                var o = x;
                for (int l = 0; l < _layers.Length; l++)
                {
                    o = _layers[l].forward(o);
                    if (l < _layers.Length - 1 || !_crossEntropy) o = Activate(o, _activations[l]);
                }
                var loss = _crossEntropy ? nn.functional.cross_entropy(o, y) : nn.functional.mse_loss(o, y);
                loss.backward();
                _optimizer.step();
            }
        }
        if (_device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(_device);
        return clock.Elapsed.TotalSeconds;
    }

    private static Tensor Activate(Tensor net, Activation activation) => activation switch
    {
        Activation.Relu => nn.functional.relu(net),
        Activation.Sigmoid => sigmoid(net),
        Activation.Tanh => tanh(net),
        Activation.Softmax => nn.functional.softmax(net, 1),
        Activation.Linear => net,
        _ => throw new NotSupportedException($"The raw loop has no {activation}."),
    };

    public void Dispose()
    {
        _optimizer.Dispose();
        foreach (var layer in _layers) layer.Dispose();
        _inputs.Dispose();
        _targets.Dispose();
    }
}
