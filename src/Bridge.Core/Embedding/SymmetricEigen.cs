using System.Numerics;

namespace Bridge;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix A = V·diag(λ)·Vᵀ, in two classic steps:
/// Householder reflections bring A to tridiagonal form T = Qᵀ·A·Q, then implicit QR steps with Wilkinson shifts
/// (Givens rotations chasing a bulge down the diagonal) drive T's off-diagonal to zero, accumulating every rotation
/// into Q. Both steps only multiply by orthogonal matrices, so the result is accurate to a few units of rounding
/// relative to ‖A‖. O(n³): about a second for n = 784.
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>
    /// The eigenvalues in descending order and, as the rows of <c>Vectors</c> ([n, n]), the unit eigenvectors in the
    /// same order. Only the lower triangle of <paramref name="symmetric"/> is read.
    /// </summary>
    public static (double[] Values, Matrix Vectors) Decompose(Matrix symmetric)
    {
        int n = symmetric.Rows;
        if (symmetric.Cols != n) throw new ArgumentException($"An eigen-decomposition needs a square matrix, got {symmetric.ShapeText}.");
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                a[i * n + j] = a[j * n + i] = symmetric.Data[i * n + j];
        // Qᵀ is kept row-major, so that each transformation updates whole contiguous rows.
        var qt = new double[n * n];
        for (int i = 0; i < n; i++) qt[i * n + i] = 1;
        var diagonal = new double[n];
        var offDiagonal = new double[Math.Max(n - 1, 0)];
        Tridiagonalize(a, qt, n, diagonal, offDiagonal);
        DiagonalizeTridiagonal(diagonal, offDiagonal, qt, n);

        var order = Enumerable.Range(0, n).OrderByDescending(i => diagonal[i]).ThenBy(i => i).ToArray();
        var values = new double[n];
        var vectors = new Matrix(n, n);
        for (int k = 0; k < n; k++)
        {
            values[k] = diagonal[order[k]];
            qt.AsSpan(order[k] * n, n).CopyTo(vectors.Data.AsSpan(k * n, n));
        }
        return (values, vectors);
    }

    /// <summary>
    /// For k = 0 … n−3, the reflection H = I − β·v·vᵀ (acting on indices k+1…n−1) that zeroes column k below the
    /// sub-diagonal; A ← H·A·H as a rank-2 update of the trailing block, and Qᵀ ← H·Qᵀ.
    /// </summary>
    private static void Tridiagonalize(double[] a, double[] qt, int n, double[] diagonal, double[] offDiagonal)
    {
        var v = new double[n];
        var p = new double[n];
        var w = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            int start = k + 1, m = n - start;
            // Nothing to do when the column is already zero below the sub-diagonal.
            if (AllZeroBelow(a, n, k, start + 1)) continue;
            double norm = 0;
            for (int i = start; i < n; i++) norm = double.Hypot(norm, a[i * n + k]);
            double x0 = a[start * n + k];
            // v = x − α·e₁ with α = −sign(x₀)·‖x‖, so that H·x = α·e₁ without cancellation.
            double alpha = x0 > 0 ? -norm : norm;
            for (int i = start; i < n; i++) v[i] = a[i * n + k];
            v[start] -= alpha;
            double vv = 0;
            for (int i = start; i < n; i++) vv += v[i] * v[i];
            double beta = 2 / vv;

            // p = β·B·v, w = p − (β/2)(vᵀp)·v;  B ← B − v·wᵀ − w·vᵀ is H·B·H.
            for (int i = start; i < n; i++) p[i] = beta * Dot(a.AsSpan(i * n + start, m), v.AsSpan(start, m));
            double half = 0.5 * beta * Dot(p.AsSpan(start, m), v.AsSpan(start, m));
            for (int i = start; i < n; i++) w[i] = p[i] - half * v[i];
            for (int i = start; i < n; i++)
            {
                var row = a.AsSpan(i * n + start, m);
                AddScaled(row, v.AsSpan(start, m), -w[i]);
                AddScaled(row, w.AsSpan(start, m), -v[i]);
            }
            a[start * n + k] = a[k * n + start] = alpha;
            for (int i = start + 1; i < n; i++) a[i * n + k] = a[k * n + i] = 0;

            // Qᵀ ← H·Qᵀ: rows start…n−1 change by −β·v·(vᵀ·Qᵀ).
            Array.Clear(p);
            for (int i = start; i < n; i++) AddScaled(p, qt.AsSpan(i * n, n), v[i]);
            for (int i = start; i < n; i++) AddScaled(qt.AsSpan(i * n, n), p, -beta * v[i]);
        }
        for (int i = 0; i < n; i++) diagonal[i] = a[i * n + i];
        for (int i = 0; i < n - 1; i++) offDiagonal[i] = a[(i + 1) * n + i];
    }

    private static bool AllZeroBelow(double[] a, int n, int column, int fromRow)
    {
        for (int i = fromRow; i < n; i++) if (a[i * n + column] != 0) return false;
        return true;
    }

    /// <summary>
    /// Implicit symmetric QR on the tridiagonal (d, e): repeatedly splits off converged eigenvalues at the bottom
    /// and applies one Wilkinson-shifted QR step to the lowest unreduced block, rotating rows of Qᵀ along.
    /// </summary>
    private static void DiagonalizeTridiagonal(double[] d, double[] e, double[] qt, int n)
    {
        int high = n - 1;
        int iterations = 0, limit = 64 * Math.Max(n, 1);
        while (high > 0)
        {
            if (Negligible(e[high - 1], d[high - 1], d[high]))
            {
                e[high - 1] = 0;
                high--;
                continue;
            }
            int low = high - 1;
            while (low > 0 && !Negligible(e[low - 1], d[low - 1], d[low])) low--;
            if (++iterations > limit)
                throw new InvalidOperationException($"The eigen-decomposition did not converge after {limit} QR steps.");
            QrStep(d, e, qt, n, low, high);
        }
    }

    /// <summary>An off-diagonal entry too small to change its neighbours' eigenvalues in double precision.</summary>
    private static bool Negligible(double offDiagonal, double above, double below) =>
        Math.Abs(offDiagonal) <= double.Epsilon + HalfUnitRoundoff * (Math.Abs(above) + Math.Abs(below));

    /// <summary>2^−53, the largest relative rounding error of one double operation.</summary>
    private const double HalfUnitRoundoff = 1.1102230246251565e-16;

    /// <summary>One implicit QR step with a Wilkinson shift on the block low…high.</summary>
    private static void QrStep(double[] d, double[] e, double[] qt, int n, int low, int high)
    {
        // The shift μ: the eigenvalue of the trailing 2×2 block closer to its last diagonal entry.
        double delta = (d[high - 1] - d[high]) / 2;
        double b = e[high - 1];
        double mu = d[high] - b * b / (delta + (delta >= 0 ? 1 : -1) * double.Hypot(delta, b));

        double x = d[low] - mu, z = e[low];
        for (int k = low; k < high; k++)
        {
            // The rotation [c s; −s c] on rows/columns k, k+1 that maps (x, z) to (r, 0).
            double r = double.Hypot(x, z);
            double c = r == 0 ? 1 : x / r, s = r == 0 ? 0 : z / r;
            if (k > low) e[k - 1] = r;
            double dk = d[k], dk1 = d[k + 1], ek = e[k];
            d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
            d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
            e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
            if (k < high - 1)
            {
                z = s * e[k + 1];   // the bulge at (k, k+2)
                e[k + 1] *= c;
                x = e[k];
            }
            Rotate(qt.AsSpan(k * n, n), qt.AsSpan((k + 1) * n, n), c, s);
        }
    }

    /// <summary>(u, w) ← (c·u + s·w, −s·u + c·w), element-wise.</summary>
    private static void Rotate(Span<double> u, Span<double> w, double c, double s)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vc = new Vector<double>(c);
            var vs = new Vector<double>(s);
            for (; i <= u.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var a = new Vector<double>(u[i..]);
                var b = new Vector<double>(w[i..]);
                (vc * a + vs * b).CopyTo(u[i..]);
                (vc * b - vs * a).CopyTo(w[i..]);
            }
        }
        for (; i < u.Length; i++)
        {
            double a = u[i], b = w[i];
            u[i] = c * a + s * b;
            w[i] = c * b - s * a;
        }
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
                acc += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
            sum = Vector.Sum(acc);
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>target ← target + factor·source.</summary>
    internal static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<double>(factor);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(target[i..]) + f * new Vector<double>(source[i..])).CopyTo(target[i..]);
        }
        for (; i < target.Length; i++) target[i] += factor * source[i];
    }
}
