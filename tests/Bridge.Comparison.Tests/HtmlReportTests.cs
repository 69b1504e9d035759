using System.Diagnostics;
using Bridge.Plots;
using Spectre.Console.Testing;

namespace Bridge.Comparison.Tests;

/// <summary>The HTML report opens in a real browser (headless Chromium) without console errors and shows its pictures.</summary>
public sealed class HtmlReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-html-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string MakeReport()
    {
        string path = Path.Combine(_folder, "report.html");
        var settings = new CompareSettings { Data = "spirals", Layers = "2,16,3", Epochs = 5, Backends = "managed,torch" };
        Assert.Equal(ExitCodes.Agree, CompareCommand.Run(settings, null, path, null, new TestConsole()));
        return path;
    }

    [Fact]
    public void The_page_is_self_contained_with_three_embedded_pictures()
    {
        string html = File.ReadAllText(MakeReport());
        Assert.Equal(3, html.Split("<img ").Length - 1);
        Assert.Equal(3, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("Loss per epoch", html);
        Assert.Contains("checks passed", html);
    }

    [SkippableFact]
    public void Chromium_renders_it_without_console_errors()
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
            ?? throw new SkipException("no Chromium installed (Debian: apt-get install chromium)");
        string page = MakeReport();
        string screenshot = Path.Combine(_folder, "page.png");
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(_folder, "profile")}",
            "--enable-logging=stderr", "--v=0", "--window-size=1300,2400", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri,
        }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "Chromium did not finish within two minutes");
        var console = errors.Result.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal)).ToList();
        Assert.True(console.Count == 0, string.Join("\n", console));
        var picture = PngInspection.Of(screenshot);
        Assert.True(picture.LooksDrawn, picture.ToString());
        // The plots carry colour (loss curves, bars); a page of text alone is black on white.
        Assert.True(picture.DistinctColors > 200, $"only {picture.DistinctColors} colours: are the pictures there?");
    }
}
