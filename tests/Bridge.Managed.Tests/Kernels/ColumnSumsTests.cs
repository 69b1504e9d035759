using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The bias gradient's column sums, bit for bit the definition (each column's rows added in row order from zero), for
/// widths around the register blocks (four vectors, single vectors, the remainder) in float and double, writing no
/// sum past the width.
/// </summary>
public sealed class ColumnSumsTests
{
    [Fact]
    public void Every_width_and_height_gives_the_row_ordered_sums_and_nothing_more()
    {
        var rng = new Rng(12);
        foreach (int n in new[] { 1, 2, 7, 32 })
            for (int m = 1; m <= 70; m++)
            {
                var d = new float[n * m];
                for (int i = 0; i < d.Length; i++) d[i] = (float)rng.Uniform(-1e3, 1e3);
                var sums = new float[m + 8];
                Array.Fill(sums, float.NaN);
                Gemm<float>.ColumnSums(d, n, m, sums);
                var doubles = d.Select(v => (double)v * 1.1).ToArray();
                var doubleSums = new double[m];
                Gemm<double>.ColumnSums(doubles, n, m, doubleSums);
                for (int j = 0; j < m; j++)
                {
                    float expected = 0;
                    double expectedDouble = 0;
                    for (int i = 0; i < n; i++)
                    {
                        expected += d[i * m + j];
                        expectedDouble += doubles[i * m + j];
                    }
                    Assert.True(expected == sums[j], $"{n}×{m}, float column {j}: {sums[j]} instead of {expected}");
                    Assert.True(expectedDouble == doubleSums[j], $"{n}×{m}, double column {j}: {doubleSums[j]} instead of {expectedDouble}");
                }
                Assert.All(sums[m..], v => Assert.True(float.IsNaN(v), $"{n}×{m}: a sum past the width was written"));
            }
    }
}
