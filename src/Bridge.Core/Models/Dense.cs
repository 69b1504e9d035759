namespace Bridge;

/// <summary>A fully connected layer of <paramref name="Units"/> nodes: net_j = Σ_i o_i·w_ij + b_j, o_j = f(net_j).</summary>
public sealed record Dense(int Units, Activation Activation = Activation.Sigmoid)
{
    public override string ToString() => $"{Units}({Activation.Name()})";
}
