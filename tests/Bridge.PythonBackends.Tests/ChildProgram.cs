using Bridge.Sklearn;

namespace Bridge.PythonBackends.Tests;

/// <summary>
/// The test assembly run as a program, for what needs a Python of its own (one interpreter per process):
/// <c>dotnet Bridge.Keras.Tests.dll sklearn-availability</c> prints what the scikit-learn backend says about this Python.
/// </summary>
public static class ChildProgram
{
    public static int Main(string[] args)
    {
        if (args is not ["sklearn-availability"])
        {
            Console.Error.WriteLine("usage: Bridge.Keras.Tests sklearn-availability");
            return 2;
        }
        var availability = new SklearnBackend().Availability;
        Console.WriteLine($"{(availability.IsAvailable ? "available" : "unavailable")}: {availability.Detail}");
        return 0;
    }
}
