using System.Diagnostics;
using System.Text;
using Bridge.Formats;
using Bridge.Tests;

namespace Bridge.Tests.Snapshots;

public sealed class WeightFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static WeightSet Weights(Precision precision, ulong seed = 1)
    {
        var spec = new Mlp(5, new Dense(4, Activation.Tanh), new Dense(3, Activation.Softmax)) { Precision = precision };
        return WeightInit.GlorotNormal.Draw(spec, seed);
    }

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void Weights_round_trip_bit_for_bit(Precision precision)
    {
        var weights = Weights(precision);
        weights.Layers[1].Bias[2] = precision == Precision.Float64 ? Math.PI : (float)Math.PI;
        string path = _dir.File("w.safetensors");
        WeightFile.Save(weights, path, new Dictionary<string, string> { ["note"] = "grüße" });
        var back = WeightFile.Load(path);
        Assert.Equal(precision, back.Precision);
        Assert.Equal(weights.Flatten().Select(BitConverter.DoubleToInt64Bits), back.Flatten().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal("grüße", Safetensors.Read(path).Metadata["note"]);
    }

    [Fact]
    public void The_layout_is_the_documented_one()
    {
        var weights = Weights(Precision.Float64);
        string path = _dir.File("w.safetensors");
        WeightFile.Save(weights, path);
        var contents = Safetensors.Read(path);
        var kernel = contents.Tensors["dense_0.kernel"];
        Assert.Equal([5, 4], kernel.Shape);
        Assert.Equal(weights.Layers[0][2, 3], kernel.Values[2 * 4 + 3]);
        Assert.Equal([3], contents.Tensors["dense_1.bias"].Shape);
        // The data section starts 8-byte aligned, as the safetensors reference writes it.
        long headerLength = BitConverter.ToInt64(File.ReadAllBytes(path), 0);
        Assert.Equal(0, headerLength % 8);
    }

    [SkippableFact]
    public void Python_reads_the_file_with_numpy_alone()
    {
        Skip.IfNot(File.Exists("/usr/bin/python3"), "no /usr/bin/python3");
        var weights = Weights(Precision.Float32, 9);
        string path = _dir.File("w.safetensors");
        WeightFile.Save(weights, path);
        const string script = """
            import json, sys
            import numpy as np
            with open(sys.argv[1], "rb") as f:
                n = int.from_bytes(f.read(8), "little"); header = json.loads(f.read(n)); data = f.read()
            for name in ("dense_0.kernel", "dense_1.kernel", "dense_1.bias"):
                e = header[name]; b, end = e["data_offsets"]
                a = np.frombuffer(data[b:end], dtype={"F32": "<f4", "F64": "<f8"}[e["dtype"]]).reshape(e["shape"])
                print(name, a.shape, repr(float(a.flat[-1])))
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Skip.If(error.Contains("No module named 'numpy'"), "this Python has no numpy");
        Assert.True(process.ExitCode == 0, error);
        var lines = output.Trim().Split('\n');
        Assert.Equal($"dense_0.kernel (5, 4) {Repr(weights.Layers[0].Kernel[^1])}", lines[0]);
        Assert.Equal($"dense_1.kernel (4, 3) {Repr(weights.Layers[1].Kernel[^1])}", lines[1]);
        Assert.StartsWith("dense_1.bias (3,)", lines[2]);
    }

    private static string Repr(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_failure_mid_save_leaves_the_old_file_and_no_temporary_file()
    {
        string path = _dir.File("w.safetensors");
        var old = Weights(Precision.Float64, 1);
        WeightFile.Save(old, path);
        byte[] before = File.ReadAllBytes(path);
        var error = Assert.Throws<IOException>(() =>
            AtomicFile.Write(path, stream => Safetensors.Write(stream, WeightFile.Tensors(Weights(Precision.Float64, 2), "").ToList()),
                wrap: inner => new FailingStream(inner, failAfter: 100)));
        Assert.Contains("disk full", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Loading_checks_the_weights_against_a_spec()
    {
        string path = _dir.File("w.safetensors");
        WeightFile.Save(Weights(Precision.Float64), path);
        var other = new Mlp(5, new Dense(6, Activation.Tanh), new Dense(3, Activation.Softmax));
        var error = Assert.Throws<InvalidDataException>(() => WeightFile.Load(path, other));
        Assert.Contains("dense_0", error.Message);
        Assert.Contains("[5, 6]", error.Message);
        Assert.Throws<FileNotFoundException>(() => WeightFile.Load(_dir.File("missing.safetensors")));
    }

    public static IEnumerable<object[]> HostileFiles()
    {
        byte[] Header(string json, int dataBytes = 0, long? claimed = null)
        {
            byte[] h = Encoding.UTF8.GetBytes(json);
            var file = new byte[8 + h.Length + dataBytes];
            BitConverter.GetBytes(claimed ?? h.Length).CopyTo(file, 0);
            h.CopyTo(file, 8);
            return file;
        }
        const string good = """{"dense_0.kernel":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},"dense_0.bias":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}""";
        yield return ["short", new byte[] { 1, 2, 3 }, "shorter than the 8-byte header length"];
        yield return ["huge header", Header("{}", 0, long.MaxValue), "more than the"];
        yield return ["header past the end", Header("{}", 0, 4096), "only 2 follow"];
        yield return ["not JSON", Header("{not json", 0), "not valid JSON"];
        yield return ["not an object", Header("[1, 2]", 0), "not a JSON object"];
        yield return ["wrong dtype", Header(good.Replace("\"F64\",\"shape\":[1,1]", "\"I64\",\"shape\":[1,1]"), 16), "dtype I64"];
        yield return ["offsets past the end", Header(good, 8), "cover 16 bytes of data but the file holds 8"];
        yield return ["trailing bytes", Header(good, 24), "the file holds 24"];
        yield return ["overlap", Header(good.Replace("[8,16]", "[4,12]"), 16), "overlapping or gapped"];
        yield return ["gap", Header(good.Replace("[0,8]", "[8,16]").Replace("\"data_offsets\":[8,16]}}", "\"data_offsets\":[16,24]}}"), 24), "starts at data offset 8, expected 0"];
        yield return ["shape against offsets", Header(good.Replace("[1,1]", "[2,1]"), 16), "needs 16 bytes"];
        yield return ["negative dimension", Header(good.Replace("[1,1]", "[-1,1]"), 16), "invalid dimension"];
        yield return ["enormous shape", Header(good.Replace("[1,1]", "[2147483647,2147483647]"), 16), "more than"];
        yield return ["bad offsets", Header(good.Replace("[0,8]", "[8,0]"), 16), "invalid data_offsets"];
        yield return ["metadata not strings", Header("""{"__metadata__":{"a":1}}""", 0), "not a string"];
        yield return ["kernel without bias", Header("""{"dense_0.kernel":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]}}""", 8), "no bias"];
        yield return ["no weights at all", Header("{}", 0), "no dense_0.kernel"];
        byte[] invalidUtf8 = Header("""{"a":"X"}""", 0);
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'X')] = 0xFF;
        yield return ["invalid UTF-8", invalidUtf8, "not valid UTF-8"];
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_files_are_refused_with_the_reason(string what, byte[] bytes, string reason)
    {
        string path = _dir.Write(what.Replace(' ', '-') + ".safetensors", bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => WeightFile.Load(path));
        Assert.Contains(reason, error.Message);
        Assert.Contains(path, error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1 << 20, "a tiny hostile file made the reader allocate over 1 MB");
    }

    /// <summary>A stream that fails like a full disk after some bytes.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private int _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter) throw new IOException("No space left on device (disk full, simulated).");
            _written += buffer.Length;
            inner.Write(buffer);
        }

        public override void WriteByte(byte value) => Write([value]);
    }
}
