namespace Bridge.Formats;

/// <summary>
/// Writes a whole file or nothing: the content goes to a temporary file in the same folder, is flushed to the disk,
/// and only then renamed over the target, so a crash or an error mid-write never leaves a broken file in its place
/// (the old one, if any, stays as it was) and no temporary file is left behind.
/// </summary>
public static class AtomicFile
{
    /// <param name="wrap">Wraps the file stream before writing (used by tests to inject failures).</param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrap = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var stream = wrap?.Invoke(file) ?? file;
                write(stream);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));
}
