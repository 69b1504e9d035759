using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Bridge.Cli;

/// <summary>
/// The parser's errors as a user should read them: one line for the unknown options of a command (with their values,
/// and the nearest known option), and "--epochs takes a whole number" where the parser would name a .NET type.
/// </summary>
internal static class ParseErrorText
{
    public static IReadOnlyList<string> Lines(ParseResult parsed)
    {
        var lines = new List<string>();
        var unmatched = parsed.UnmatchedTokens;
        var command = parsed.CommandResult.Command;
        // A word where a command was expected ("bridge-nn compre"): name it, the nearest command, and the commands.
        bool unknownCommand = command.Subcommands.Count > 0 && unmatched.Count > 0 && !unmatched[0].StartsWith('-');
        if (unknownCommand)
        {
            var names = command.Subcommands.Select(c => c.Name).ToList();
            string? nearest = names.OrderBy(n => Distance(unmatched[0], n)).FirstOrDefault(n => Distance(unmatched[0], n) <= 2);
            lines.Add($"unknown command {unmatched[0]}" + (nearest is null ? "" : $" (did you mean {nearest}?)") +
                      $"; the commands are {string.Join(", ", names)}");
        }
        else if (unmatched.Count > 0) lines.Add(Unknown(unmatched, command));
        foreach (var error in parsed.Errors)
        {
            // The parser reports each unmatched token once more as its own error, and a missing command after an
            // unknown one; the line above already says it.
            if (unmatched.Any(token => error.Message.Contains($"'{token}'", StringComparison.Ordinal))) continue;
            if (unknownCommand && error.SymbolResult is CommandResult) continue;
            lines.Add(Describe(error));
        }
        return lines;
    }

    private static string Unknown(IReadOnlyList<string> tokens, Command command)
    {
        // An unknown option swallows nothing, so the words after it come back unmatched too: show them as its value.
        var groups = new List<List<string>>();
        foreach (string token in tokens)
        {
            if (token.StartsWith('-') || groups.Count == 0) groups.Add([token]);
            else groups[^1].Add(token);
        }
        var options = groups.Where(g => g[0].StartsWith('-')).ToList();
        var strays = groups.Where(g => !g[0].StartsWith('-')).SelectMany(g => g).ToList();
        var parts = new List<string>();
        if (options.Count > 0)
        {
            string list = string.Join(", ", options.Select(g => string.Join(' ', g)));
            var suggestions = options.Select(g => Nearest(g[0], command)).OfType<string>().Distinct().ToList();
            parts.Add((options.Count == 1 ? "unknown option " : "unknown options ") + list +
                      (suggestions.Count > 0 ? $" (did you mean {string.Join(" or ", suggestions)}?)" : ""));
        }
        if (strays.Count > 0) parts.Add("unexpected " + (strays.Count == 1 ? "argument " : "arguments ") + string.Join(' ', strays));
        return string.Join("; ", parts);
    }

    /// <summary>The known option nearest to a mistyped one, if it is close (a typo or two, or a prefix).</summary>
    private static string? Nearest(string typed, Command command)
    {
        var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct();
        var best = names.Select(n => (Name: n, Distance: Distance(typed, n))).OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).FirstOrDefault();
        if (best.Name is null) return null;
        bool prefix = typed.Length >= 4 && best.Name.StartsWith(typed, StringComparison.Ordinal);
        return best.Distance <= 2 || prefix ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string Describe(ParseError error)
    {
        var option = OptionOf(error.SymbolResult);
        if (option is null) return error.Message;
        var type = Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
        string? wanted = type == typeof(int) ? "a whole number, e.g. 20"
            : type == typeof(ulong) ? "a whole number from 0 up, e.g. 42"
            : type == typeof(double) ? "a number, e.g. 0.1"
            : null;
        if (wanted is null) return error.Message;
        // Name the value the option could not take; a message about anything else (a missing value) stays as it is.
        var bad = option.Tokens.Select(t => t.Value).FirstOrDefault(v => !Parses(v, type));
        string typed = option.IdentifierToken?.Value ?? option.Option.Name;   // --lr as typed, not --learning-rate
        return bad is null ? error.Message : $"{typed} takes {wanted}, not '{bad}'.";
    }

    private static OptionResult? OptionOf(SymbolResult? result)
    {
        for (var r = result; r is not null; r = r.Parent)
            if (r is OptionResult option) return option;
        return null;
    }

    private static bool Parses(string value, Type type) =>
        type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(ulong) ? ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
