using TorchSharp;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>Conversions between Bridge's float64 matrices and torch tensors of the model's dtype on its device.</summary>
internal static class TorchTensors
{
    public static ScalarType DType(Precision precision) => precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;

    public static Tensor FromMatrix(Matrix m, ScalarType dtype, Device device) =>
        FromValues(m.Data, [m.Rows, m.Cols], dtype, device);

    public static Tensor FromValues(double[] values, long[] shape, ScalarType dtype, Device device)
    {
        if (dtype == ScalarType.Float32)
        {
            var floats = new float[values.Length];
            for (int i = 0; i < values.Length; i++) floats[i] = (float)values[i];
            return torch.tensor(floats, shape, ScalarType.Float32, device);
        }
        return torch.tensor(values, shape, ScalarType.Float64, device);
    }

    public static Tensor Labels(int[] labels, Device device)
    {
        var longs = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++) longs[i] = labels[i];
        return torch.tensor(longs, [labels.Length], ScalarType.Int64, device);
    }

    /// <summary>The values of a tensor, widened to double, row-major.</summary>
    public static double[] ToDoubles(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = t.detach().cpu().contiguous();
        if (cpu.dtype == ScalarType.Float32)
        {
            var floats = cpu.data<float>().ToArray();
            var result = new double[floats.Length];
            for (int i = 0; i < floats.Length; i++) result[i] = floats[i];
            return result;
        }
        return cpu.to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>A one-element tensor's value as a double, whatever its floating-point dtype.</summary>
    public static double Scalar(Tensor t) => t.dtype == ScalarType.Float32 ? t.item<float>() : t.item<double>();

    public static Matrix ToMatrix(Tensor t)
    {
        var shape = t.shape;
        return new Matrix((int)shape[0], (int)shape[1], ToDoubles(t));
    }
}
