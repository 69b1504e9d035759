namespace Bridge.Comparison;

/// <summary>The command line asked for something that cannot be done; the message says what and how to fix it. Exit code 2.</summary>
public sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// An exception's message as a user should read it: an <see cref="ArgumentException"/>'s own text, without the
    /// " (Parameter 'name')" that .NET appends to name a C# parameter the user never sees.
    /// </summary>
    public static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } parameter } argument
            ? argument.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal)
            : e.Message;
}
