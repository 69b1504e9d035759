using static TorchSharp.torch;

namespace Bridge.Torch;

/// <summary>
/// Every copy between the host and the model's device passes here, and is counted: on CUDA each is a stall of the
/// stream (a device→host read waits for all queued work), so their number per training step is a property worth
/// testing, on the CPU as on a card. The counts are per thread.
/// </summary>
public static class DeviceTransfers
{
    [ThreadStatic] private static long _reads, _writes;

    /// <summary>Device→host reads on this thread so far.</summary>
    public static long Reads => _reads;

    /// <summary>Host→device copies on this thread so far.</summary>
    public static long Writes => _writes;

    /// <summary>The values of <paramref name="t"/> (any floating dtype) widened to double, row-major: one read.</summary>
    internal static double[] ReadDoubles(Tensor t)
    {
        _reads++;
        using var scope = NewDisposeScope();
        var cpu = t.detach().cpu().contiguous();
        if (cpu.dtype == ScalarType.Float32)
        {
            var floats = cpu.data<float>().ToArray();
            var result = new double[floats.Length];
            for (int i = 0; i < result.Length; i++) result[i] = floats[i];
            return result;
        }
        return cpu.to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>Counts one host→device copy (the caller makes it).</summary>
    internal static T Written<T>(T copy)
    {
        _writes++;
        return copy;
    }
}
