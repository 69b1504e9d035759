using System.Text;
using Bridge.Data;
using FsCheck;
using FsCheck.Fluent;

namespace Bridge.Tests.Data;

/// <summary>
/// Feeds thousands of mutated, truncated and bit-flipped versions of valid files to every reader, in memory through
/// the same code path files take, and checks that each one is either read or refused with a clean error
/// (<see cref="InvalidDataException"/>, <see cref="ArgumentException"/>, <see cref="FileNotFoundException"/>):
/// never an index, null-reference, overflow or out-of-memory failure, and never more memory than a small bound.
/// The mutations are seeded, so a failure names the input that reproduces it.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    /// <summary>No single input of a few kilobytes may make a reader allocate more than this.</summary>
    private const long MemoryBound = 64L << 20;

    private static readonly string[] CsvSeeds =
    [
        "sepal length,sepal width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n5.5,2.5,versicolor\n",
        "1,2,0\n3,4,1\n5.5,-6e-3,1\n7,8,0\n",
        "\"a; x\";b;\"label\"\r\n1.5;2;\"q\"\"1\"\r\n\r\n3;4.25;q2\r\n",
        "x\ty\tz\n0.1\t0.2\t0.3\n0.4\t0.5\t0.6\n",
    ];

    private static readonly CsvOptions[] CsvOptionSets =
    [
        new(),
        new() { Target = CsvTarget.None },
        new() { Target = CsvTarget.RegressionValues(0) },
        new() { Target = CsvTarget.ClassLabel("species"), HasHeader = true },
    ];

    [Fact]
    public void Csv_reader_refuses_mutated_files_cleanly()
    {
        var seeds = CsvSeeds.Select(Encoding.UTF8.GetBytes).ToList();
        int tried = 0;
        var outcome = new Outcome("CSV");
        for (int s = 0; s < seeds.Count; s++)
            foreach (var (input, description) in Mutants(seeds[s], 1500, seed: (ulong)s, textual: true))
            {
                var options = CsvOptionSets[tried++ % CsvOptionSets.Length];
                outcome.Try(description, () => Csv.Read(InMemory("fuzz.csv", input), options, "fuzz"));
                outcome.Try(description + " (gzipped)", () => Csv.Read(InMemory("fuzz.csv.gz", TempDirectory.Gzip(input)), options, "fuzz"));
            }
        var gz = TempDirectory.Gzip(seeds[0]);
        foreach (var (input, description) in Mutants(gz, 3000, seed: 100, textual: false))
            outcome.Try("gzip " + description, () => Csv.Read(InMemory("fuzz.csv.gz", input), new CsvOptions(), "fuzz"));
        outcome.Report(output);
    }

    [Fact]
    public void Idx_reader_refuses_mutated_files_cleanly()
    {
        byte[][] seeds =
        [
            IdxBytes.Images(6, 4, 4),
            IdxBytes.Labels(1, 2, 3, 4, 5, 6, 7, 8),
            IdxBytes.Make(0x0E, [3, 2], new byte[48]),
            IdxBytes.Make(0x0B, [4], [0, 1, 0xFF, 0xFE, 0x7F, 0xFF, 0x80, 0]),
        ];
        var outcome = new Outcome("IDX");
        for (int s = 0; s < seeds.Length; s++)
        {
            foreach (var (input, description) in Mutants(seeds[s], 2000, seed: 200 + (ulong)s, textual: false))
            {
                outcome.Try(description, () => Idx.Read(InMemory("fuzz.idx", input), null).ToMatrix());
                outcome.Try(description + " (limit 2)", () => Idx.Read(InMemory("fuzz.idx", input), 2).ToMatrix());
            }
            foreach (var (input, description) in Mutants(TempDirectory.Gzip(seeds[s]), 1000, seed: 300 + (ulong)s, textual: false))
                outcome.Try("gzip " + description, () => Idx.Read(InMemory("fuzz.idx.gz", input), null).ToMatrix());
        }
        outcome.Report(output);
    }

    [Fact]
    public void Mnist_pair_reader_refuses_mutated_files_cleanly()
    {
        var images = IdxBytes.Images(5, 3, 3);
        var labels = IdxBytes.Labels(0, 9, 3, 3, 1);
        var outcome = new Outcome("MNIST images + labels");
        foreach (var (input, description) in Mutants(images, 3000, seed: 400, textual: false))
            outcome.Try("images " + description, () =>
                Mnist.Load(InMemory("images", input), InMemory("labels", labels), null, Mnist.DigitNames, "fuzz", true));
        foreach (var (input, description) in Mutants(labels, 3000, seed: 401, textual: false))
            outcome.Try("labels " + description, () =>
                Mnist.Load(InMemory("images", images), InMemory("labels", input), null, Mnist.DigitNames, "fuzz", true));
        outcome.Report(output);
    }

    [Fact]
    public void Digits_reader_refuses_mutated_files_cleanly()
    {
        // The first lines of the real file (the copy inside Bridge).
        string text = string.Join("\n", ReadLines(BundledDigits.Bytes(), 6)) + "\n";
        var plain = Encoding.UTF8.GetBytes(text);
        var outcome = new Outcome("digits");
        foreach (var (input, description) in Mutants(plain, 4000, seed: 500, textual: true))
        {
            outcome.Try(description, () => Digits.Read(InMemory("digits.csv", input), scalePixels: true));
            if (input.Length % 4 == 0)
                outcome.Try(description + " (gzipped)", () => Digits.Read(InMemory("digits.csv.gz", TempDirectory.Gzip(input)), scalePixels: true));
        }
        foreach (var (input, description) in Mutants(TempDirectory.Gzip(plain), 3000, seed: 501, textual: false))
            outcome.Try("gzip " + description, () => Digits.Read(InMemory("digits.csv.gz", input), scalePixels: true));
        outcome.Report(output);
    }

    // Property-based: arbitrary bytes, and arbitrary bytes after a valid IDX magic number, are read or refused cleanly.

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Any_bytes_are_read_or_refused_cleanly_by_every_reader(byte[] bytes)
    {
        bytes ??= [];
        AssertClean(() => Csv.Read(InMemory("p.csv", bytes), new CsvOptions(), "p"));
        AssertClean(() => Idx.Read(InMemory("p.idx", bytes), null));
        AssertClean(() => Digits.Read(InMemory("p.csv", bytes), true));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Any_idx_header_is_read_or_refused_cleanly()
    {
        var header = Gen.Elements<byte>(0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x07)
            .SelectMany(type => Gen.Choose(0, 4).SelectMany(rank =>
                Gen.Elements(0, 1, 2, 3, 255, 256, int.MaxValue, -1, 1 << 24).ArrayOf(rank)
                    .SelectMany(dims => Gen.Choose(0, 64).Select(length => (type, dims, length)))));
        return Prop.ForAll(header.ToArbitrary(), h =>
        {
            var file = IdxBytes.Make(h.type, h.dims, Enumerable.Range(0, h.length).Select(i => (byte)i).ToArray());
            AssertClean(() => Idx.Read(InMemory("h.idx", file), null));
            AssertClean(() => Idx.Read(InMemory("h.idx.gz", TempDirectory.Gzip(file)), null));
        });
    }

    private static void AssertClean(Action read)
    {
        try { read(); }
        catch (Exception e) when (IsClean(e)) { }
    }

    private static bool IsClean(Exception e) => e is InvalidDataException or ArgumentException or FileNotFoundException;

    internal static DataStream InMemory(string name, byte[] bytes) => DataFile.FromSeekable(name, new MemoryStream(bytes, writable: false));

    private static IEnumerable<string> ReadLines(byte[] gzipped, int count)
    {
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(new MemoryStream(gzipped), System.IO.Compression.CompressionMode.Decompress));
        for (int i = 0; i < count && reader.ReadLine() is { } line; i++) yield return line;
    }

    /// <summary>
    /// <paramref name="count"/> mutants of <paramref name="original"/>, each 1 to 3 mutations: bit flips, byte
    /// changes to boundary values, truncation, deleted or duplicated ranges, inserted bytes or (for text) tokens
    /// that readers must treat specially, and big-endian integers written over header positions.
    /// </summary>
    internal static IEnumerable<(byte[] Input, string Description)> Mutants(byte[] original, int count, ulong seed, bool textual)
    {
        var rng = new Rng(seed);
        byte[][] tokens = [.. new[] { "NaN", "1e999", "-Infinity", "\"", "\"\"", "\n", "\r\n", ",", ";", "\t", ",,,", "-", "", "0x10", "1e-400", "\uFEFF", "∞", "99999999999999999999" }
            .Select(Encoding.UTF8.GetBytes), [0xFF, 0xFE], [0xC3], [0]];
        byte[] boundary = [0, 1, 0x7F, 0x80, 0xFF, (byte)'\n', (byte)',', (byte)'"', (byte)'-', (byte)'.', (byte)'e', (byte)'9'];
        int[] bigValues = [0, 1, -1, 2, 255, 256, 65536, 1 << 24, int.MaxValue, int.MinValue, 10000, 60000];
        for (int k = 0; k < count; k++)
        {
            var bytes = new List<byte>(original);
            var steps = new List<string>();
            int mutations = 1 + rng.NextInt(3);
            for (int m = 0; m < mutations; m++)
            {
                int kind = rng.NextInt(textual ? 8 : 9);
                int at = bytes.Count == 0 ? 0 : rng.NextInt(bytes.Count);
                switch (kind)
                {
                    case 0 when bytes.Count > 0:
                        int bit = rng.NextInt(8);
                        bytes[at] ^= (byte)(1 << bit);
                        steps.Add($"flip bit {bit} of byte {at}");
                        break;
                    case 1 when bytes.Count > 0:
                        byte value = boundary[rng.NextInt(boundary.Length)];
                        bytes[at] = value;
                        steps.Add($"byte {at} := 0x{value:x2}");
                        break;
                    case 2:
                        int keep = rng.NextInt(bytes.Count + 1);
                        bytes.RemoveRange(keep, bytes.Count - keep);
                        steps.Add($"truncate to {keep}");
                        break;
                    case 3 when bytes.Count > 0:
                        int length = Math.Min(1 + rng.NextInt(16), bytes.Count - at);
                        bytes.RemoveRange(at, length);
                        steps.Add($"delete {length} at {at}");
                        break;
                    case 4 when bytes.Count > 0:
                        int span = Math.Min(1 + rng.NextInt(64), bytes.Count - at);
                        bytes.InsertRange(rng.NextInt(bytes.Count + 1), bytes.GetRange(at, span));
                        steps.Add($"duplicate {span} from {at}");
                        break;
                    case 5:
                        var token = tokens[rng.NextInt(tokens.Length)];
                        bytes.InsertRange(at, token);
                        steps.Add($"insert {token.Length} token bytes at {at}");
                        break;
                    case 6:
                        int random = 1 + rng.NextInt(8);
                        for (int i = 0; i < random; i++) bytes.Insert(Math.Min(at, bytes.Count), (byte)rng.NextInt(256));
                        steps.Add($"insert {random} random bytes at {at}");
                        break;
                    case 7 when bytes.Count > 0:
                        bytes[at] = (byte)rng.NextInt(256);
                        steps.Add($"byte {at} := random");
                        break;
                    case 8 when bytes.Count >= 8:
                        // Over a header dimension (offsets 4, 8, 12, …) or anywhere.
                        int offset = rng.NextInt(2) == 0 ? 4 * (1 + rng.NextInt(Math.Min(4, bytes.Count / 4 - 1))) : rng.NextInt(bytes.Count - 3);
                        int big = bigValues[rng.NextInt(bigValues.Length)];
                        for (int i = 0; i < 4; i++) bytes[offset + i] = (byte)(big >> (24 - 8 * i));
                        steps.Add($"int32 at {offset} := {big}");
                        break;
                    default:
                        steps.Add("no change");
                        break;
                }
            }
            yield return (bytes.ToArray(), $"seed {seed} mutant {k}: {string.Join(", ", steps)}");
        }
    }

    /// <summary>Counts inputs and outcomes; records any unclean failure or excessive allocation with the input that caused it.</summary>
    internal sealed class Outcome(string reader)
    {
        private readonly List<string> _failures = [];
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private int _read, _refused;
        private long _largestAllocation;

        public void Try(string description, Action read)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read();
                _read++;
            }
            catch (Exception e) when (IsClean(e))
            {
                _refused++;
                if (string.IsNullOrWhiteSpace(e.Message)) _failures.Add($"{description}: {e.GetType().Name} without a message");
            }
            catch (Exception e)
            {
                _failures.Add($"{description}: {e.GetType().Name}: {e.Message}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _largestAllocation = Math.Max(_largestAllocation, allocated);
            if (allocated > MemoryBound) _failures.Add($"{description}: allocated {allocated} bytes");
        }

        public void Report(ITestOutputHelper output)
        {
            output.WriteLine($"{reader}: {_read + _refused} inputs tried in {_clock.Elapsed.TotalSeconds:F1} s: {_read} read, {_refused} refused cleanly, " +
                $"{_failures.Count} unclean; largest allocation for one input {_largestAllocation / 1024} KiB.");
            Assert.True(_failures.Count == 0, $"{_failures.Count} inputs failed uncleanly:\n" + string.Join("\n", _failures.Take(20)));
            Assert.True(_read > 0 && _refused > 0, "The mutants should include readable and unreadable inputs.");
        }
    }
}
