using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Bridge.Plots;
using Spectre.Console.Testing;

namespace Bridge.Comparison.Tests;

/// <summary>
/// The HTML report answers at a glance whether the backends agree and by how much below tolerance: the headline and
/// failures (with a broken backend's own message) first, one grid cell per check with its value, a ✓ or ✗ and its
/// colour, accuracy in percent; and it opens in a real browser (headless Chromium) without console errors, the grid
/// and the results on the first screen of a 1400 px window.
/// </summary>
public sealed class HtmlReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bridge-html-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string MakeReport()
    {
        string path = Path.Combine(_folder, "report.html");
        var settings = new CompareSettings { Data = "spirals", Layers = "2,16,3", Epochs = 5, Backends = "managed,torch" };
        Assert.Equal(ExitCodes.Agree, ComparisonConsole.Run(settings, null, path, null, new TestConsole()));
        return path;
    }

    private const string BrokenMessage = "CUDA error: out of memory <while allocating 2 GiB> & more";

    /// <summary>
    /// A comparison written by hand, so that each of its numbers is known: torch agrees, keras's gradients of the
    /// output layer disagree, sklearn stopped with an error.
    /// </summary>
    private static ComparisonReport MixedReport()
    {
        var data = Datasets.Spirals(60);
        var plan = new ComparisonPlan(new Mlp(2, new Dense(8, Activation.Tanh), new Dense(3, Activation.Softmax)), data, new TrainingOptions { Epochs = 3 });
        Check Against(string name, string backend, string? layer, double value, double tolerance) =>
            new(name, backend, "managed", layer, "relative error", value, tolerance);
        var checks = new List<Check>
        {
            new(CheckNames.FiniteDifference, "managed", "finite differences", "dense_0", "relative error", 2.2e-9, 1e-7),
            Against(CheckNames.Forward, "torch", "dense_0", 4.7e-16, 1e-12),
            Against(CheckNames.Forward, "keras", "dense_0", 0, 1e-12),
            Against(CheckNames.Gradient, "torch", "dense_0", 2.7e-16, 1e-10),
            Against(CheckNames.Gradient, "torch", "dense_1", 3.1e-16, 1e-10),
            Against(CheckNames.Gradient, "keras", "dense_0", 3e-16, 1e-10),
            Against(CheckNames.Gradient, "keras", "dense_1", 2.5e-6, 1e-10),
            new(CheckNames.Error, "sklearn", "managed", null, "error", double.PositiveInfinity, 0, BrokenMessage),
        };
        EpochRecord Epoch(int e, double loss) => new(e, loss, loss, null, null, null, null, TimeSpan.FromSeconds(e));
        var history = new[] { Epoch(0, 1.1), Epoch(1, 0.8), Epoch(2, 0.6) };
        var results = new List<BackendResult>
        {
            new("managed", "test accuracy", 0.9749, history, TimeSpan.FromSeconds(0.2)),
            new("torch", "test accuracy", 0.9749, history, TimeSpan.FromSeconds(1.5)),
            new("keras", "test accuracy", 0.9512, history, TimeSpan.FromSeconds(3)),
        };
        var backends = new[] { "managed", "torch", "keras", "sklearn" }
            .Select(b => new BackendStatus(b, true, "", "cpu", Precision.Float64)).ToList();
        return new ComparisonReport(plan, backends, checks, results, TimeSpan.FromSeconds(5));
    }

    /// <summary>The text a reader sees: tags and attributes (titles, tooltips) removed, entities decoded, spaces collapsed.</summary>
    private static string VisibleText(string html) =>
        Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "<style>.*?</style>", "", RegexOptions.Singleline), "<[^>]+>", " ")), @"\s+", " ");

    [Fact]
    public void The_page_is_self_contained_with_its_pictures()
    {
        string html = File.ReadAllText(MakeReport());
        Assert.Equal(2, html.Split("<img ").Length - 1);
        Assert.Equal(2, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("Loss per epoch", html);
        Assert.Contains("✓ The backends agree", VisibleText(html));
    }

    [Fact]
    public void Every_check_has_a_grid_cell_with_its_value_a_mark_and_its_colour()
    {
        var report = MixedReport();
        string html = HtmlReport.Render(report);
        var cells = Regex.Matches(html, "<td class=\"cell (pass|fail)\" style=\"background:(#[0-9a-f]{6})\" data-check=\"([^\"]*)\" data-backend=\"([^\"]*)\"[^>]*>([^<]*)<span class=\"mark\">(.)</span>")
            .ToDictionary(m => (m.Groups[3].Value, m.Groups[4].Value), m => (Verdict: m.Groups[1].Value, Color: m.Groups[2].Value, Shown: m.Groups[5].Value, Mark: m.Groups[6].Value));
        Assert.Equal(report.Checks.Count, cells.Count);
        foreach (var check in report.Checks)
        {
            var cell = cells[(check.Name + (check.Layer is null ? "" : " " + check.Layer), check.Backend)];
            // Pass or fail in words and mark, not by colour alone.
            Assert.Equal(check.Passed ? "pass" : "fail", cell.Verdict);
            Assert.Equal(check.Passed ? "✓" : "✗", cell.Mark);
            Assert.Equal(AgreementGrid.CellColor(check), cell.Color);
            string shown = cell.Shown.Trim();
            if (check.Name == CheckNames.Error) Assert.Equal("error", shown);
            else Assert.Equal(check.Value, double.Parse(shown, CultureInfo.InvariantCulture), check.Value * 0.06);
        }
        // The colour says how far below tolerance: 1e-6 below is greener than 1e-4 below, a failure is neither.
        var far = AgreementGrid.CellColor(new Check("g", "b", "r", null, "", 1e-16, 1e-10));
        var near = AgreementGrid.CellColor(new Check("g", "b", "r", null, "", 1e-11, 1e-10));
        Assert.NotEqual(far, near);
        Assert.True(Green(far) - Red(far) > Green(near) - Red(near), $"{far} should be greener than {near}");
        Assert.DoesNotContain(AgreementGrid.FailColor, new[] { far, near });
        // The margin is written out too: keras's 2.5e-6 against 1e-10 is 10^4.4 above.
        Assert.Contains("tol × 10<sup>4.4</sup>", html);
    }

    private static int Red(string hex) => Convert.ToInt32(hex[1..3], 16);
    private static int Green(string hex) => Convert.ToInt32(hex[3..5], 16);

    [Fact]
    public void A_backend_that_failed_shows_its_own_message_and_the_failures_come_first()
    {
        string html = HtmlReport.Render(MixedReport());
        string text = VisibleText(html);
        Assert.Contains(BrokenMessage, text);
        Assert.DoesNotContain("error leaves tolerance", text);
        Assert.Contains("✗ 2 of 8 checks failed", text);
        // keras's disagreement is explained where it starts.
        Assert.Contains("keras ✗ outputs and loss agree, and the gradients disagree from layer dense_1", text);
        int headline = text.IndexOf("checks failed", StringComparison.Ordinal);
        int failures = text.IndexOf(BrokenMessage, StringComparison.Ordinal);
        int results = text.IndexOf("After training", StringComparison.Ordinal);
        int grid = text.IndexOf("Agreement with managed", StringComparison.Ordinal);
        Assert.True(headline < failures && failures < results && results < grid, $"order: headline {headline}, failures {failures}, results {results}, grid {grid}");
    }

    [Fact]
    public void A_run_in_which_only_the_reference_ran_is_not_called_agreement()
    {
        var mixed = MixedReport();
        var alone = mixed with
        {
            Checks = mixed.Checks.Where(c => c.Backend == "managed").ToList(),
            Results = mixed.Results.Where(r => r.Backend == "managed").ToList(),
        };
        string text = VisibleText(HtmlReport.Render(alone));
        Assert.Contains("✗ Incomplete. Nothing was compared", text);
        Assert.DoesNotContain("agree:", text);

        // A backend asked for by name that could not run: the page says so first.
        var missing = mixed with
        {
            Checks = mixed.Checks.Where(c => c.Passed).ToList(),
            Backends = [.. mixed.Backends.Where(b => b.Name != "sklearn"), new BackendStatus("sklearn", false, "scikit-learn is not installed", null, Precision.Float64)],
        };
        string asked = VisibleText(HtmlReport.Render(missing, Verdict.Of(missing, ["managed", "sklearn"])));
        Assert.Contains("✗ Incomplete", asked);
        Assert.Contains("sklearn was asked for but could not run: scikit-learn is not installed.", asked);
    }

    [Fact]
    public void Accuracy_reads_in_percent_as_in_the_terminal_with_its_difference()
    {
        string text = VisibleText(HtmlReport.Render(MixedReport()));
        Assert.Contains(0.9749.ToString("P2", CultureInfo.InvariantCulture), text);
        Assert.DoesNotContain("0.9749", text);
        Assert.Contains("−2.37 points", text);   // keras: 95.12 % against 97.49 %
    }

    [SkippableFact]
    public void Chromium_shows_the_verdict_grid_and_results_on_the_first_screen()
    {
        string chromium = UsableChromium() ?? throw new SkipException("no Chromium that runs here (Debian: apt-get install chromium)");
        var report = MixedReport();
        string mixed = Path.Combine(_folder, "mixed.html");
        HtmlReport.Save(report, mixed);
        var firstScreen = Screenshot(chromium, mixed, "mixed.png", 1400, 900);
        foreach (var color in report.Checks.Select(AgreementGrid.CellColor).Append(HtmlReport.ResultBarColor).Distinct())
        {
            var rgb = ((byte)Convert.ToInt32(color[1..3], 16), (byte)Convert.ToInt32(color[3..5], 16), (byte)Convert.ToInt32(color[5..7], 16));
            int seen = firstScreen.In(0, 0, firstScreen.Width, firstScreen.Height).Count(c => PngPixels.Distance(c, rgb) <= 3);
            Assert.True(seen > 300, $"the colour {color} (a grid cell or a result's bar) covers only {seen} pixels of the first screen");
        }

        // A real run's page, pictures and all.
        var page = Screenshot(chromium, MakeReport(), "page.png", 1400, 2400);
        var colors = page.In(0, 0, page.Width, page.Height).Distinct().Count();
        Assert.True(colors > 200, $"only {colors} colours: are the pictures there?");
    }

    /// <summary>The first installed Chromium that answers --version (an installed one can be broken or hidden).</summary>
    private static string? UsableChromium()
    {
        foreach (string path in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.Where(File.Exists))
        {
            var start = new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
            try
            {
                using var process = Process.Start(start)!;
                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                if (process.WaitForExit(60_000) && process.ExitCode == 0) return path;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return null;
    }

    private PngPixels Screenshot(string chromium, string page, string name, int width, int height)
    {
        string screenshot = Path.Combine(_folder, name);
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(_folder, "profile")}",
            "--force-color-profile=srgb", "--hide-scrollbars",
            "--enable-logging=stderr", "--v=0", $"--window-size={width},{height}", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri,
        }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "Chromium did not finish within two minutes");
        var console = errors.Result.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal)).ToList();
        Assert.True(console.Count == 0, string.Join("\n", console));
        Assert.True(PngInspection.Of(screenshot).LooksDrawn, $"{name} looks blank");
        if (Environment.GetEnvironmentVariable("BRIDGE_KEEP_PICTURES") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(screenshot, Path.Combine(keep, name), overwrite: true);
        }
        return PngPixels.Of(screenshot);
    }
}
