using System.Runtime.CompilerServices;

namespace FastArm.Jit.Fp;

/// <summary>
/// Host fast paths for the common case of FPAdd/FPSub/FPMul/FPDiv/FPSqrt/FPMulAdd where .NET's IEEE arithmetic
/// gives Arm's result bit for bit: FPCR.RMode = round to nearest, every operand a normal number and the result
/// a normal number above the smallest binade (so no NaN, infinity, flushing, underflow — Arm detects tininess
/// before rounding — or overflow can be involved). Inexact is then exactly "the rounded result differs from
/// the exact one", found with error-free transformations (TwoSum, the FMA residual) inside exponent bands where
/// those residuals are themselves exact. Anything else returns false and the pseudocode path runs.
/// </summary>
public static class FPFast
{
    /// <summary>Tests switch this off to compare the fast paths with the pseudocode.</summary>
    public static bool Enabled { get; set; } = true;

    private const uint RModeMask = 3u << FPBits.RModeShift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Exp64(ulong v) => (int)(v >> 52) & 0x7FF;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Exp32(ulong v) => (int)(v >> 23) & 0xFF;
    /// <summary>A normal number: biased exponent neither 0 nor all ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Normal64(int e) => (uint)(e - 1) < 0x7FE;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Normal32(int e) => (uint)(e - 1) < 0xFE;
    /// <summary>A normal result not in the lowest binade (where a rounded-up tiny value could land).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SafeResult64(int e) => (uint)(e - 2) < 0x7FD;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SafeResult32(int e) => (uint)(e - 2) < 0xFD;

    /// <summary>FPAdd / FPSub (op 0 / 1), FPMul (2), FPDiv (3).</summary>
    public static bool TryBinary(int op, ulong a, ulong b, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if (!Enabled || (fpcr & RModeMask) != 0) return false;
        bool inexact;
        if (n == 64)
        {
            int ea = Exp64(a), eb = Exp64(b);
            if (!Normal64(ea) || !Normal64(eb)) return false;
            double x = BitConverter.UInt64BitsToDouble(a), y = BitConverter.UInt64BitsToDouble(b);
            double r;
            switch (op)
            {
                case 0:
                case 1:
                {
                    if (op == 1) y = -y;
                    r = x + y;
                    double bb = r - x;
                    inexact = (x - (r - bb)) + (y - bb) != 0;   // TwoSum: the error of a sum is representable
                    break;
                }
                case 2:
                    // The FMA residual x*y - r is exact while its quantum 2^(ex+ey-104) stays above 2^-1074.
                    if (ea + eb - 2046 < -900) return false;
                    r = x * y;
                    inexact = Math.FusedMultiplyAdd(x, y, -r) != 0;
                    break;
                default:
                    // x - r*y is exact while x's exponent keeps its quantum 2^(ex-105) above 2^-1074.
                    if (ea < 123) return false;
                    r = x / y;
                    inexact = Math.FusedMultiplyAdd(-r, y, x) != 0;
                    break;
            }
            ulong rb = BitConverter.DoubleToUInt64Bits(r);
            if (!SafeResult64(Exp64(rb))) return false;
            result = rb;
        }
        else if (n == 32)
        {
            int ea = Exp32(a), eb = Exp32(b);
            if (!Normal32(ea) || !Normal32(eb)) return false;
            float x = BitConverter.UInt32BitsToSingle((uint)a), y = BitConverter.UInt32BitsToSingle((uint)b);
            float r;
            switch (op)
            {
                case 0:
                case 1:
                {
                    if (op == 1) y = -y;
                    r = x + y;
                    float bb = r - x;
                    inexact = (x - (r - bb)) + (y - bb) != 0;
                    break;
                }
                case 2:
                    r = x * y;
                    inexact = (double)r != (double)x * y;            // a 48-bit product is exact in double
                    break;
                default:
                    r = x / y;
                    inexact = (double)r * y != x;                    // so is r*y
                    break;
            }
            uint rb = BitConverter.SingleToUInt32Bits(r);
            if (!SafeResult32(Exp32(rb))) return false;
            result = rb;
        }
        else return false;
        if (inexact) fpsr |= FPBits.IXC;
        return true;
    }

    /// <summary>FPSqrt of a positive normal number.</summary>
    public static bool TrySqrt(ulong a, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if (!Enabled || (fpcr & RModeMask) != 0) return false;
        bool inexact;
        if (n == 64)
        {
            int ea = Exp64(a);
            if ((long)a < 0 || ea < 123 || ea == 0x7FF) return false;
            double x = BitConverter.UInt64BitsToDouble(a);
            double r = Math.Sqrt(x);
            inexact = Math.FusedMultiplyAdd(r, r, -x) != 0;
            result = BitConverter.DoubleToUInt64Bits(r);
        }
        else if (n == 32)
        {
            int ea = Exp32(a);
            if ((a & 0x8000_0000) != 0 || !Normal32(ea)) return false;
            float x = BitConverter.UInt32BitsToSingle((uint)a);
            float r = MathF.Sqrt(x);
            inexact = (double)r * r != x;
            result = BitConverter.SingleToUInt32Bits(r);
        }
        else return false;
        if (inexact) fpsr |= FPBits.IXC;
        return true;
    }

    /// <summary>
    /// FPMulAdd: addend + op1*op2 with one rounding (the host FMA). The result is exact exactly when the
    /// (rounded, error) decompositions of op1*op2 and of result - addend coincide.
    /// </summary>
    public static bool TryMulAdd(ulong addend, ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if (!Enabled || (fpcr & RModeMask) != 0) return false;
        bool inexact;
        if (n == 64)
        {
            int ec = Exp64(addend), ea = Exp64(op1), eb = Exp64(op2);
            if (!Normal64(ec) || !Normal64(ea) || !Normal64(eb)) return false;
            int pe = ea + eb - 2046;
            if (pe < -900 || pe > 1000) return false;
            double x = BitConverter.UInt64BitsToDouble(op1), y = BitConverter.UInt64BitsToDouble(op2), z = BitConverter.UInt64BitsToDouble(addend);
            double r = Math.FusedMultiplyAdd(x, y, z);
            ulong rb = BitConverter.DoubleToUInt64Bits(r);
            if (!SafeResult64(Exp64(rb))) return false;
            double ph = x * y, pl = Math.FusedMultiplyAdd(x, y, -ph);
            double d = r - z, bb = d - r, de = (r - (d - bb)) + (-z - bb);
            if (!double.IsFinite(d)) return false;
            inexact = ph != d || pl != de;
            result = rb;
        }
        else if (n == 32)
        {
            int ec = Exp32(addend), ea = Exp32(op1), eb = Exp32(op2);
            if (!Normal32(ec) || !Normal32(ea) || !Normal32(eb)) return false;
            int pe = ea + eb - 254;
            if (pe < -100 || pe > 120) return false;
            float x = BitConverter.UInt32BitsToSingle((uint)op1), y = BitConverter.UInt32BitsToSingle((uint)op2), z = BitConverter.UInt32BitsToSingle((uint)addend);
            float r = MathF.FusedMultiplyAdd(x, y, z);
            uint rb = BitConverter.SingleToUInt32Bits(r);
            if (!SafeResult32(Exp32(rb))) return false;
            float ph = x * y, pl = MathF.FusedMultiplyAdd(x, y, -ph);
            float d = r - z, bb = d - r, de = (r - (d - bb)) + (-z - bb);
            if (!float.IsFinite(d)) return false;
            inexact = ph != d || pl != de;
            result = rb;
        }
        else return false;
        if (inexact) fpsr |= FPBits.IXC;
        return true;
    }
}
