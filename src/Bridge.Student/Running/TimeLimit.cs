namespace Bridge.Student;

/// <summary>How long one call into a student's function may take before it is reported as not returning.</summary>
public static class TimeLimit
{
    /// <summary>30 s, or BRIDGE_STUDENT_TIME_LIMIT (seconds): a forward or backward pass of a course-sized network takes milliseconds.</summary>
    public static TimeSpan Default { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("BRIDGE_STUDENT_TIME_LIMIT"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(30);

    internal static string Describe(TimeSpan limit) => $"{limit.TotalSeconds:0.###} s";
}
