namespace Bridge;

public static class OneHot
{
    /// <summary>One row per label with a 1 in the label's column and 0 elsewhere.</summary>
    public static Matrix Encode(ReadOnlySpan<int> labels, int classCount)
    {
        var m = new Matrix(labels.Length, classCount);
        for (int n = 0; n < labels.Length; n++)
        {
            if ((uint)labels[n] >= (uint)classCount)
                throw new ArgumentException($"Label {labels[n]} of sample {n} is outside the classes 0..{classCount - 1}.");
            m[n, labels[n]] = 1;
        }
        return m;
    }

    /// <summary>The column of the largest value in each row.</summary>
    public static int[] Decode(Matrix oneHot) => oneHot.ArgMaxPerRow();
}
