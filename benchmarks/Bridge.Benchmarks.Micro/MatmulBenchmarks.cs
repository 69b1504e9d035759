using BenchmarkDotNet.Attributes;
using Bridge.Managed.Kernels;
using TorchSharp;

namespace Bridge.Benchmarks.Micro;

/// <summary>float32 square matrix products: the managed kernel against libtorch's matmul.</summary>
public class MatmulBenchmarks
{
    private float[] _a = null!, _b = null!, _c = null!;
    private torch.Tensor _ta = null!, _tb = null!;

    [Params(512, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _a = Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[Size * Size];
        _ta = torch.tensor(_a, [Size, Size]);
        _tb = torch.tensor(_b, [Size, Size]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ta.Dispose();
        _tb.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Torch()
    {
        using var c = torch.matmul(_ta, _tb);
    }

    [Benchmark]
    public void Managed() => Gemm<float>.MultiplyAddBias(_a, Size, Size, _b, Size, [], _c);
}
