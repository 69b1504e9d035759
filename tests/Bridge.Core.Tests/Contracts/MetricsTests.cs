namespace Bridge.Tests.Contracts;

public class MetricsTests
{
    [Fact]
    public void One_output_fires_strictly_above_the_threshold_and_several_take_the_largest()
    {
        Assert.Equal([0, 0, 1], Metrics.PredictedClasses(Matrix.Column(0.2, 0.5, 0.51)));
        Assert.Equal([0, 1, 1], Metrics.PredictedClasses(Matrix.Column(0.2, 0.5, 0.51), threshold: 0.3));
        Assert.Equal([1, 0], Metrics.PredictedClasses(Matrix.FromRows([0.1, 0.7, 0.2], [0.5, 0.3, 0.2])));
    }

    [Fact]
    public void Accuracy_and_mean_squared_error()
    {
        var outputs = Matrix.FromRows([0.1, 0.9], [0.8, 0.2], [0.4, 0.6], [0.3, 0.7]);
        Assert.Equal(0.75, Metrics.Accuracy(outputs, [1, 0, 0, 1]));
        Assert.Equal((0.01 + 0.04) / 2, Metrics.MeanSquaredError(Matrix.FromRows([0.1, 0.8]), Matrix.FromRows([0.0, 1.0])), 15);
        Assert.Contains("4 output rows but 3 labels", Assert.Throws<ArgumentException>(() => Metrics.Accuracy(outputs, [1, 0, 0])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Metrics.Accuracy(new Matrix(0, 2), [])).Message);
        Assert.Contains("Shapes differ", Assert.Throws<ArgumentException>(() => Metrics.MeanSquaredError(new Matrix(1, 2), new Matrix(2, 1))).Message);
    }

    [Fact]
    public void The_confusion_matrix_counts_actual_against_predicted()
    {
        int[] actual = [0, 0, 1, 1, 1, 2];
        int[] predicted = [0, 1, 1, 1, 2, 2];
        var confusion = ConfusionMatrix.From(actual, predicted, 3, ["cat", "dog", "emu"]);
        Assert.Equal(new[,] { { 1, 1, 0 }, { 0, 2, 1 }, { 0, 0, 1 } }, confusion.Counts);
        Assert.Equal((6, 3), (confusion.Total, confusion.ClassCount));
        Assert.Equal(4 / 6.0, confusion.Accuracy, 15);
        Assert.Equal(2, confusion[1, 1]);
        string table = confusion.ToString();
        Assert.Contains("cat", table);
        Assert.Equal(4, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("outside 0..2", Assert.Throws<ArgumentException>(() => ConfusionMatrix.From([3], [0], 3)).Message);
        Assert.True(double.IsNaN(ConfusionMatrix.From([], [], 2).Accuracy));
        var fromOutputs = ConfusionMatrix.From(Matrix.Column(0.9, 0.1, 0.6), [1, 0, 0], 2);
        Assert.Equal(new[,] { { 1, 1 }, { 0, 1 } }, fromOutputs.Counts);
    }
}
