using Bridge.Backends;
using Bridge.Data;

namespace Bridge;

/// <summary>
/// A data set in memory: one row of features per sample and either class labels (classification) or target
/// values (regression). An autoencoder uses the features as their own targets.
/// </summary>
/// <remarks>
/// 8-bit images (the MNIST family) are held as their bytes (<see cref="FeatureRows"/>): training reads rows from those
/// directly, and <see cref="Features"/> makes the float64 matrix only when something asks for it.
/// </remarks>
public sealed class Dataset
{
    private Dataset(string name, FeatureRows features, int[]? labels, int classCount, IReadOnlyList<string>? classNames,
        Matrix? values, ImageShape? image)
    {
        Name = name;
        FeatureRows = features;
        Labels = labels;
        ClassCount = classCount;
        ClassNames = classNames;
        Values = values;
        Image = image;
    }

    private Matrix? _oneHot, _labelColumn;

    public string Name { get; }

    /// <summary>[samples, features], in float64.</summary>
    /// <remarks>For a set held as bytes, made at the first use and kept (eight times the bytes' memory).</remarks>
    public Matrix Features => FeatureRows.AsMatrix();

    /// <summary>The features as the set holds them: float64 values, or the bytes of 8-bit images (what training reads).</summary>
    public FeatureRows FeatureRows { get; }

    /// <summary>Class index per sample (0..ClassCount − 1), or null for regression.</summary>
    public int[]? Labels { get; }

    /// <summary>The number of classes (0 for regression).</summary>
    public int ClassCount { get; }

    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Target values per sample for regression, or null for classification.</summary>
    public Matrix? Values { get; }

    /// <summary>When each sample is an image (digits, Fashion-MNIST), its width and height, for pictures.</summary>
    public ImageShape? Image { get; }

    public int Count => FeatureRows.Rows;
    public int FeatureCount => FeatureRows.Cols;
    public bool IsClassification => Labels is not null;

    /// <summary>A classification set. Checks shapes, finiteness and the label range before returning.</summary>
    public static Dataset Classification(string name, Matrix features, int[] labels, int classCount,
        IReadOnlyList<string>? classNames = null, ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Classification(name, new FeatureRows(features), labels, classCount, classNames, image);
    }

    /// <summary>A classification set from features as held (bytes of images, or float64 values).</summary>
    public static Dataset Classification(string name, FeatureRows features, int[] labels, int classCount,
        IReadOnlyList<string>? classNames = null, ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rows != labels.Length)
            throw new ArgumentException($"Data set '{name}' has {features.Rows} feature rows but {labels.Length} labels.");
        if (classCount < 2) throw new ArgumentException($"Data set '{name}' needs at least 2 classes, got {classCount}.");
        for (int n = 0; n < labels.Length; n++)
            if ((uint)labels[n] >= (uint)classCount)
                throw new ArgumentException($"Data set '{name}': label {labels[n]} of sample {n} is outside the classes 0..{classCount - 1}.");
        if (classNames is not null && classNames.Count != classCount)
            throw new ArgumentException($"Data set '{name}' has {classCount} classes but {classNames.Count} class names.");
        EnsureFinite(name, "features", features);
        EnsureImageFits(name, features, image);
        return new Dataset(name, features, labels, classCount, classNames, null, image);
    }

    /// <summary>A regression set: targets are values, one row per sample.</summary>
    public static Dataset Regression(string name, Matrix features, Matrix values, ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(values);
        if (features.Rows != values.Rows)
            throw new ArgumentException($"Data set '{name}' has {features.Rows} feature rows but {values.Rows} target rows.");
        EnsureFinite(name, "features", features);
        EnsureFinite(name, "targets", values);
        var rows = new FeatureRows(features);
        EnsureImageFits(name, rows, image);
        return new Dataset(name, rows, null, 0, null, values, image);
    }

    /// <summary>
    /// A set of features alone, with neither labels nor target values: what an autoencoder trains on (its targets are
    /// its inputs). Any other model refuses it with a message saying so.
    /// </summary>
    public static Dataset Unlabeled(string name, Matrix features, ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Unlabeled(name, new FeatureRows(features), image);
    }

    /// <summary>A set of features alone (see above), from features as held (bytes of images, or float64 values).</summary>
    public static Dataset Unlabeled(string name, FeatureRows features, ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        EnsureFinite(name, "features", features);
        EnsureImageFits(name, features, image);
        return new Dataset(name, features, null, 0, null, new Matrix(features.Rows, 0), image);
    }

    /// <summary>Whether the set has neither labels nor target values (see <see cref="Unlabeled(string, Matrix, ImageShape?)"/>).</summary>
    public bool IsUnlabeled => Labels is null && Values is { Cols: 0 };

    /// <summary>How many samples each class has (index = class), for classification sets.</summary>
    public int[] ClassCounts()
    {
        if (Labels is null) throw new InvalidOperationException($"Data set '{Name}' has no class labels.");
        var counts = new int[ClassCount];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>The name of class <paramref name="label"/>: its entry in <see cref="ClassNames"/>, or the number itself.</summary>
    public string ClassName(int label) => ClassNames is { } names && (uint)label < (uint)names.Count ? names[label] : label.ToString();

    /// <summary>The first <paramref name="count"/> samples (all of them when the set is smaller).</summary>
    public Dataset Take(int count, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count && name is null) return this;
        var indices = new int[Math.Min(count, Count)];
        for (int n = 0; n < indices.Length; n++) indices[n] = n;
        return Subset(indices, name);
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices, string? name = null)
    {
        var labels = Labels is null ? null : Gather(Labels, indices);
        return new Dataset(name ?? Name, FeatureRows.SelectRows(indices), labels, ClassCount, ClassNames,
            Values?.SelectRows(indices), Image);
    }

    /// <summary>The same samples with other features (after scaling, or codes from an encoder).</summary>
    public Dataset WithFeatures(Matrix features, string? name = null)
    {
        if (features.Rows != Count)
            throw new ArgumentException($"Data set '{Name}' has {Count} samples; the new features have {features.Rows} rows.");
        EnsureFinite(name ?? Name, "features", features);
        var image = features.Cols == FeatureCount ? Image : null;
        return new Dataset(name ?? Name, new FeatureRows(features), Labels, ClassCount, ClassNames, Values, image);
    }

    /// <summary>
    /// The target matrix a model with this spec is trained against: the features for an autoencoder; the values for
    /// regression; for classification one-hot rows when the model has one output per class, or the label itself
    /// when a single output separates two classes. Throws naming both widths when they do not fit.
    /// </summary>
    /// <remarks>The matrix returned is shared with later calls: read it, do not change it.</remarks>
    public Matrix TargetsFor(ModelSpec spec)
    {
        if (spec is Autoencoder) return Features;
        if (IsUnlabeled)
            throw new ArgumentException(
                $"Data set '{Name}' has features only (no labels or target values): only an autoencoder can train on it.");
        if (Values is not null)
        {
            if (Values.Cols != spec.Outputs)
                throw new ArgumentException($"Data set '{Name}' has {Values.Cols} target values per sample; the model has {spec.Outputs} outputs.");
            return Values;
        }
        var labels = Labels!;
        // Built once and kept: training asks for them at every run, and they never change (a data set is immutable).
        if (spec.Outputs == ClassCount) return _oneHot ??= OneHot.Encode(labels, ClassCount);
        if (spec.Outputs == 1 && ClassCount == 2)
        {
            if (spec.Loss == Loss.CategoricalCrossEntropy)
                throw new ArgumentException("Categorical cross-entropy needs one softmax output per class; the model has 1 output.");
            if (_labelColumn is null)
            {
                var column = new Matrix(labels.Length, 1);
                for (int n = 0; n < labels.Length; n++) column.Data[n] = labels[n];
                _labelColumn = column;
            }
            return _labelColumn;
        }
        throw new ArgumentException(
            $"Data set '{Name}' has {ClassCount} classes; the model has {spec.Outputs} outputs " +
            $"(it needs {ClassCount} outputs{(ClassCount == 2 ? ", or 1" : "")}).");
    }

    /// <summary>
    /// Checks that a model with this spec can train on this set, naming the first problem: empty set, input width,
    /// output width, labels for categorical cross-entropy.
    /// </summary>
    public void EnsureFits(ModelSpec spec)
    {
        if (Count == 0) throw new ArgumentException($"Data set '{Name}' is empty.");
        if (FeatureCount != spec.Inputs)
            throw new ArgumentException(
                $"Layer {WeightSet.LayerName(0)} expects {spec.Inputs} inputs; data set '{Name}' has {FeatureCount} features per sample.");
        // An autoencoder's targets are its features, read as they are held: asking for them would make a set of bytes
        // build its float64 copy.
        if (spec is not Autoencoder) _ = TargetsFor(spec);
        if (spec.Loss == Loss.CategoricalCrossEntropy && Labels is null)
            throw new ArgumentException($"Categorical cross-entropy needs class labels; data set '{Name}' has target values.");
        if (spec.Loss == Loss.BinaryCrossEntropy)
        {
            if (spec is Autoencoder) EnsureUnitRange(FeatureRows);
            else
                foreach (double t in TargetsFor(spec).Data) EnsureUnitRange(t);
        }
    }

    /// <summary>Bytes scaled into [0, 1] are there whatever they are; other rows are looked at one by one.</summary>
    private void EnsureUnitRange(FeatureRows rows)
    {
        if (rows.HoldsBytes && rows.Scale >= 0 && 255 * rows.Scale <= 1) return;
        var row = new double[rows.Cols];
        for (int n = 0; n < rows.Rows; n++)
        {
            rows.CopyRow(n, row);
            foreach (double t in row) EnsureUnitRange(t);
        }
    }

    private void EnsureUnitRange(double target)
    {
        if (target < 0 || target > 1)
            throw new ArgumentException($"Binary cross-entropy needs targets in [0, 1]; data set '{Name}' has {target}.");
    }

    /// <summary>The whole set as one batch for a model with this spec.</summary>
    public Batch ToBatch(ModelSpec spec)
    {
        EnsureFits(spec);
        return new Batch(Features, TargetsFor(spec), spec is Autoencoder ? null : Labels);
    }

    public override string ToString() =>
        $"{Name}: {Count} samples × {FeatureCount} features, "
        + (IsClassification ? $"{ClassCount} classes" : IsUnlabeled ? "no labels" : $"{Values?.Cols ?? 0} targets");

    private static int[] Gather(int[] source, ReadOnlySpan<int> indices)
    {
        var result = new int[indices.Length];
        for (int k = 0; k < indices.Length; k++) result[k] = source[indices[k]];
        return result;
    }

    /// <summary>Bytes times a finite scale are always finite: only float64 values are looked at.</summary>
    private static void EnsureFinite(string name, string what, FeatureRows rows)
    {
        if (rows.Values is { } values) EnsureFinite(name, what, values);
    }

    private static void EnsureFinite(string name, string what, Matrix m)
    {
        if (m.FirstNonFinite() is (int row, int col))
            throw new ArgumentException($"Data set '{name}': {what} of sample {row}, column {col} is {m[row, col]} (NaN or infinite).");
    }

    private static void EnsureImageFits(string name, FeatureRows features, ImageShape? image)
    {
        if (image is { } shape && shape.Width * shape.Height != features.Cols)
            throw new ArgumentException($"Data set '{name}': {shape.Width}×{shape.Height} images need {shape.Width * shape.Height} features, the rows have {features.Cols}.");
    }
}

/// <summary>The width and height of the images a data set's rows hold (row-major pixels).</summary>
public readonly record struct ImageShape(int Width, int Height);
