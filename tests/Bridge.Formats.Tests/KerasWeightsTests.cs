using System.Text.Json.Nodes;
using Bridge.Managed;
using Xunit.Abstractions;

namespace Bridge.Formats.Tests;

/// <summary>
/// Keras weights both ways, against real Keras (3.3 from ../shared/keras-env in CI) in a Python process of its own:
/// networks trained in Keras and saved by Keras (<c>save_weights</c>, <c>model.save</c>) read into Bridge give Keras's
/// predictions; Bridge's .weights.h5 files loaded by Keras's <c>load_weights</c> give the managed engine's outputs.
/// Norm-wise relative error within 1e-12 in float64 and 1e-6 in float32.
/// </summary>
public sealed class KerasWeightsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-keras-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public void Networks_trained_and_saved_by_Keras_give_Kerass_outputs_in_Bridge()
    {
        OtherSide.RequireKeras();
        var cases = new JsonArray();
        foreach (string name in Shapes.Representative)
        {
            var spec = Shapes.All[name];
            var request = OtherSide.Describe(spec);
            request["name"] = name.Replace(' ', '_');
            request["x"] = OtherSide.Rows(Shapes.Inputs(spec));
            request["folder"] = _folder;
            cases.Add(request);
        }
        var answer = OtherSide.Ask("keras_side.py", new JsonObject { ["mode"] = "train-and-save", ["cases"] = cases }, _folder);
        output.WriteLine($"keras {answer["keras"]} on {answer["backend"]}");

        foreach (string name in Shapes.Representative)
        {
            var spec = Shapes.All[name];
            var saved = answer["cases"]![name.Replace(' ', '_')]!;
            var expected = OtherSide.Matrix(saved["y"]!);
            foreach (string file in new[] { saved["weights_h5"]!.GetValue<string>(), saved["keras"]!.GetValue<string>() })
            {
                var weights = WeightFormats.Load(file, spec);
                Assert.Equal(spec.Precision, weights.Precision);
                using var model = ManagedBackend.Batched.Build(spec, weights);
                double error = Agreement.RelativeError(model.Forward(Shapes.Inputs(spec)), expected);
                output.WriteLine($"{name} from {Path.GetExtension(file)}: relative error {error:G3}");
                Assert.True(error <= OtherSide.Tolerance(spec), $"{name}: Bridge's outputs with Keras's {file} are {error:G3} from Keras's (tolerance {OtherSide.Tolerance(spec):G1}).");
            }
        }

        // A Keras file of another network: the first layer that does not fit is named, expected against found.
        var digits = Shapes.All["digits 64-32sigmoid-10softmax float64"];
        var saved32 = answer["cases"]!["digits_64-32sigmoid-10softmax_float64"]!;
        var other = new Mlp(64, new Dense(32, Activation.Sigmoid), new Dense(8, Activation.Softmax));
        var e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(saved32["weights_h5"]!.GetValue<string>(), other));
        Assert.Contains("layer dense_1 (layers/dense_1/vars/0 in the file): expected a kernel [inputs, outputs] of shape [32, 8], found [32, 10]", e.Message);
        // In a .keras file the architecture is checked first: the activation is part of it.
        e = Assert.Throws<InvalidDataException>(() => WeightFormats.Load(saved32["keras"]!.GetValue<string>(),
            new Mlp(64, new Dense(32, Activation.Tanh), new Dense(10, Activation.Softmax)) { Precision = digits.Precision }));
        Assert.Contains("layer dense_0 (Dense 'dense", e.Message);
        Assert.Contains("expected activation tanh, found sigmoid", e.Message);

        // Damage to a file h5py wrote (Keras's layout of old-style groups, unlike PureHDF's): every 13th byte flipped in
        // turn is refused or read as a network of the right shape, and never takes the process down.
        var perceptron = Shapes.All["perceptron 2-1 float64"];
        var bytes = File.ReadAllBytes(answer["cases"]!["perceptron_2-1_float64"]!["weights_h5"]!.GetValue<string>());
        string damaged = Path.Combine(_folder, "damaged.weights.h5");
        int refused = 0;
        for (int i = 0; i < bytes.Length; i += 13)
        {
            bytes[i] ^= 0xff;
            File.WriteAllBytes(damaged, bytes);
            bytes[i] ^= 0xff;
            try { WeightFormats.Load(damaged, perceptron).EnsureMatches(perceptron); }
            catch (InvalidDataException) { refused++; }
        }
        output.WriteLine($"{(bytes.Length + 12) / 13} damaged copies of a Keras file: {refused} refused, the others read (HDF5 keeps no checksum of values)");
        Assert.True(refused > 0);
    }

    /// <summary>
    /// A group of more than 8 links (here /layers, 12 Dense layers) is where an HDF5 library may keep links in dense
    /// storage, which Bridge refuses: Keras's files of such a network must still read, as the network Keras trained.
    /// </summary>
    [SkippableFact]
    public void A_deep_network_Keras_saved_reads_in_Bridge()
    {
        OtherSide.RequireKeras();
        var spec = new Mlp(3, Enumerable.Range(0, 12).Select(l => new Dense(4, l % 2 == 0 ? Activation.Tanh : Activation.Sigmoid)).ToArray());
        var request = OtherSide.Describe(spec);
        request["name"] = "deep";
        request["x"] = OtherSide.Rows(Shapes.Inputs(spec));
        request["folder"] = _folder;
        var answer = OtherSide.Ask("keras_side.py", new JsonObject { ["mode"] = "train-and-save", ["cases"] = new JsonArray(request) }, _folder);
        var saved = answer["cases"]!["deep"]!;
        foreach (string file in new[] { saved["weights_h5"]!.GetValue<string>(), saved["keras"]!.GetValue<string>() })
        {
            using var model = ManagedBackend.Batched.Build(spec, WeightFormats.Load(file, spec));
            double error = Agreement.RelativeError(model.Forward(Shapes.Inputs(spec)), OtherSide.Matrix(saved["y"]!));
            output.WriteLine($"12 Dense layers from {Path.GetExtension(file)}: relative error {error:G3}");
            Assert.True(error <= OtherSide.Tolerance(spec), $"Bridge's outputs with Keras's {file} are {error:G3} from Keras's.");
        }
    }

    [SkippableFact]
    public void Bridges_weight_files_load_into_Keras_and_give_Bridges_outputs()
    {
        OtherSide.RequireKeras();
        var (answer, errors) = OtherSide.PredictFromBridgesFiles(_folder, ".weights.h5", "keras_side.py", "load-and-predict", "weights");
        output.WriteLine($"keras {answer["keras"]} on {answer["backend"]}");
        foreach (var (name, error) in errors)
        {
            var spec = Shapes.All[name];
            output.WriteLine($"{name}: relative error {error:G3}");
            Assert.True(error <= OtherSide.Tolerance(spec), $"{name}: Keras's outputs with Bridge's file are {error:G3} from Bridge's (tolerance {OtherSide.Tolerance(spec):G1}).");
        }
    }
}
