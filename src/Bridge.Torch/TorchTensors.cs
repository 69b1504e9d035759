using System.Runtime.InteropServices;
using Bridge.Backends;
using TorchSharp;
using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// Conversions between Bridge's float64 matrices and torch tensors of the model's dtype on its device; every copy is
/// counted by <see cref="DeviceTransfers"/>.
/// </summary>
internal static class TorchTensors
{
    public static ScalarType DType(Precision precision) => precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.Float64;

    public static Tensor FromMatrix(Matrix m, ScalarType dtype, Device device) =>
        FromValues(m.Data, [m.Rows, m.Cols], dtype, device);

    /// <summary>
    /// A data set's rows as a [rows, cols] tensor: float64 values as <see cref="FromMatrix"/>; bytes written straight into
    /// the tensor's memory, each byte × scale in float64 rounded to the dtype (the values of the float64 matrix). The
    /// caller has checked that the scaled bytes stay finite in the dtype (<see cref="InputChecks.ByteScale"/>).
    /// </summary>
    public static Tensor FromRows(FeatureRows rows, ScalarType dtype, Device device)
    {
        if (rows.Values is { } values) return FromMatrix(values, dtype, device);
        long bytes = (long)rows.Rows * rows.Cols * (dtype == ScalarType.Float32 ? sizeof(float) : sizeof(double));
        if (bytes > int.MaxValue) return FromMatrix(rows.AsMatrix(), dtype, device);
        var host = torch.empty([rows.Rows, rows.Cols], dtype, torch.CPU);
        var source = rows.Bytes;
        int cols = rows.Cols;
        double scale = rows.Scale;
        if (dtype == ScalarType.Float32)
        {
            var floats = MemoryMarshal.Cast<byte, float>(host.bytes);
            for (int r = 0; r < rows.Rows; r++)
            {
                var row = source.Slice(rows.ByteRowOf(r) * cols, cols);
                var target = floats.Slice(r * cols, cols);
                for (int c = 0; c < cols; c++) target[c] = (float)(row[c] * scale);
            }
        }
        else
        {
            var doubles = MemoryMarshal.Cast<byte, double>(host.bytes);
            for (int r = 0; r < rows.Rows; r++)
            {
                var row = source.Slice(rows.ByteRowOf(r) * cols, cols);
                var target = doubles.Slice(r * cols, cols);
                for (int c = 0; c < cols; c++) target[c] = row[c] * scale;
            }
        }
        if (device.type == DeviceType.CPU) return DeviceTransfers.Written(host);
        using (host) return DeviceTransfers.Written(host.to(device));
    }

    public static Tensor FromValues(double[] values, long[] shape, ScalarType dtype, Device device)
    {
        long bytes = (long)values.Length * (dtype == ScalarType.Float32 ? sizeof(float) : sizeof(double));
        if (bytes > int.MaxValue) return FromValuesThroughArray(values, shape, dtype, device);
        // Written straight into the tensor's memory: a float[] in between, which torch.tensor then copies, would be a
        // second fresh allocation the size of the data, and the first touch of fresh memory is most of the cost of
        // copying a data set (about half a second for Fashion-MNIST's 188 MB in float32).
        var host = torch.empty(shape, dtype, torch.CPU);
        if (dtype == ScalarType.Float32)
        {
            var floats = MemoryMarshal.Cast<byte, float>(host.bytes);
            for (int i = 0; i < values.Length; i++) floats[i] = (float)values[i];
        }
        else values.AsSpan().CopyTo(MemoryMarshal.Cast<byte, double>(host.bytes));
        if (device.type == DeviceType.CPU) return DeviceTransfers.Written(host);
        using (host) return DeviceTransfers.Written(host.to(device));
    }

    /// <summary>A tensor over 2 GB, which one span cannot address: through a .NET array, as TorchSharp takes it.</summary>
    private static Tensor FromValuesThroughArray(double[] values, long[] shape, ScalarType dtype, Device device)
    {
        if (dtype == ScalarType.Float32)
        {
            var floats = new float[values.Length];
            for (int i = 0; i < values.Length; i++) floats[i] = (float)values[i];
            return DeviceTransfers.Written(torch.tensor(floats, shape, ScalarType.Float32, device));
        }
        return DeviceTransfers.Written(torch.tensor(values, shape, ScalarType.Float64, device));
    }

    public static Tensor Indices(ReadOnlySpan<int> values, Device device)
    {
        var longs = new long[values.Length];
        for (int i = 0; i < values.Length; i++) longs[i] = values[i];
        return DeviceTransfers.Written(torch.tensor(longs, [values.Length], ScalarType.Int64, device));
    }

    /// <summary>The values of a tensor, widened to double, row-major (one device→host read).</summary>
    public static double[] ToDoubles(Tensor t) => DeviceTransfers.ReadDoubles(t);

    /// <summary>A one-element tensor's value as a double, whatever its floating-point dtype (one device→host read).</summary>
    public static double Scalar(Tensor t) => DeviceTransfers.ReadDoubles(t)[0];

    public static Matrix ToMatrix(Tensor t)
    {
        var shape = t.shape;
        return new Matrix((int)shape[0], (int)shape[1], ToDoubles(t));
    }
}
