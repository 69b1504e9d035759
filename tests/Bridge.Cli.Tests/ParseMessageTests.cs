using Bridge.Comparison;
using Spectre.Console.Testing;

namespace Bridge.Cli.Tests;

/// <summary>The entry point's answers to a command line it cannot parse: the user's terms, never .NET's.</summary>
public sealed class ParseMessageTests
{
    private static (int Code, string Error, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CommandLine.Run(args, output, error);
        return (code, error.ToString(), output.ToString());
    }

    [Theory]
    [InlineData("compare", "--epochs", "abc", "--epochs takes a whole number")]
    [InlineData("compare", "--lr", "fast", "--lr takes a number")]
    [InlineData("train", "--seed", "many", "--seed takes a whole number from 0 up")]
    [InlineData("compare", "--k-steps", "1.5", "--k-steps takes a whole number")]
    public void A_value_of_the_wrong_kind_is_named_with_the_kind_wanted(string command, string option, string value, string expected)
    {
        var (code, error, _) = Run(command, option, value);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains(expected, error);
        Assert.Contains($"'{value}'", error);
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public void An_unknown_option_and_its_value_make_one_line()
    {
        var (code, error, _) = Run("compare", "--nosuch-option", "3");
        Assert.Equal(ExitCodes.BadArguments, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);   // the problem, and where the options are listed
        Assert.Contains("unknown option --nosuch-option 3", lines[0]);
        Assert.Contains($"{ToolName.Command} compare --help", lines[1]);
    }

    [Fact]
    public void A_mistyped_option_gets_the_nearest_one_suggested()
    {
        var (_, error, _) = Run("compare", "--epoch", "3");
        Assert.Contains("did you mean --epochs?", error);
    }

    [Fact]
    public void A_mistyped_command_gets_the_nearest_one_and_the_list()
    {
        var (code, error, _) = Run("compre");
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("unknown command compre (did you mean compare?)", error);
        Assert.Contains("compare, train, bench, backends", error);
        Assert.DoesNotContain("Required command", error);
    }

    [Fact]
    public void A_bad_name_has_no_parameter_name_in_its_message()
    {
        var console = new TestConsole().Width(200);
        int code = ComparisonConsole.Run(new CompareSettings { Precision = "float16", Epochs = 1 }, null, null, null, console);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("float32 or float64", console.Output);
        Assert.DoesNotContain("(Parameter", console.Output);
    }

    [Fact]
    public void Help_names_the_tool_and_the_explain_topic_as_a_placeholder()
    {
        var (code, _, output) = Run("compare", "--help");
        Assert.Equal(ExitCodes.Agree, code);
        Assert.Contains($"{ToolName.Command} compare [options]", output);
        Assert.Contains("--explain <TOPIC>", output);
        Assert.Contains("loss-reduction", output);
    }

    [Fact]
    public void The_tool_command_name_is_the_one_the_package_installs()
    {
        string project = File.ReadAllText(Path.Combine(CommandLineTests.RepositoryRoot(), "tools", "Bridge.Cli", "Bridge.Cli.csproj"));
        Assert.Contains($"<ToolCommandName>{ToolName.Command}</ToolCommandName>", project);
        Assert.NotEqual("bridge", ToolName.Command);   // iproute2's /sbin/bridge comes first on PATH
    }
}
