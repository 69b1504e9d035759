using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// e^x for sixteen floats at once (two vectors), computed in double precision and rounded once to float. In double:
/// x·log2(e) = n + f with n an integer and |f| ≤ ½; e^(f·ln 2) by its Taylor polynomial of degree 11 (truncation
/// below 2^-46 relative); times 2^n by building the exponent. The double result is within about 1e-13 relative of
/// e^x, so the float it rounds to is e^x correctly rounded unless e^x lies within that distance of the midpoint
/// between two floats — the error is at most ½ ulp plus 2^-23 of an ulp, within float32 rounding (tests sweep the
/// whole range). Overflow gives +∞ and underflow 0, as float arithmetic would; NaN stays NaN. The sigmoid
/// and tanh are computed the same way, in double, and rounded once.
/// Sixteen floats are four vectors of doubles, computed side by side one step at a time: the polynomial is a chain
/// of dependent multiply-adds, and a single chain left the multiply-add units waiting on the previous result (four
/// chains run a sigmoid over 1,024 floats 1.5–1.8× faster). Every lane gets exactly the operations it would alone.
/// </summary>
internal static class FloatExp
{
    public static bool Supported => Avx2.IsSupported && Fma.IsSupported;

    private const double Log2E = 1.4426950408889634;
    private const double Ln2 = 0.6931471805599453;

    /// <summary>e^x of eight floats (the first half of <see cref="Exp(Vector256{float}, Vector256{float}, out Vector256{float}, out Vector256{float})"/>: for tails and tests).</summary>
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Exp(x, x, out var result, out _);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Exp(Vector256<float> a, Vector256<float> b, out Vector256<float> expA, out Vector256<float> expB)
    {
        // Past e^100 a float is +∞ and below e^-110 it is 0, whatever the exact value: clamping here, eight values at
        // a time, keeps the double computation in its range. (x as the second operand: max and min return it when it
        // is NaN, so NaN stays NaN.)
        var x = Quad.Widen(Clamp(a, -110f, 100f), Clamp(b, -110f, 100f));
        (expA, expB) = ExpDouble(x).Narrow();
    }

    /// <summary>1 / (1 + e^(−x)) of eight floats (see <see cref="Exp(Vector256{float})"/>).</summary>
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Sigmoid(x, x, out var result, out _);
        return result;
    }

    /// <summary>1 / (1 + e^(−x)), computed in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sigmoid(Vector256<float> a, Vector256<float> b, out Vector256<float> sigmoidA, out Vector256<float> sigmoidB)
    {
        // −x clamped to ±110: beyond, the sigmoid rounds to exactly 0 or 1 in float.
        var negated = Quad.Widen(Clamp(Avx.Subtract(Vector256<float>.Zero, a), -110f, 110f), Clamp(Avx.Subtract(Vector256<float>.Zero, b), -110f, 110f));
        var one = Vector256<double>.One;
        var e = ExpDouble(negated);
        var result = new Quad(Avx.Divide(one, Avx.Add(one, e.V0)), Avx.Divide(one, Avx.Add(one, e.V1)),
            Avx.Divide(one, Avx.Add(one, e.V2)), Avx.Divide(one, Avx.Add(one, e.V3)));
        (sigmoidA, sigmoidB) = result.Narrow();
    }

    /// <summary>tanh of eight floats (see <see cref="Exp(Vector256{float})"/>).</summary>
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Tanh(x, x, out var result, out _);
        return result;
    }

    /// <summary>
    /// tanh x = (e^(2x) − 1) / (e^(2x) + 1) in double, rounded once. Below |x| = 1e-4 the cancellation in e^(2x) − 1
    /// would cost relative accuracy, so there tanh x = x − x³/3 (the next term, 2x⁵/15, is below 2^-50 of x).
    /// |x| is capped at 20, where tanh is 1 to double precision (and e^(2x) stays finite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tanh(Vector256<float> a, Vector256<float> b, out Vector256<float> tanhA, out Vector256<float> tanhB)
    {
        var x = Quad.Widen(a, b);
        var clamped = new Quad(Clamp(x.V0), Clamp(x.V1), Clamp(x.V2), Clamp(x.V3));
        var e = ExpDouble(new Quad(Avx.Add(clamped.V0, clamped.V0), Avx.Add(clamped.V1, clamped.V1),
            Avx.Add(clamped.V2, clamped.V2), Avx.Add(clamped.V3, clamped.V3)));
        var result = new Quad(TanhFrom(x.V0, e.V0), TanhFrom(x.V1, e.V1), TanhFrom(x.V2, e.V2), TanhFrom(x.V3, e.V3));
        (tanhA, tanhB) = result.Narrow();

        static Vector256<double> Clamp(Vector256<double> v) => Avx.Min(Vector256.Create(20.0), Avx.Max(Vector256.Create(-20.0), v));
    }

    /// <summary>tanh x from x and e^(2x) (of x clamped to ±20).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TanhFrom(Vector256<double> x, Vector256<double> e)
    {
        var one = Vector256<double>.One;
        var large = Avx.Divide(Avx.Subtract(e, one), Avx.Add(e, one));
        // x·(1 − x²/3) rather than x − x³/3: the same value, and tanh(−0) stays −0.
        var small = Avx.Multiply(x, Fma.MultiplyAddNegated(Avx.Multiply(x, x), Vector256.Create(1.0 / 3), one));
        var isSmall = Avx.CompareLessThan(Avx.AndNot(Vector256.Create(-0.0), x), Vector256.Create(1e-4));
        return Avx.BlendVariable(large, small, isSmall);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Clamp(Vector256<float> x, float low, float high) =>
        Avx.Min(Vector256.Create(high), Avx.Max(Vector256.Create(low), x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Quad ExpDouble(Quad x)
    {
        // The callers keep |x| ≤ 110, so 2^n below is a normal double (|n| ≤ 1022 would do).
        // n = round(x·log2 e) by the shifter trick: adding 1.5·2^52 leaves no fraction bits, so the sum is rounded to
        // an integer and its low mantissa bits hold n as a two's-complement integer (read back below for 2^n).
        // AVX2 has no double→int64 conversion; this costs one addition.
        var shifter = Vector256.Create(6755399441055744.0);
        var shifted = Quad.MultiplyAdd(x, Vector256.Create(Log2E), shifter);
        var n = new Quad(Avx.Subtract(shifted.V0, shifter), Avx.Subtract(shifted.V1, shifter),
            Avx.Subtract(shifted.V2, shifter), Avx.Subtract(shifted.V3, shifter));
        // g = (x·log2 e − n)·ln 2 = x − n·ln 2; computed from x directly with a fused multiply-add to keep its low bits.
        var ln2 = Vector256.Create(Ln2);
        var g = new Quad(Fma.MultiplyAddNegated(n.V0, ln2, x.V0), Fma.MultiplyAddNegated(n.V1, ln2, x.V1),
            Fma.MultiplyAddNegated(n.V2, ln2, x.V2), Fma.MultiplyAddNegated(n.V3, ln2, x.V3));
        var p = Quad.Horner(Quad.Of(1.0 / 39916800), g, 1.0 / 3628800);
        p = Quad.Horner(p, g, 1.0 / 362880);
        p = Quad.Horner(p, g, 1.0 / 40320);
        p = Quad.Horner(p, g, 1.0 / 5040);
        p = Quad.Horner(p, g, 1.0 / 720);
        p = Quad.Horner(p, g, 1.0 / 120);
        p = Quad.Horner(p, g, 1.0 / 24);
        p = Quad.Horner(p, g, 1.0 / 6);
        p = Quad.Horner(p, g, 0.5);
        p = Quad.Horner(p, g, 1);
        p = Quad.Horner(p, g, 1);
        // 2^n: n + 1023 in the exponent field (the shifter's own bits are shifted out).
        return new Quad(Avx.Multiply(p.V0, PowerOfTwo(shifted.V0)), Avx.Multiply(p.V1, PowerOfTwo(shifted.V1)),
            Avx.Multiply(p.V2, PowerOfTwo(shifted.V2)), Avx.Multiply(p.V3, PowerOfTwo(shifted.V3)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> PowerOfTwo(Vector256<double> shifted) =>
        Avx2.ShiftLeftLogical(Avx2.Add(shifted.AsInt64(), Vector256.Create(1023L)), 52).AsDouble();

    /// <summary>Four vectors of doubles (sixteen floats widened), each operation applied to all four side by side.</summary>
    private readonly struct Quad(Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3)
    {
        public readonly Vector256<double> V0 = v0, V1 = v1, V2 = v2, V3 = v3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Quad Of(double value)
        {
            var v = Vector256.Create(value);
            return new Quad(v, v, v, v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Quad Widen(Vector256<float> a, Vector256<float> b) =>
            new(Avx.ConvertToVector256Double(a.GetLower()), Avx.ConvertToVector256Double(a.GetUpper()),
                Avx.ConvertToVector256Double(b.GetLower()), Avx.ConvertToVector256Double(b.GetUpper()));

        /// <summary>Each double rounded once to float, back into two vectors of eight.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (Vector256<float> A, Vector256<float> B) Narrow() =>
            (Vector256.Create(Avx.ConvertToVector128Single(V0), Avx.ConvertToVector128Single(V1)),
             Vector256.Create(Avx.ConvertToVector128Single(V2), Avx.ConvertToVector128Single(V3)));

        /// <summary>x·m + a.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Quad MultiplyAdd(Quad x, Vector256<double> m, Vector256<double> a) =>
            new(Fma.MultiplyAdd(x.V0, m, a), Fma.MultiplyAdd(x.V1, m, a), Fma.MultiplyAdd(x.V2, m, a), Fma.MultiplyAdd(x.V3, m, a));

        /// <summary>One Horner step: p·g + c.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Quad Horner(Quad p, Quad g, double c)
        {
            var k = Vector256.Create(c);
            return new(Fma.MultiplyAdd(p.V0, g.V0, k), Fma.MultiplyAdd(p.V1, g.V1, k), Fma.MultiplyAdd(p.V2, g.V2, k), Fma.MultiplyAdd(p.V3, g.V3, k));
        }
    }
}
