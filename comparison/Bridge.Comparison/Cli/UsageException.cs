namespace Bridge.Comparison;

/// <summary>The command line asked for something that cannot be done; the message says what and how to fix it. Exit code 2.</summary>
public sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
