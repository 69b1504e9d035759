using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>Where the 512-bit tiles of <see cref="Sgemm"/> and <see cref="Dgemm"/> may run.</summary>
internal static class WideTiles
{
    /// <summary>
    /// Whether the processor has AVX-512 and the runtime accelerates 512-bit vectors: it does not where it was told to
    /// prefer narrower ones (DOTNET_PreferredVectorBitWidth), as on processors that slow their clock for them.
    /// </summary>
    public static bool Supported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
}
