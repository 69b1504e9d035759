using System.Buffers.Binary;
using Bridge.Formats.Pickle;

namespace Bridge.Formats.Tests;

/// <summary>
/// A .pt file whose tensor lies outside its storage — a negative storage offset, or strides so large that the index
/// of the last element wraps round a 64-bit integer — is refused as damaged, naming the tensor, never read out of
/// bounds. The files are crafted here: torch itself never writes such offsets or strides.
/// </summary>
public sealed class TensorLayoutTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-tensor-layouts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A perceptron 3-1: torch's Linear weight [1, 3] and bias [1].</summary>
    private static readonly ModelSpec Spec = new Perceptron(3);

    /// <summary>A state_dict of 0.weight and 0.bias (float64), each with the storage offset, sizes and strides given.</summary>
    private string StateDict(string name, (long Offset, long[] Size, long[] Stride) weight, (long Offset, long[] Size, long[] Stride) bias)
    {
        var storages = new List<byte[]>();
        var pickle = new PickleWriter().Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
        Tensor("0.weight", weight, 3);
        Tensor("0.bias", bias, 1);
        string path = Path.Combine(_folder, name);
        using (var file = File.Create(path)) TorchArchive.Write(file, "archive", pickle.SetItems().Finish(), storages);
        return path;

        void Tensor(string key, (long Offset, long[] Size, long[] Stride) layout, int elements)
        {
            var bytes = new byte[elements * 8];
            for (int i = 0; i < elements; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), 0.5 + i);
            pickle.Text(key).Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().Text("storage").Global("torch", "DoubleStorage").Text(storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Text("cpu").Int(elements).Tuple().PersistentId()
                .Int(layout.Offset);
            storages.Add(bytes);
            pickle.Mark(); foreach (long d in layout.Size) pickle.Int(d); pickle.Tuple();
            pickle.Mark(); foreach (long s in layout.Stride) pickle.Int(s); pickle.Tuple();
            pickle.Bool(false).Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce();
        }
    }

    private static readonly (long, long[], long[]) Weight = (0, [1, 3], [3, 1]);
    private static readonly (long, long[], long[]) Bias = (0, [1], [1]);

    [Fact]
    public void The_crafting_itself_makes_a_file_that_reads()
    {
        var weights = WeightFormats.Load(StateDict("good.pt", Weight, Bias), Spec);
        Assert.Equal([0.5, 1.5, 2.5, 0.5], weights.Flatten());
    }

    [Fact]
    public void A_negative_storage_offset_is_refused_as_damaged()
    {
        string path = StateDict("negative.pt", Weight, (-1, [1], [1]));
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Spec));
        Assert.Contains("offset -1", e.Message);
        Assert.Contains("not a readable pickle", e.Message);
    }

    [Theory]
    [InlineData(long.MaxValue)]           // 2 × stride wraps to -2: the last element's index looked inside the storage
    [InlineData((1L << 62) + 1)]          // 2 × stride wraps to long.MinValue + 2
    public void Strides_whose_last_index_wraps_round_are_refused_naming_the_tensor(long stride)
    {
        string path = StateDict("wrapping.pt", (0, [1, 3], [3, stride]), Bias);
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(path, Spec));
        Assert.Contains("0.weight", e.Message);
        Assert.Contains("overflows", e.Message);
    }
}
