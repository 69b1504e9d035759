using Bridge.Backends;

namespace Bridge.Torch;

/// <summary>
/// The Bridge API on libtorch through TorchSharp: CPU by default, CUDA when the build references a CUDA libtorch
/// (build property TorchCuda=true) and a device is present.
/// </summary>
public sealed class TorchBackend(string device = "cpu") : IPortableBackend
{
    /// <summary>The device name asked for: cpu, cuda, cuda:N or auto.</summary>
    public string DeviceName { get; } = device;

    public string Name => "torch";

    /// <summary>
    /// The file of Python torch's libtorch binding when Python's torch is loaded in this process (Keras on torch loads
    /// it), else null. TorchSharp's libtorch cannot load beside it: the two abort the process they share. Where this is
    /// not null, run torch in a worker process (Bridge.Isolation).
    /// </summary>
    public static string? PythonTorchInProcess => NativeLibraries.Loaded("libtorch_python");

    public BackendRecipe Recipe => BackendRecipe.For<TorchBackend>(DeviceName);

    public BackendAvailability Availability
    {
        get
        {
            if (!TorchRuntime.Loaded) return BackendAvailability.Unavailable(TorchRuntime.Detail);
            try
            {
                var resolved = TorchDevice.Resolve(DeviceName);
                string precision = resolved.type == TorchSharp.DeviceType.CUDA
                    ? $", float32 products {(TorchDevice.Tf32ForFloat32Products ? "in TF32" : "in IEEE float32 (TF32 off)")}"
                    : "";
                return BackendAvailability.Available($"{TorchRuntime.Detail}, device {resolved}{precision}");
            }
            catch (Exception e) when (e is BackendUnavailableException or ArgumentException)
            {
                return BackendAvailability.Unavailable(e is BackendUnavailableException u ? u.Reason : e.Message);
            }
        }
    }

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initialWeights);
        spec.Validate();
        initialWeights.EnsureMatches(spec);
        TorchRuntime.EnsureLoaded();
        return new TorchModel(spec, initialWeights, TorchDevice.Resolve(DeviceName));
    }
}
