using System.IO.Compression;
using System.Text;
using Bridge.Formats.Pickle;

namespace Bridge.Formats.Tests;

/// <summary>
/// The state_dict reader's unpickler runs nothing: pickles that would call os.system, eval or a class's constructor
/// under Python's unpickler are refused at the opcode or global that asks for it, with a message naming it; damaged
/// pickles are refused as damaged; no input makes it throw anything but <see cref="InvalidDataException"/>.
/// </summary>
public sealed class RestrictedUnpicklerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-pickles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Bytes written as Python writes a bytes literal: \xHH is one byte, anything else its own character.</summary>
    private static byte[] Bytes(string text)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 3 < text.Length && text[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 2, 2), 16));
                i += 3;
            }
            else if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == 'n')
            {
                bytes.Add((byte)'\n');
                i++;
            }
            else bytes.Add((byte)text[i]);
        }
        return [.. bytes];
    }

    /// <summary>Pickles Python's unpickler would run code for, as attackers write them (protocols 0 to 4).</summary>
    public static TheoryData<string, byte[], string> Malicious => new()
    {
        // pickle.dumps of an object whose __reduce__ is (os.system, ("id",)), protocol 0: GLOBAL, MARK, STRING, TUPLE, REDUCE.
        { "os.system by GLOBAL and REDUCE", Bytes(@"cos\nsystem\n(S'touch /tmp/bridge-pwned'\ntR."), "os.system" },
        { "posix.system, protocol 2", Bytes(@"\x80\x02cposix\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."), "posix.system" },
        { "builtins.eval by STACK_GLOBAL, protocol 4", Bytes(@"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x8c\x04eval\x93\x8c\x011\x85R."), "builtins.eval" },
        { "subprocess.Popen", Bytes(@"\x80\x02csubprocess\nPopen\n]\x85R."), "subprocess.Popen" },
        { "a whole pickled model", Bytes(@"\x80\x02ctorch.nn.modules.linear\nLinear\n)\x81."), "torch.nn.modules.linear.Linear" },
        { "torch.load inside a pickle", Bytes(@"\x80\x02ctorch\nload\n."), "torch.load" },
        { "INST, which imports and calls", Bytes(@"(X\x07\x00\x00\x00touch xios\nsystem\n."), "INST" },
        { "OBJ", Bytes(@"(cos\nsystem\nS'x'\no."), "os.system" },
        { "NEWOBJ on an allowed global", Bytes(@"\x80\x02ccollections\nOrderedDict\n)\x81."), "NEWOBJ" },
        { "a storage type called", Bytes(@"\x80\x02ctorch\nFloatStorage\n)R."), "torch.FloatStorage" },
        { "BUILD on a plain dict", Bytes(@"\x80\x02}}b."), "BUILD" },
        { "BUILD setting an OrderedDict's state from a list", Bytes(@"\x80\x02ccollections\nOrderedDict\n)R]b."), "BUILD" },
        { "a text persistent id", Bytes(@"Pstorage\n."), "PERSID" },
        { "a persistent id that is not a storage", Bytes(@"\x80\x02X\x03\x00\x00\x00abcQ."), "BINPERSID" },
        { "an extension registry code", Bytes(@"\x80\x02\x82\x01."), "EXT1" },
        { "OrderedDict built from arguments", Bytes(@"\x80\x02ccollections\nOrderedDict\n]\x85R."), "OrderedDict from arguments" },
    };

    [Theory]
    [MemberData(nameof(Malicious))]
    public void Pickles_that_would_run_code_are_refused_naming_what_they_ask_for(string what, byte[] pickle, string named)
    {
        var e = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load(pickle, "evil.pt"));
        Assert.Contains("refused without running anything", e.Message);
        Assert.Contains(named, e.Message);
        Assert.False(File.Exists("/tmp/bridge-pwned"), what);
    }

    [Fact]
    public void A_global_is_refused_at_once_before_the_rest_of_the_pickle_is_read()
    {
        // Everything after the GLOBAL is garbage: refusing at the GLOBAL means the reader never got there.
        var e = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load(Bytes(@"\x80\x02cos\nsystem\n\xff\xff\xff"), "evil.pt"));
        Assert.Contains("os.system (byte 2)", e.Message);
    }

    [Fact]
    public void A_state_dict_pickle_reads_as_its_tensors_in_order()
    {
        var spec = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Softmax));
        string path = Path.Combine(_folder, "net.pt");
        PyTorchStateDict.Save(spec, Shapes.Weights(spec), path);
        using var archive = TorchArchive.Open(path);
        var root = Assert.IsType<PickleDict>(RestrictedUnpickler.Load(archive.Pickle(), "net.pt"));
        Assert.True(root.Ordered);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], root.Items.Select(i => (string)i.Key));
        var weight = Assert.IsType<TensorRef>(root["2.weight"]);
        Assert.Equal([2L, 4L], weight.Size);
        Assert.Equal([4L, 1L], weight.Stride);
        Assert.Equal(new StorageRef(new PickleGlobal("torch", "DoubleStorage"), "2", "cpu", 8), weight.Storage);
    }

    [Fact]
    public void Every_truncation_of_a_state_dict_pickle_is_refused_as_damaged()
    {
        var pickle = StateDictPickle();
        for (int length = 0; length < pickle.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load(pickle[..length], "cut.pt"));
            Assert.Contains("not a readable pickle", e.Message);
        }
    }

    /// <summary>
    /// Seeded random damage to a state_dict's pickle, read through the whole .pt reader: it either still describes a
    /// state_dict of the right network (a changed byte inside a name may) or is refused with InvalidDataException.
    /// </summary>
    [Fact]
    public void Damaged_pickles_are_refused_with_invalid_data_and_nothing_else()
    {
        var spec = new Mlp(3, new Dense(4, Activation.Tanh), new Dense(2, Activation.Softmax));
        string good = Path.Combine(_folder, "good.pt");
        PyTorchStateDict.Save(spec, Shapes.Weights(spec), good);
        byte[] pickle;
        using (var archive = TorchArchive.Open(good)) pickle = archive.Pickle();
        var rng = new Rng(2024);
        string damaged = Path.Combine(_folder, "damaged.pt");
        int refused = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var bytes = (byte[])pickle.Clone();
            for (int k = 0, n = 1 + rng.NextInt(3); k < n; k++) bytes[rng.NextInt(bytes.Length)] = (byte)rng.NextInt(256);
            File.Copy(good, damaged, overwrite: true);
            using (var zip = ZipFile.Open(damaged, ZipArchiveMode.Update))
            {
                zip.GetEntry("archive/data.pkl")!.Delete();
                using var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
            try
            {
                var weights = WeightFormats.Load(damaged, spec);
                weights.EnsureMatches(spec);
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }
        Assert.True(refused > 300, $"only {refused} of 400 damaged pickles were refused");
    }

    private static byte[] StateDictPickle()
    {
        var spec = new Mlp(2, new Dense(3, Activation.Relu), new Dense(1, Activation.Sigmoid));
        string path = Path.Combine(Path.GetTempPath(), $"bridge-{Guid.NewGuid():N}.pt");
        try
        {
            PyTorchStateDict.Save(spec, Shapes.Weights(spec), path);
            using var archive = TorchArchive.Open(path);
            return archive.Pickle();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
