namespace Bridge.Plots;

/// <summary>
/// Where a node of two inputs changes its mind: the line w1·x1 + w2·x2 + b = 0 on which its net input is zero
/// (a sigmoid node answers 0.5 there). The lecture draws a hidden layer as these lines: each hidden node cuts the
/// plane in two, and the output node combines the halves.
/// </summary>
public sealed record NodeLine(string Label, double W1, double W2, double Bias)
{
    /// <summary>The line of hidden node <paramref name="node"/> of the first layer (its column of w_ij and its b_j).</summary>
    public static NodeLine OfHiddenNode(LayerWeights firstLayer, int node, string? label = null)
    {
        if (firstLayer.Inputs != 2)
            throw new ArgumentException($"A node's line in the plane needs a layer of 2 inputs; this layer has {firstLayer.Inputs}.", nameof(firstLayer));
        if ((uint)node >= (uint)firstLayer.Outputs)
            throw new ArgumentOutOfRangeException(nameof(node), $"The layer has nodes 0..{firstLayer.Outputs - 1}; {node} asked for.");
        return new NodeLine(label ?? $"hidden node {node + 1}", firstLayer[0, node], firstLayer[1, node], firstLayer.Bias[node]);
    }

    /// <summary>
    /// The part of the line inside the rectangle, as its two ends; null when the line misses the rectangle (or the
    /// node ignores both inputs, w1 = w2 = 0, and has no line).
    /// </summary>
    public ((double X, double Y) From, (double X, double Y) To)? Within(double xMin, double xMax, double yMin, double yMax)
    {
        var ends = new List<(double X, double Y)>();
        void Add(double x, double y)
        {
            const double slack = 1e-9;
            if (x >= xMin - slack && x <= xMax + slack && y >= yMin - slack && y <= yMax + slack && !ends.Any(e => Math.Abs(e.X - x) + Math.Abs(e.Y - y) < 1e-12))
                ends.Add((x, y));
        }
        if (W2 != 0)
            foreach (double x in new[] { xMin, xMax }) Add(x, -(W1 * x + Bias) / W2);
        if (W1 != 0)
            foreach (double y in new[] { yMin, yMax }) Add(-(W2 * y + Bias) / W1, y);
        return ends.Count >= 2 ? (ends[0], ends[1]) : null;
    }
}
