namespace Bridge.Student;

/// <summary>One array a student's function returned, as Bridge read it: its shape and its values, row-major.</summary>
internal readonly record struct StudentArray(int[] Shape, double[] Values)
{
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    public static StudentArray Of(Matrix m) => new([m.Rows, m.Cols], m.Data);

    public static StudentArray Kernel(LayerWeights w) => new([w.Inputs, w.Outputs], w.Kernel);

    public static StudentArray Bias(LayerWeights w) => new([w.Outputs], w.Bias);
}
