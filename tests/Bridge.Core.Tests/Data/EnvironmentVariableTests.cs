namespace Bridge.Tests.Data;

/// <summary>Environment variables are process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(EnvironmentVariableTests), DisableParallelization = true)]
public class EnvironmentVariableCollection;

[Collection(nameof(EnvironmentVariableTests))]
public class EnvironmentVariableTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string? _fashion = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);
    private readonly string? _digits = Environment.GetEnvironmentVariable(Digits.EnvironmentVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, _fashion);
        Environment.SetEnvironmentVariable(Digits.EnvironmentVariable, _digits);
        _dir.Dispose();
    }

    [Fact]
    public void The_fashion_mnist_variable_names_the_directory_read()
    {
        _dir.Write("t10k-images-idx3-ubyte.gz", TempDirectory.Gzip(IdxBytes.Images(3, 28, 28)));
        _dir.Write("t10k-labels-idx1-ubyte.gz", TempDirectory.Gzip(IdxBytes.Labels(4, 8, 9)));
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, _dir.Path);
        var data = FashionMnist.Load(DataSplit.Test);
        Assert.Equal([4, 8, 9], data.Labels!);
        Assert.Equal("Bag", data.ClassName(8));

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(DataSplit.Train));
        Assert.Contains($"The environment variable {FashionMnist.EnvironmentVariable} names '{_dir.Path}'", error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
    }

    [Fact]
    public void The_digits_variable_names_the_file_read()
    {
        string path = _dir.Write("my-digits.csv", string.Join(",", Enumerable.Repeat(16, 64).Append(7)) + "\n" + string.Join(",", Enumerable.Repeat(0, 64).Append(1)) + "\n");
        Environment.SetEnvironmentVariable(Digits.EnvironmentVariable, path);
        Assert.Equal([7, 1], Digits.Load().Labels!);

        Environment.SetEnvironmentVariable(Digits.EnvironmentVariable, _dir.File("absent.csv.gz"));
        var error = Assert.Throws<FileNotFoundException>(() => Digits.Load());
        Assert.Contains(_dir.File("absent.csv.gz"), error.Message);
        Assert.Contains($"The environment variable {Digits.EnvironmentVariable} names it", error.Message);
    }
}
