using Bridge.Managed.Batched;

namespace Bridge.Managed.Tests;

/// <summary>
/// Gathered rows are the chosen rows, in the chosen order, each value rounded as a cast rounds it; the answer to
/// "all finite" is about the converted values of the chosen rows only.
/// </summary>
public sealed class RowGatherTests
{
    [Fact]
    public void Each_chosen_row_is_converted_into_its_place_for_every_width()
    {
        var rng = new Rng(13);
        int[] rows = [4, 0, 4, 2, 5];
        for (int width = 1; width <= 13; width++)
        {
            var source = new double[6 * width];
            for (int i = 0; i < source.Length; i++) source[i] = rng.Uniform(-1e5, 1e5) * (1 + 1e-9);
            var floats = new float[rows.Length * width + 3];
            var doubles = new double[rows.Length * width];
            Assert.True(RowGather<float>.Convert(source, width, rows, floats));
            Assert.True(RowGather<double>.Convert(source, width, rows, doubles));
            for (int k = 0; k < rows.Length; k++)
                for (int c = 0; c < width; c++)
                {
                    double value = source[rows[k] * width + c];
                    Assert.True((float)value == floats[k * width + c], $"width {width}, row {k}, column {c}");
                    Assert.Equal(value, doubles[k * width + c]);
                }
            Assert.All(floats[(rows.Length * width)..], v => Assert.Equal(0, v));
        }
    }

    [Fact]
    public void Chosen_rows_of_bytes_become_byte_times_scale_rounded_as_a_cast_rounds_it_for_every_width()
    {
        var rng = new Rng(17);
        int[] rows = [4, 0, 4, 2, 5];
        foreach (double scale in new[] { 1.0 / 255, 1.0, 0.1 + 1e-12, -3.7 })
            for (int width = 1; width <= 19; width++)
            {
                var source = new byte[6 * width];
                for (int i = 0; i < source.Length; i++) source[i] = (byte)rng.NextInt(256);
                var floats = new float[rows.Length * width + 3];
                var doubles = new double[rows.Length * width];
                RowGather<float>.ConvertBytes(source, scale, width, rows, floats);
                RowGather<double>.ConvertBytes(source, scale, width, rows, doubles);
                for (int k = 0; k < rows.Length; k++)
                    for (int c = 0; c < width; c++)
                    {
                        double value = source[rows[k] * width + c] * scale;
                        Assert.True((float)value == floats[k * width + c], $"scale {scale}, width {width}, row {k}, column {c}");
                        Assert.Equal(value, doubles[k * width + c]);
                    }
                Assert.All(floats[(rows.Length * width)..], v => Assert.Equal(0, v));
            }
    }

    [Theory]
    [InlineData(double.NaN, true)]
    [InlineData(double.PositiveInfinity, true)]
    [InlineData(double.NegativeInfinity, true)]
    [InlineData(1e39, false)]
    public void A_value_that_is_not_finite_once_converted_is_reported_wherever_it_sits(double bad, bool badInDouble)
    {
        int[] rows = [3, 1];
        for (int width = 1; width <= 19; width++)
            for (int column = 0; column < width; column++)
            {
                var source = new double[4 * width];
                Array.Fill(source, 0.5);
                source[1 * width + column] = bad;
                Assert.False(RowGather<float>.Convert(source, width, rows, new float[2 * width]), $"width {width}, column {column}");
                Assert.Equal(!badInDouble, RowGather<double>.Convert(source, width, rows, new double[2 * width]));
                // A row not chosen is not looked at.
                Assert.True(RowGather<float>.Convert(source, width, [3, 0, 2], new float[3 * width]), $"width {width}, column {column}, row not chosen");
            }
    }

    [Fact]
    public void A_buffer_too_small_for_the_rows_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => RowGather<float>.Convert(new double[8], 4, [0, 1], new float[7]));
        Assert.Contains("2 rows of 4 need 8 values", error.Message);
    }
}
