using System.Globalization;
using System.Text;

namespace Bridge.Managed.Teaching;

/// <summary>
/// Every number one training step of the teaching path computed, with the lecture's names: per sample and layer,
/// each node's net_j, o_j and δ_j; per weight, o_i·δ_j averaged over the batch, the change dw_ij and the weight
/// before and after. Layers are numbered from 0 (the first hidden layer); node i of layer 0's input is input x_i.
/// </summary>
public sealed class StepTrace
{
    private readonly ModelSpec _spec;
    private readonly List<NodeRecord> _nodes = [];
    private readonly List<WeightRecord> _weights = [];
    private readonly Dictionary<int, double[]> _inputs = [];
    private readonly Dictionary<(int Sample, int Layer), double[]> _outputs = [];
    private readonly Dictionary<(int Sample, int Layer), double[]> _deltas = [];

    internal StepTrace(ModelSpec spec, double learningRate)
    {
        _spec = spec;
        LearningRate = learningRate;
    }

    /// <summary>L, the learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>E on the batch before the step.</summary>
    public double Loss { get; private set; }

    public bool Applied { get; private set; }

    /// <summary>net_j, o_j, δ_j of every node for every sample.</summary>
    public IReadOnlyList<NodeRecord> Nodes => _nodes;

    /// <summary>Every weight's change (biases appear with <c>From</c> = "bias").</summary>
    public IReadOnlyList<WeightRecord> Weights => _weights;

    /// <summary>One node of one layer for one sample.</summary>
    public sealed record NodeRecord(int Sample, int Layer, int Node, double Net, double Output, double Delta);

    /// <summary>
    /// One weight w_ij of a layer: the batch mean of o_i·δ_j, the change dw_ij (= L·mean(o_i·δ_j) for plain SGD;
    /// what the optimizer did otherwise), and the weight before and after.
    /// </summary>
    public sealed record WeightRecord(int Layer, string From, int To, double OutputTimesDelta, double Change, double Before, double After);

    internal void AddSample(int sample, double[] inputs) => _inputs[sample] = inputs;

    internal void AddLayer(int sample, int layer, double[] nets, double[] outputs, double[] deltas)
    {
        for (int j = 0; j < nets.Length; j++) _nodes.Add(new NodeRecord(sample, layer, j, nets[j], outputs[j], deltas[j]));
        _outputs[(sample, layer)] = outputs;
        _deltas[(sample, layer)] = deltas;
    }

    internal void Complete(StepResult result, WeightSet before, WeightSet after)
    {
        Loss = result.Loss;
        Applied = result.Applied;
        int samples = _inputs.Count;
        for (int l = 0; l < before.Layers.Count; l++)
        {
            var w0 = before.Layers[l];
            var w1 = after.Layers[l];
            for (int i = 0; i <= w0.Inputs; i++)
                for (int j = 0; j < w0.Outputs; j++)
                {
                    bool bias = i == w0.Inputs;
                    double sum = 0;
                    for (int n = 0; n < samples; n++)
                    {
                        double o = bias ? 1.0 : l == 0 ? _inputs[n][i] : _outputs[(n, l - 1)][i];
                        sum += o * _deltas[(n, l)][j];
                    }
                    double b = bias ? w0.Bias[j] : w0[i, j];
                    double a = bias ? w1.Bias[j] : w1[i, j];
                    _weights.Add(new WeightRecord(l, bias ? "bias" : i.ToString(CultureInfo.InvariantCulture), j, sum / samples, a - b, b, a));
                }
        }
    }

    /// <summary>The trace as two aligned tables: nodes (forward and δ), then weights (changes).</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine($"One training step of {_spec.Describe()}");
        text.AppendLine($"L = {F(LearningRate)}, E before the step = {F(Loss)}{(Applied ? "" : " (step not applied: not finite)")}");
        text.AppendLine();
        text.AppendLine("Forward and backward, per node:  net_j = Σ_i o_i·w_ij + b_j   o_j = f(net_j)   δ_j = f'(net_j)·(t_j − o_j) or f'(net_j)·Σ_k δ_k·w_jk");
        var nodeRows = _nodes.Select(r => new[]
        {
            r.Sample.ToString(CultureInfo.InvariantCulture), WeightSet.LayerName(r.Layer), r.Node.ToString(CultureInfo.InvariantCulture),
            F(r.Net), F(r.Output), F(r.Delta),
        });
        AppendTable(text, ["sample", "layer", "node j", "net_j", "o_j", "δ_j"], nodeRows);
        text.AppendLine();
        text.AppendLine("Weight changes:  dw_ij = L·o_i·δ_j (mean over the batch; i = bias means o_i = 1)");
        var weightRows = _weights.Select(r => new[]
        {
            WeightSet.LayerName(r.Layer), r.From, r.To.ToString(CultureInfo.InvariantCulture),
            F(r.OutputTimesDelta), F(r.Change), F(r.Before), F(r.After),
        });
        AppendTable(text, ["layer", "from i", "to j", "o_i·δ_j", "dw_ij", "w before", "w after"], weightRows);
        return text.ToString();
    }

    public override string ToString() => ToTable();

    private static string F(double v) => v.ToString("0.000000;-0.000000", CultureInfo.InvariantCulture);

    private static void AppendTable(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var (row, index) in all.Select((r, i) => (r, i)))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (index == 0) text.AppendLine(string.Join("  ", widths.Select(w => new string('─', w))));
        }
    }
}
