using Bridge.Data;

namespace Bridge.Tests.Data;

public class DatasetTests
{
    private static readonly Dataset ThreeClasses = Dataset.Classification("three",
        Matrix.FromRows([0, 1], [2, 3], [4, 5], [6, 7]), [0, 2, 1, 2], 3, ["a", "b", "c"]);

    [Fact]
    public void Targets_are_one_hot_rows_for_one_output_per_class()
    {
        var targets = ThreeClasses.TargetsFor(new Mlp(2, new Dense(3, Activation.Softmax)));
        Assert.Equal([1.0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1], targets.Data);
    }

    [Fact]
    public void Two_classes_fit_a_single_output_as_the_label_itself()
    {
        var targets = Datasets.Xor().TargetsFor(new Mlp(2, new Dense(4), new Dense(1)));
        Assert.Equal([0.0, 1, 1, 0], targets.Data);
        var error = Assert.Throws<ArgumentException>(() => Datasets.Xor().TargetsFor(new Mlp(2, new Dense(1)) { Loss = Loss.CategoricalCrossEntropy }));
        Assert.Contains("one softmax output per class", error.Message);
    }

    [Fact]
    public void An_autoencoder_targets_its_inputs_and_regression_its_values()
    {
        Assert.Same(ThreeClasses.Features, ThreeClasses.TargetsFor(new Autoencoder(2, [new Dense(1)], [new Dense(2)])));
        var values = Matrix.FromRows([1.0], [2.0]);
        var regression = Dataset.Regression("r", Matrix.FromRows([0.0], [1.0]), values);
        Assert.Same(values, regression.TargetsFor(new Mlp(1, new Dense(1, Activation.Linear))));
        var error = Assert.Throws<ArgumentException>(() => regression.TargetsFor(new Mlp(1, new Dense(2, Activation.Linear))));
        Assert.Contains("has 1 target values per sample; the model has 2 outputs", error.Message);
    }

    [Fact]
    public void Mismatched_widths_are_named()
    {
        var error = Assert.Throws<ArgumentException>(() => ThreeClasses.TargetsFor(new Mlp(2, new Dense(2))));
        Assert.Contains("Data set 'three' has 3 classes; the model has 2 outputs (it needs 3 outputs)", error.Message);
        error = Assert.Throws<ArgumentException>(() => Datasets.Xor().EnsureFits(new Mlp(2, new Dense(3))));
        Assert.Contains("(it needs 2 outputs, or 1)", error.Message);
        error = Assert.Throws<ArgumentException>(() => ThreeClasses.EnsureFits(new Mlp(3, new Dense(3, Activation.Softmax))));
        Assert.Contains("Layer dense_0 expects 3 inputs; data set 'three' has 2 features per sample", error.Message);
    }

    [Fact]
    public void EnsureFits_names_an_empty_set_and_targets_a_loss_cannot_take()
    {
        var empty = Dataset.Classification("none", new Matrix(0, 2), [], 2);
        Assert.Contains("Data set 'none' is empty", Assert.Throws<ArgumentException>(() => empty.EnsureFits(new Mlp(2, new Dense(1)))).Message);
        var regression = Dataset.Regression("r", Matrix.FromRows([0.0], [1.0]), Matrix.FromRows([0.5], [2.0]));
        var error = Assert.Throws<ArgumentException>(() => regression.EnsureFits(new Mlp(1, new Dense(1)) { Loss = Loss.BinaryCrossEntropy }));
        Assert.Contains("Binary cross-entropy needs targets in [0, 1]; data set 'r' has 2", error.Message);
        var twoValues = Dataset.Regression("r2", Matrix.FromRows([0.0], [1.0]), Matrix.FromRows([0.5, 0.5], [0.5, 0.5]));
        error = Assert.Throws<ArgumentException>(() => twoValues.EnsureFits(new Mlp(1, new Dense(2, Activation.Softmax))));
        Assert.Contains("Categorical cross-entropy needs class labels; data set 'r2' has target values", error.Message);
    }

    [Fact]
    public void Construction_refuses_bad_data_naming_sample_and_column()
    {
        var features = Matrix.FromRows([0, 1], [2, double.PositiveInfinity]);
        var error = Assert.Throws<ArgumentException>(() => Dataset.Classification("bad", features, [0, 1], 2));
        Assert.Contains("features of sample 1, column 1 is ∞", error.Message.Replace("Infinity", "∞"));
        error = Assert.Throws<ArgumentException>(() => Dataset.Classification("bad", Matrix.FromRows([0.0], [1.0]), [0, 2], 2));
        Assert.Contains("label 2 of sample 1 is outside the classes 0..1", error.Message);
        error = Assert.Throws<ArgumentException>(() => Dataset.Classification("bad", Matrix.FromRows([0.0]), [0], 2, ["only"]));
        Assert.Contains("2 classes but 1 class names", error.Message);
        error = Assert.Throws<ArgumentException>(() => Dataset.Classification("bad", Matrix.FromRows([0.0], [1.0]), [0], 2));
        Assert.Contains("2 feature rows but 1 labels", error.Message);
        error = Assert.Throws<ArgumentException>(() => Dataset.Unlabeled("img", new Matrix(2, 5), new ImageShape(2, 2)));
        Assert.Contains("2×2 images need 4 features, the rows have 5", error.Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Dataset.Regression("r", new Matrix(1, 1), Matrix.FromRows([double.NaN]))).Message);
    }

    [Fact]
    public void Subsets_keep_what_belongs_to_the_samples()
    {
        var subset = ThreeClasses.Subset([3, 0], "two");
        Assert.Equal([6.0, 7, 0, 1], subset.Features.Data);
        Assert.Equal([2, 0], subset.Labels!);
        Assert.Equal(("two", 3), (subset.Name, subset.ClassCount));
        Assert.Equal(ThreeClasses.ClassNames, subset.ClassNames);
        Assert.Equal([1, 1, 2], ThreeClasses.ClassCounts());
        Assert.Equal("c", ThreeClasses.ClassName(2));
        Assert.Equal("5", Datasets.Moons().ClassName(5));
        Assert.Equal(2, ThreeClasses.Take(2).Count);
        Assert.Same(ThreeClasses, ThreeClasses.Take(10));
    }

    [Fact]
    public void New_features_keep_labels_and_drop_an_image_shape_that_no_longer_fits()
    {
        var images = Dataset.Classification("img", new Matrix(2, 4), [0, 1], 2, image: new ImageShape(2, 2));
        Assert.Equal(new ImageShape(2, 2), images.WithFeatures(new Matrix(2, 4)).Image);
        var codes = images.WithFeatures(new Matrix(2, 2), "codes");
        Assert.Null(codes.Image);
        Assert.Equal(images.Labels, codes.Labels);
        Assert.Contains("has 2 samples; the new features have 3 rows", Assert.Throws<ArgumentException>(() => images.WithFeatures(new Matrix(3, 2))).Message);
    }

    [Fact]
    public void ToBatch_carries_labels_for_classifiers_only()
    {
        var batch = ThreeClasses.ToBatch(new Mlp(2, new Dense(3, Activation.Softmax)));
        Assert.Equal(ThreeClasses.Labels, batch.Labels);
        Assert.Null(ThreeClasses.ToBatch(new Autoencoder(2, [new Dense(1)], [new Dense(2)])).Labels);
    }

    [Fact]
    public void One_hot_encodes_and_decodes()
    {
        var encoded = OneHot.Encode([2, 0, 1], 3);
        Assert.Equal([0.0, 0, 1, 1, 0, 0, 0, 1, 0], encoded.Data);
        Assert.Equal([2, 0, 1], OneHot.Decode(encoded));
        Assert.Contains("Label 3 of sample 1 is outside the classes 0..2", Assert.Throws<ArgumentException>(() => OneHot.Encode([0, 3], 3)).Message);
        Assert.Contains("Label -1", Assert.Throws<ArgumentException>(() => OneHot.Encode([-1], 3)).Message);
    }
}
