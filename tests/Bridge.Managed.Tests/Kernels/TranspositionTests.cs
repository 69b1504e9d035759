using Bridge.Managed.Kernels;

namespace Bridge.Managed.Tests.Kernels;

/// <summary>
/// The transpose the backward pass uses for D·Wᵀ, against the definition: every shape around the 8×8 register blocks
/// (fewer rows or columns than eight, whole blocks, blocks and a remainder on either side), for float and double, with
/// nothing written past the result.
/// </summary>
public sealed class TranspositionTests
{
    [Fact]
    public void Every_entry_lands_at_its_mirrored_place_and_nothing_past_the_end_is_touched()
    {
        var rng = new Rng(11);
        for (int rows = 1; rows <= 20; rows++)
            for (int cols = 1; cols <= 20; cols++)
            {
                var source = new float[rows * cols];
                for (int i = 0; i < source.Length; i++) source[i] = (float)rng.Uniform(-1, 1);
                var target = new float[rows * cols + 8];
                Array.Fill(target, float.NaN);
                Transposition.Transpose<float>(source, rows, cols, target);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                        Assert.True(source[r * cols + c] == target[c * rows + r], $"{rows}×{cols}: entry ({r}, {c})");
                Assert.All(target[(rows * cols)..], v => Assert.True(float.IsNaN(v), $"{rows}×{cols}: a value past the result was written"));

                var doubles = source.Select(v => (double)v).ToArray();
                var doubleTarget = new double[rows * cols];
                Transposition.Transpose<double>(doubles, rows, cols, doubleTarget);
                for (int i = 0; i < doubleTarget.Length; i++) Assert.Equal(target[i], (float)doubleTarget[i]);
            }
    }

    [Fact]
    public void Too_short_a_span_is_named_before_anything_is_written()
    {
        var target = new float[5];
        var error = Assert.Throws<ArgumentException>(() => Transposition.Transpose<float>(new float[6], 2, 3, target));
        Assert.Contains("2×3", error.Message);
        Assert.All(target, v => Assert.Equal(0, v));
    }
}
