using Bridge.Data;

namespace Bridge.Tests.Data;

public class CsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Iris =
        "sepal length,sepal width,species\n" +
        "5.1,3.5,setosa\n" +
        "7.0,3.2,versicolor\n" +
        "6.3,3.3,virginica\n" +
        "4.9,3.0,setosa\n";

    [Fact]
    public void Reads_a_header_and_maps_text_labels_to_sorted_classes()
    {
        var data = Csv.Read(_dir.Write("iris.csv", Iris));
        Assert.Equal("iris", data.Name);
        Assert.Equal((4, 2), (data.Count, data.FeatureCount));
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames!);
        Assert.Equal([0, 1, 2, 0], data.Labels!);
        Assert.Equal([5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0], data.Features.Data);
    }

    [Fact]
    public void Detects_a_file_without_header()
    {
        var data = Csv.Parse("1,2,0\n3,4,1\n5,6,1\n");
        Assert.Equal(3, data.Count);
        Assert.Equal([0, 1, 1], data.Labels!);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.Features.Data);
    }

    [Fact]
    public void Numeric_labels_sort_numerically_and_keep_their_text_as_class_names()
    {
        var data = Csv.Parse("x,y\n0.5,10\n0.1,2\n0.7,1\n0.2,2.0\n");
        Assert.Equal(["1", "2", "10"], data.ClassNames!);
        Assert.Equal([2, 1, 0, 1], data.Labels!); // "2" and "2.0" are one class
    }

    [Fact]
    public void Header_detection_can_be_overridden()
    {
        // Forced "no header": the first line is data, and its text is reported where a number belongs.
        var error = Assert.Throws<InvalidDataException>(() => Csv.Parse(Iris, new CsvOptions { HasHeader = false }, "iris.csv"));
        Assert.Contains("iris.csv, line 1, column 1 (index 0)", error.Message);
        Assert.Contains("'sepal length' is not a number", error.Message);

        // Forced header on a numeric file: the first line becomes the column names.
        var data = Csv.Parse("1,2,0\n3,4,1\n5,6,0\n", new CsvOptions { HasHeader = true, Target = CsvTarget.ClassLabel("0") });
        Assert.Equal(2, data.Count);
        Assert.Equal([1, 0], data.Labels!);
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData(',')]
    public void Detects_the_separator(char separator)
    {
        string text = string.Join("\n", "a|b|label", "1.5|2|x", "3|4.25|y").Replace('|', separator);
        var data = Csv.Parse(text);
        Assert.Equal([1.5, 2, 3, 4.25], data.Features.Data);
        Assert.Equal(["x", "y"], data.ClassNames!);
    }

    [Fact]
    public void An_explicit_separator_wins_over_detection()
    {
        // Commas inside decimals written the European way would confuse detection.
        var data = Csv.Parse("a;b;c\n1;2;0\n3;4;1\n", new CsvOptions { Separator = ';' });
        Assert.Equal([1.0, 2, 3, 4], data.Features.Data);
    }

    [Fact]
    public void The_label_column_is_chosen_by_index_from_either_end_or_by_name()
    {
        const string text = "id,label,f\n1,a,0.5\n2,b,0.25\n";
        var byIndex = Csv.Parse(text, new CsvOptions { Target = CsvTarget.ClassLabel(1) });
        var fromEnd = Csv.Parse(text, new CsvOptions { Target = CsvTarget.ClassLabel(-2) });
        var byName = Csv.Parse(text, new CsvOptions { Target = CsvTarget.ClassLabel("label") });
        var byNameIgnoringCase = Csv.Parse(text, new CsvOptions { Target = CsvTarget.ClassLabel("LABEL") });
        foreach (var data in new[] { byIndex, fromEnd, byName, byNameIgnoringCase })
        {
            Assert.Equal([1.0, 0.5, 2, 0.25], data.Features.Data);
            Assert.Equal([0, 1], data.Labels!);
        }
    }

    [Fact]
    public void Regression_targets_are_chosen_by_columns()
    {
        var data = Csv.Parse("x1,y2,x2,y1\n1,10,2,20\n3,30,4,40\n",
            new CsvOptions { Target = CsvTarget.RegressionValues("y1", 1) });
        Assert.False(data.IsClassification);
        Assert.Equal([1.0, 2, 3, 4], data.Features.Data);
        Assert.Equal([20.0, 10, 40, 30], data.Values!.Data);
    }

    [Fact]
    public void No_target_gives_features_only()
    {
        var data = Csv.Parse("1,2\n3,4\n", new CsvOptions { Target = CsvTarget.None });
        Assert.True(data.IsUnlabeled);
        Assert.Equal([1.0, 2, 3, 4], data.Features.Data);
        var error = Assert.Throws<ArgumentException>(() => data.EnsureFits(new Mlp(2, new Dense(1))));
        Assert.Contains("only an autoencoder", error.Message);
        data.EnsureFits(new Autoencoder(2, [new Dense(1)], [new Dense(2)]));
    }

    [Fact]
    public void Quoted_cells_may_hold_separators_and_quotes()
    {
        var data = Csv.Parse("\"a, first\",b,name\n1,2,\"say \"\"hi\"\"\"\n3,4, \"x,y\" \n");
        Assert.Equal(["say \"hi\"", "x,y"], data.ClassNames!);
    }

    [Fact]
    public void Blank_lines_CRLF_and_a_byte_order_mark_are_tolerated_and_lines_keep_their_numbers()
    {
        string path = _dir.Write("crlf.csv", "\uFEFFa,b,c\r\n\r\n1,2,x\r\n   \r\n3,4,y\r\n\r\n");
        var data = Csv.Read(path);
        Assert.Equal(2, data.Count);
        Assert.Equal([1.0, 2, 3, 4], data.Features.Data);

        var error = Assert.Throws<InvalidDataException>(() => Csv.Parse("a,b,c\n\n1,2,x\n\n3,oops,y\n", name: "f.csv"));
        Assert.Contains("f.csv, line 5, column 2 (index 1, 'b'): 'oops' is not a number", error.Message);
    }

    [Fact]
    public void A_gzip_file_is_recognised_by_its_content_not_its_name()
    {
        string path = _dir.Write("iris.data", TempDirectory.Gzip(System.Text.Encoding.UTF8.GetBytes(Iris)));
        var data = Csv.Read(path);
        Assert.Equal(4, data.Count);
        Assert.Equal(3, data.ClassCount);
    }

    [Fact]
    public void The_image_shape_and_the_name_can_be_given()
    {
        var data = Csv.Parse("1,2,3,4,0\n5,6,7,8,1\n", new CsvOptions { Image = new ImageShape(2, 2), Name = "tiny" });
        Assert.Equal(new ImageShape(2, 2), data.Image);
        Assert.Equal("tiny", data.Name);
    }

    [Theory]
    [InlineData("NaN", "is NaN")]
    [InlineData("nan", "is NaN")]
    [InlineData("Infinity", "is infinite")]
    [InlineData("-Infinity", "is infinite")]
    [InlineData("inf", "'inf' is not a number")]
    [InlineData("1e400", "is infinite")]
    [InlineData("abc", "'abc' is not a number")]
    [InlineData("1,5", "cells")]
    [InlineData("", "the cell is empty")]
    public void Bad_cells_are_named_by_line_and_column(string cell, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            Csv.Parse($"x,y,label\n1,2,a\n3,{(cell.Contains(',') ? "\"" + cell + "\"" : cell)},b\n", name: "cells.csv"));
        if (problem == "cells") Assert.Contains("'1,5' is not a number", error.Message);
        else Assert.Contains(problem, error.Message);
        Assert.Contains("cells.csv, line 3, column 2 (index 1, 'y')", error.Message);
    }

    [Fact]
    public void A_ragged_row_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => Csv.Parse("x,y,label\n1,2,a\n3,b\n", name: "r.csv"));
        Assert.Contains("r.csv, line 3: the line has 2 cells, but line 1 (the header) has 3", error.Message);
    }

    [Fact]
    public void A_label_column_outside_the_file_is_refused_listing_the_range()
    {
        var error = Assert.Throws<ArgumentException>(() => Csv.Parse("1,2,0\n3,4,1\n", new CsvOptions { Target = CsvTarget.ClassLabel(3) }, "t.csv"));
        Assert.Contains("label column index 3 is outside the 3 columns of t.csv", error.Message);
        error = Assert.Throws<ArgumentException>(() => Csv.Parse("1,2,0\n3,4,1\n", new CsvOptions { Target = CsvTarget.ClassLabel(-4) }, "t.csv"));
        Assert.Contains("index -4", error.Message);
    }

    [Fact]
    public void A_label_name_that_is_not_in_the_header_is_refused_listing_the_columns()
    {
        var error = Assert.Throws<ArgumentException>(() => Csv.Parse(Iris, new CsvOptions { Target = CsvTarget.ClassLabel("class") }, "iris.csv"));
        Assert.Contains("no column named 'class'", error.Message);
        Assert.Contains("'sepal length', 'sepal width', 'species'", error.Message);
        error = Assert.Throws<ArgumentException>(() => Csv.Parse("1,2,0\n3,4,1\n", new CsvOptions { Target = CsvTarget.ClassLabel("class") }, "t.csv"));
        Assert.Contains("has no header line", error.Message);
    }

    [Fact]
    public void A_file_of_targets_only_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Csv.Parse("a\nb\n", name: "one.csv"));
        Assert.Contains("no feature column is left", error.Message);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("\n \n\t\n", "the file is empty")]
    [InlineData("a,b,label\n", "a header but no data rows")]
    public void Empty_files_are_refused(string text, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => Csv.Read(_dir.Write("empty.csv", text)));
        Assert.Contains(problem, error.Message);
        Assert.Contains("empty.csv", error.Message);
    }

    [Fact]
    public void A_single_class_is_refused_with_a_hint()
    {
        var error = Assert.Throws<InvalidDataException>(() => Csv.Parse("1,2,a\n3,4,a\n", name: "s.csv"));
        Assert.Contains("every row has the class label 'a'", error.Message);
        Assert.Contains("RegressionValues", error.Message);
    }

    [Fact]
    public void An_unclosed_quote_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => Csv.Parse("x,label\n1,\"abc\n2,d\n", name: "q.csv"));
        Assert.Contains("q.csv, line 2: the quote opened at character 3 is never closed", error.Message);
    }

    [Fact]
    public void A_missing_file_names_its_path()
    {
        string path = _dir.File("absent.csv");
        var error = Assert.Throws<FileNotFoundException>(() => Csv.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }
}
