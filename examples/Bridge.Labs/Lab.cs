using System.Runtime.CompilerServices;
using Bridge.Backends;
using Bridge.Catalog;
using Bridge.Plots;
using ScottPlot;

namespace Bridge.Labs;

/// <summary>
/// One lab's run: its command line, where its pictures go, and the backend it was asked for.
/// <code>return Lab.Run(args, lab => { var backend = lab.Backend(spec); … lab.Save(plot, "loss"); });</code>
/// Options every lab takes: <c>--backend NAME</c> (default managed), <c>--out FOLDER</c> (default: the folder the lab's
/// source file is in), <c>--quick</c> (or BRIDGE_QUICK=1: fewer epochs and samples, for tests and a first look).
/// </summary>
public sealed class Lab
{
    /// <summary>Exit codes: 0 done, 1 stopped by an error it names, 2 bad arguments, 3 the backend asked for cannot run this lab here.</summary>
    public const int Done = 0, Failed = 1, BadArguments = 2, Unavailable = 3;

    private readonly List<string> _pictures = [];

    private Lab(string name, string outputFolder, string backendName, bool quick)
    {
        Name = name;
        OutputFolder = outputFolder;
        BackendName = backendName;
        Quick = quick;
    }

    /// <summary>The lab's name: its file name without .cs.</summary>
    public string Name { get; }

    /// <summary>Where pictures are written.</summary>
    public string OutputFolder { get; }

    /// <summary>The backend named by --backend.</summary>
    public string BackendName { get; }

    /// <summary>Whether to run small: fewer epochs and samples.</summary>
    public bool Quick { get; }

    /// <summary>
    /// Parses <paramref name="args"/>, runs <paramref name="body"/> and turns the errors a user can act on into a
    /// message and an exit code rather than a stack trace.
    /// </summary>
    /// <param name="takesBackend">False for a lab that runs several backends itself: --backend is then refused rather than ignored.</param>
    public static int Run(string[] args, Action<Lab> body, bool takesBackend = true, [CallerFilePath] string sourceFile = "")
    {
        Lab lab;
        try
        {
            lab = Parse(args, sourceFile);
            if (!takesBackend && args.Contains("--backend"))
                throw new ArgumentException($"{lab.Name} runs every backend itself; it takes no --backend.");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("Options: --backend managed|managed-teaching|torch|keras|sklearn, --out FOLDER, --quick");
            return BadArguments;
        }
        try
        {
            body(lab);
        }
        catch (LabUnavailableException e)
        {
            Console.Error.WriteLine(e.Message);
            return Unavailable;
        }
        catch (Exception e) when (e is BackendUnavailableException or FileNotFoundException or InvalidDataException
                                      or TrainingDivergedException or Bridge.Python.PythonException)
        {
            // Their messages name the problem and the fix; a stack trace would only bury them.
            Console.Error.WriteLine($"{lab.Name} stopped: {e.Message}");
            return Failed;
        }
        if (lab._pictures.Count > 0)
            Console.WriteLine($"\nPictures: {string.Join(", ", lab._pictures.Select(Path.GetFileName))} in {lab.OutputFolder}");
        return Done;
    }

    private static Lab Parse(string[] args, string sourceFile)
    {
        string name = Path.GetFileNameWithoutExtension(sourceFile);
        string output = Path.GetDirectoryName(sourceFile) is { Length: > 0 } folder && Directory.Exists(folder) ? folder : Environment.CurrentDirectory;
        string backend = "managed";
        bool quick = Environment.GetEnvironmentVariable("BRIDGE_QUICK") is "1" or "true";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--backend": backend = ValueOf(args, ref i); break;
                case "--out": output = ValueOf(args, ref i); break;
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        Directory.CreateDirectory(output);
        return new Lab(name, Path.GetFullPath(output), backend.Trim().ToLowerInvariant(), quick);
    }

    private static string ValueOf(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    /// <summary><paramref name="full"/> normally, <paramref name="quick"/> with --quick.</summary>
    public int Scale(int full, int quick) => Quick ? quick : full;

    /// <summary>
    /// The backend --backend names, checked against what this lab needs: it exists, it runs here and it can build
    /// <paramref name="spec"/>; otherwise the lab stops with the reason and the fix.
    /// </summary>
    public IBackend Backend(ModelSpec spec) => Backend(BackendName, spec);

    /// <summary>The backend called <paramref name="name"/>, checked like <see cref="Backend(ModelSpec)"/>.</summary>
    public static IBackend Backend(string name, ModelSpec spec)
    {
        IBackend backend;
        try
        {
            backend = BackendCatalog.Get(name);
        }
        catch (ArgumentException e)
        {
            throw new LabUnavailableException(e.Message);
        }
        if (backend.CannotRun(spec) is { } reason) throw new LabUnavailableException($"The {backend.Name} backend cannot run this lab: {reason}");
        return backend;
    }

    /// <summary>
    /// The digits set split as every digits lab splits it: a quarter held out for testing, seed 1.
    /// </summary>
    public static (Dataset Train, Dataset Test) DigitsSplit()
    {
        return Digits.Load().Split(0.25, seed: 1);
    }

    /// <summary>Saves <paramref name="plot"/> as NAME-<paramref name="what"/>.png in the output folder.</summary>
    public string Save(Plot plot, string what, int width = 640, int height = 480) =>
        Saved(Picture.SavePng(plot, PicturePath(what), width, height));

    /// <summary>Saves several plots side by side as one picture.</summary>
    public string SaveSideBySide(string what, int panelWidth, int height, params Plot[] plots) =>
        Saved(Picture.SaveSideBySide(PicturePath(what), panelWidth, height, plots));

    private string PicturePath(string what) => Path.Combine(OutputFolder, $"{Name}-{what}.png");

    private string Saved(string path)
    {
        _pictures.Add(path);
        return path;
    }

    /// <summary>A heading between the parts of a lab's output.</summary>
    public static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine(text);
        Console.WriteLine(new string('─', Math.Min(text.Length, 100)));
    }
}

/// <summary>The lab cannot run as asked (a backend missing here); the message says why and how to fix it.</summary>
public sealed class LabUnavailableException(string message) : Exception(message);
