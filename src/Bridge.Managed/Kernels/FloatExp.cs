using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Managed.Kernels;

/// <summary>
/// e^x for eight floats at once, computed in double precision and rounded once to float. In double: x·log2(e) =
/// n + f with n an integer and |f| ≤ ½; e^(f·ln 2) by its Taylor polynomial of degree 11 (truncation below 2^-46
/// relative); times 2^n by building the exponent. The double result is within about 1e-13 relative of e^x, so the
/// float it rounds to is e^x correctly rounded unless e^x lies within that distance of the midpoint between two
/// floats — the error is at most ½ ulp plus 2^-23 of an ulp, within float32 rounding (tests sweep the whole range).
/// Overflow gives +∞ and underflow 0, as float arithmetic would; NaN stays NaN. <see cref="Sigmoid"/> and
/// <see cref="Tanh"/> are computed the same way, in double, and rounded once.
/// </summary>
internal static class FloatExp
{
    public static bool Supported => Avx2.IsSupported && Fma.IsSupported;

    private const double Log2E = 1.4426950408889634;
    private const double Ln2 = 0.6931471805599453;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // Past e^100 a float is +∞ and below e^-110 it is 0, whatever the exact value: clamping here, eight values at
        // a time, keeps the double computation in its range. (x as the second operand: max and min return it when it
        // is NaN, so NaN stays NaN.)
        x = Avx.Min(Vector256.Create(100f), Avx.Max(Vector256.Create(-110f), x));
        var lower = ExpDouble(Avx.ConvertToVector256Double(x.GetLower()));
        var upper = ExpDouble(Avx.ConvertToVector256Double(x.GetUpper()));
        return Vector256.Create(Avx.ConvertToVector128Single(lower), Avx.ConvertToVector128Single(upper));
    }

    /// <summary>1 / (1 + e^(−x)), computed in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        // −x clamped to ±110: beyond, the sigmoid rounds to exactly 0 or 1 in float.
        var negated = Avx.Min(Vector256.Create(110f), Avx.Max(Vector256.Create(-110f), Avx.Subtract(Vector256<float>.Zero, x)));
        var one = Vector256<double>.One;
        var lower = Avx.Divide(one, Avx.Add(one, ExpDouble(Avx.ConvertToVector256Double(negated.GetLower()))));
        var upper = Avx.Divide(one, Avx.Add(one, ExpDouble(Avx.ConvertToVector256Double(negated.GetUpper()))));
        return Vector256.Create(Avx.ConvertToVector128Single(lower), Avx.ConvertToVector128Single(upper));
    }

    /// <summary>
    /// tanh x = (e^(2x) − 1) / (e^(2x) + 1) in double, rounded once. Below |x| = 1e-4 the cancellation in e^(2x) − 1
    /// would cost relative accuracy, so there tanh x = x − x³/3 (the next term, 2x⁵/15, is below 2^-50 of x).
    /// |x| is capped at 20, where tanh is 1 to double precision (and e^(2x) stays finite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) =>
        Vector256.Create(Avx.ConvertToVector128Single(TanhDouble(Avx.ConvertToVector256Double(x.GetLower()))),
            Avx.ConvertToVector128Single(TanhDouble(Avx.ConvertToVector256Double(x.GetUpper()))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TanhDouble(Vector256<double> x)
    {
        var clamped = Avx.Min(Vector256.Create(20.0), Avx.Max(Vector256.Create(-20.0), x));
        var e = ExpDouble(Avx.Add(clamped, clamped));
        var one = Vector256<double>.One;
        var large = Avx.Divide(Avx.Subtract(e, one), Avx.Add(e, one));
        // x·(1 − x²/3) rather than x − x³/3: the same value, and tanh(−0) stays −0.
        var small = Avx.Multiply(x, Fma.MultiplyAddNegated(Avx.Multiply(x, x), Vector256.Create(1.0 / 3), Vector256<double>.One));
        var isSmall = Avx.CompareLessThan(Avx.AndNot(Vector256.Create(-0.0), x), Vector256.Create(1e-4));
        return Avx.BlendVariable(large, small, isSmall);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpDouble(Vector256<double> x)
    {
        // The callers keep |x| ≤ 110, so 2^n below is a normal double (|n| ≤ 1022 would do).
        // n = round(x·log2 e) by the shifter trick: adding 1.5·2^52 leaves no fraction bits, so the sum is rounded to
        // an integer and its low mantissa bits hold n as a two's-complement integer (read back below for 2^n).
        // AVX2 has no double→int64 conversion; this costs one addition.
        var shifter = Vector256.Create(6755399441055744.0);
        var shifted = Fma.MultiplyAdd(x, Vector256.Create(Log2E), shifter);
        var n = Avx.Subtract(shifted, shifter);
        // g = (x·log2 e − n)·ln 2 = x − n·ln 2; computed from x directly with a fused multiply-add to keep its low bits.
        var g = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2), x);
        var p = Vector256.Create(1.0 / 39916800);
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 3628800));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 362880));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 40320));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 5040));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 720));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 120));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 24));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(1.0 / 6));
        p = Fma.MultiplyAdd(p, g, Vector256.Create(0.5));
        p = Fma.MultiplyAdd(p, g, Vector256<double>.One);
        p = Fma.MultiplyAdd(p, g, Vector256<double>.One);
        // 2^n: n + 1023 in the exponent field (the shifter's own bits are shifted out).
        var bits = Avx2.ShiftLeftLogical(Avx2.Add(shifted.AsInt64(), Vector256.Create(1023L)), 52);
        return Avx.Multiply(p, bits.AsDouble());
    }
}
