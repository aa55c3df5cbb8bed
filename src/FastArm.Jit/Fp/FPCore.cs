using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastArm.Jit.Fp;

/// <summary>FPType of the Arm pseudocode (shared/functions/float/fpunpack).</summary>
public enum FPType : byte { Zero, Denormal, Nonzero, Infinity, QNaN, SNaN }

/// <summary>FPRounding of the Arm pseudocode; the first four match FPCR.RMode.</summary>
public enum FPRounding : byte { TieEven = 0, PosInf = 1, NegInf = 2, Zero = 3, TieAway = 4, Odd = 5 }

/// <summary>FPCR and FPSR bits (Arm ARM C5.2.7 FPCR, C5.2.8 FPSR).</summary>
public static class FPBits
{
    public const uint IOC = 1u << 0, DZC = 1u << 1, OFC = 1u << 2, UFC = 1u << 3, IXC = 1u << 4, IDC = 1u << 7, QC = 1u << 27;
    public const uint AHP = 1u << 26, DN = 1u << 25, FZ = 1u << 24, FZ16 = 1u << 19;
    public const int RModeShift = 22;
}

/// <summary>
/// An unpacked operand: FPUnpack's (fptype, sign, value) with the real value held exactly as
/// <c>Mant * 2^Exp</c> (Mant includes the implicit bit of a normal number; 0 for zeros, infinities, NaNs).
/// </summary>
public struct FPUnpacked
{
    public FPType Type;
    public bool Sign;
    public int Exp;
    public ulong Mant;

    public readonly bool IsNaN => Type >= FPType.QNaN;
    /// <summary>Position of the most significant bit of the value (value in [2^x, 2^(x+1))); Mant must be nonzero.</summary>
    public readonly int TopExp => Exp + 63 - BitOperations.LeadingZeroCount(Mant);
}

/// <summary>
/// The Arm floating-point pseudocode (Arm ARM, shared/functions/float): FPUnpack, FPRound, FPProcessNaN(s), and
/// the arithmetic built on them, on raw N-bit encodings (N = 16, 32 or 64) held in a ulong. Real values are
/// computed exactly (integer significands up to 128 bits, with a "jam" bit standing for any nonzero bits
/// shifted out, always at least two places below the rounding point), then rounded once by FPRound, so results
/// and FPSR flags are those of the pseudocode. FPCR trap enables are not implemented (the untrapped behaviour
/// always applies), as on QEMU.
/// </summary>
public static class FPCore
{
    // ---- format parameters ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FracBits(int n) => n == 64 ? 52 : n == 32 ? 23 : 10;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ExpBits(int n) => n == 64 ? 11 : n == 32 ? 8 : 5;

    public static FPRounding RoundingMode(uint fpcr) => (FPRounding)((fpcr >> FPBits.RModeShift) & 3);

    public static ulong Zero(bool sign, int n) => sign ? 1UL << (n - 1) : 0;
    public static ulong Infinity(bool sign, int n) => Zero(sign, n) | (((1UL << ExpBits(n)) - 1) << FracBits(n));
    public static ulong MaxNormal(bool sign, int n) => Zero(sign, n) | (((1UL << ExpBits(n)) - 2) << FracBits(n)) | ((1UL << FracBits(n)) - 1);
    public static ulong DefaultNaN(int n) => Infinity(false, n) | (1UL << (FracBits(n) - 1));
    /// <summary>FPTwo, FPThree, FPOnePointFive: a positive normal with the given unbiased exponent and top fraction bits.</summary>
    private static ulong Const(int unbiasedExp, ulong topFrac, int n)
    {
        int f = FracBits(n), bias = (1 << (ExpBits(n) - 1)) - 1;
        return ((ulong)(unbiasedExp + bias) << f) | (topFrac << (f - 1));
    }
    public static ulong Two(int n) => Const(1, 0, n);
    public static ulong OnePointFive(int n) => Const(0, 1, n);

    public static ulong Neg(ulong op, int n) => op ^ (1UL << (n - 1));
    public static ulong Abs(ulong op, int n) => op & ~(1UL << (n - 1));

    // ---- FPUnpack ----

    /// <summary>
    /// FPUnpack / FPUnpackBase: classifies the operand; with FPCR.FZ a single or double denormal is read as
    /// zero and sets IDC (when <paramref name="fpexc"/>). Half precision reads FPCR.AHP (no Inf/NaN when set);
    /// FZ16 is not implemented (FEAT_FP16 is not advertised), so half denormals are never flushed.
    /// </summary>
    public static FPUnpacked Unpack(ulong op, int n, uint fpcr, ref uint fpsr, bool fpexc = true)
    {
        FPUnpacked u = default;
        int f = FracBits(n), e = ExpBits(n);
        u.Sign = ((op >> (n - 1)) & 1) != 0;
        ulong exp = (op >> f) & ((1UL << e) - 1);
        ulong frac = op & ((1UL << f) - 1);
        int bias = (1 << (e - 1)) - 1;
        if (exp == 0)
        {
            if (frac == 0) u.Type = FPType.Zero;
            else if (n != 16 && (fpcr & FPBits.FZ) != 0)
            {
                u.Type = FPType.Zero;
                if (fpexc) fpsr |= FPBits.IDC;
            }
            else
            {
                u.Type = FPType.Denormal;
                u.Mant = frac;
                u.Exp = 1 - bias - f;
            }
        }
        else if (exp == (1UL << e) - 1 && (n != 16 || (fpcr & FPBits.AHP) == 0))
        {
            if (frac == 0) u.Type = FPType.Infinity;
            else u.Type = (frac >> (f - 1)) != 0 ? FPType.QNaN : FPType.SNaN;
        }
        else
        {
            u.Type = FPType.Nonzero;
            u.Mant = frac | (1UL << f);
            u.Exp = (int)exp - bias - f;
        }
        return u;
    }

    /// <summary>The FPType alone, without flags (FPUnpack with fpexc = FALSE).</summary>
    public static FPType TypeOf(ulong op, int n, uint fpcr)
    {
        uint dummy = 0;
        return Unpack(op, n, fpcr, ref dummy, false).Type;
    }

    // ---- NaN handling ----

    /// <summary>FPProcessNaN: quietens a signalling NaN (IOC), or gives the default NaN under FPCR.DN.</summary>
    public static ulong ProcessNaN(FPType type, ulong op, int n, uint fpcr, ref uint fpsr)
    {
        ulong result = op;
        if (type == FPType.SNaN)
        {
            result |= 1UL << (FracBits(n) - 1);
            fpsr |= FPBits.IOC;
        }
        if ((fpcr & FPBits.DN) != 0) result = DefaultNaN(n);
        return result;
    }

    /// <summary>FPProcessNaNs: the first signalling NaN, else the first quiet NaN, of op1, op2.</summary>
    public static bool ProcessNaNs(FPType t1, FPType t2, ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        if (t1 == FPType.SNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FPType.SNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else if (t1 == FPType.QNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FPType.QNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else { result = 0; return false; }
        return true;
    }

    /// <summary>FPProcessNaNs3: signalling NaNs first (in operand order), then quiet NaNs.</summary>
    public static bool ProcessNaNs3(FPType t1, FPType t2, FPType t3, ulong op1, ulong op2, ulong op3, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        if (t1 == FPType.SNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FPType.SNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else if (t3 == FPType.SNaN) result = ProcessNaN(t3, op3, n, fpcr, ref fpsr);
        else if (t1 == FPType.QNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FPType.QNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else if (t3 == FPType.QNaN) result = ProcessNaN(t3, op3, n, fpcr, ref fpsr);
        else { result = 0; return false; }
        return true;
    }

    // ---- FPRound ----

    /// <summary>
    /// FPRoundBase of the nonzero real value <c>mant * 2^exp</c> (the lowest bit of mant may be a jam bit, at
    /// least two places below the result's rounding point). Flush-to-zero (FPCR.FZ, single and double only)
    /// flushes results whose exponent before rounding is below the normal range, setting UFC only. Otherwise
    /// Underflow is signalled when the value is tiny before rounding and inexact (the pseudocode detects
    /// tininess before rounding), Overflow and Inexact as the pseudocode says; with FPCR.AHP a half-precision
    /// result out of range gives sign:Ones(15) and Invalid Operation.
    /// </summary>
    public static ulong Round(bool sign, int exp, UInt128 mant, int n, uint fpcr, FPRounding rounding, ref uint fpsr)
    {
        int f = FracBits(n), e = ExpBits(n);
        int minExp = 2 - (1 << (e - 1));
        int msb = 127 - (int)UInt128.LeadingZeroCount(mant);
        int exponent = exp + msb;
        if (n != 16 && (fpcr & FPBits.FZ) != 0 && exponent < minExp)
        {
            fpsr |= FPBits.UFC;
            return Zero(sign, n);
        }
        int biasedExp = Math.Max(exponent - minExp + 1, 0);
        int lsbExp = (biasedExp == 0 ? minExp : exponent) - f;
        int shift = lsbExp - exp;
        ulong intMant;
        bool roundBit, sticky;
        if (shift <= 0)
        {
            intMant = (ulong)(mant << -shift);
            roundBit = sticky = false;
        }
        else if (shift > 128)
        {
            intMant = 0;
            roundBit = false;
            sticky = true;
        }
        else
        {
            intMant = shift == 128 ? 0 : (ulong)(mant >> shift);
            roundBit = ((mant >> (shift - 1)) & 1) != 0;
            sticky = shift > 1 && (mant & ((UInt128.One << (shift - 1)) - 1)) != 0;
        }
        bool inexact = roundBit || sticky;
        if (biasedExp == 0 && inexact) fpsr |= FPBits.UFC;

        bool roundUp, overflowToInf;
        switch (rounding)
        {
            case FPRounding.TieEven:
                roundUp = roundBit && (sticky || (intMant & 1) != 0);
                overflowToInf = true;
                break;
            case FPRounding.PosInf:
                roundUp = inexact && !sign;
                overflowToInf = !sign;
                break;
            case FPRounding.NegInf:
                roundUp = inexact && sign;
                overflowToInf = sign;
                break;
            case FPRounding.TieAway:
                roundUp = roundBit;
                overflowToInf = true;
                break;
            default:   // Zero, Odd
                roundUp = false;
                overflowToInf = false;
                break;
        }
        if (roundUp)
        {
            intMant++;
            if (intMant == 1UL << f) biasedExp = 1;            // a denormal rounded up to the smallest normal
            if (intMant == 1UL << (f + 1)) { biasedExp++; intMant >>= 1; }
        }
        if (inexact && rounding == FPRounding.Odd) intMant |= 1;

        ulong result;
        if (n != 16 || (fpcr & FPBits.AHP) == 0)
        {
            if (biasedExp >= (1 << e) - 1)
            {
                result = overflowToInf ? Infinity(sign, n) : MaxNormal(sign, n);
                fpsr |= FPBits.OFC;
                inexact = true;
            }
            else result = Zero(sign, n) | ((ulong)biasedExp << f) | (intMant & ((1UL << f) - 1));
        }
        else
        {
            if (biasedExp >= 1 << e)
            {
                result = Zero(sign, n) | 0x7FFF;
                fpsr |= FPBits.IOC;
                inexact = false;
            }
            else result = Zero(sign, n) | ((ulong)biasedExp << f) | (intMant & ((1UL << f) - 1));
        }
        if (inexact) fpsr |= FPBits.IXC;
        return result;
    }

    public static ulong Round(bool sign, int exp, UInt128 mant, int n, uint fpcr, ref uint fpsr) =>
        Round(sign, exp, mant, n, fpcr, RoundingMode(fpcr), ref fpsr);

    /// <summary>The sign of an exact zero result of a sum: -0 only when rounding towards minus infinity.</summary>
    private static ulong ExactZero(uint fpcr, int n) => Zero(RoundingMode(fpcr) == FPRounding.NegInf, n);

    // ---- exact real arithmetic ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 ShiftRightJam(UInt128 v, int shift)
    {
        if (shift <= 0) return v;
        if (shift >= 128) return v != 0 ? UInt128.One : UInt128.Zero;
        UInt128 r = v >> shift;
        if ((v & ((UInt128.One << shift) - 1)) != 0) r |= 1;
        return r;
    }

    /// <summary>
    /// The exact sum of (sa, ea, ma) and (sb, eb, mb) (values ±m*2^e, m up to 120 bits, may be zero), as a
    /// significand normalized near bit 125 with a jam bit. Returns false when the sum is exactly zero.
    /// </summary>
    private static bool AddExact(bool sa, int ea, UInt128 ma, bool sb, int eb, UInt128 mb, out bool sign, out int exp, out UInt128 mant)
    {
        if (mb == 0) { sign = sa; exp = ea; mant = ma; return ma != 0; }
        if (ma == 0) { sign = sb; exp = eb; mant = mb; return true; }
        int la = (int)UInt128.LeadingZeroCount(ma) - 2, lb = (int)UInt128.LeadingZeroCount(mb) - 2;
        ma <<= la; ea -= la;
        mb <<= lb; eb -= lb;
        if (ea < eb || (ea == eb && ma < mb))
        {
            (sa, sb) = (sb, sa);
            (ea, eb) = (eb, ea);
            (ma, mb) = (mb, ma);
        }
        mb = ShiftRightJam(mb, ea - eb);
        sign = sa;
        exp = ea;
        mant = sa == sb ? ma + mb : ma - mb;
        return mant != 0;
    }

    // ---- arithmetic ----

    /// <summary>FPAdd (or FPSub when <paramref name="subtract"/>).</summary>
    public static ulong Add(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr, bool subtract = false)
    {
        if (FPFast.TryBinary(subtract ? 1 : 0, op1, op2, n, fpcr, ref fpsr, out ulong fast)) return fast;
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (ProcessNaNs(a.Type, b.Type, op1, op2, n, fpcr, ref fpsr, out ulong result)) return result;
        bool sb = b.Sign ^ subtract;
        bool inf1 = a.Type == FPType.Infinity, inf2 = b.Type == FPType.Infinity;
        if (inf1 && inf2 && a.Sign != sb) { fpsr |= FPBits.IOC; return DefaultNaN(n); }
        if ((inf1 && !a.Sign) || (inf2 && !sb)) return Infinity(false, n);
        if (inf1 || inf2) return Infinity(true, n);
        bool zero1 = a.Type == FPType.Zero, zero2 = b.Type == FPType.Zero;
        if (zero1 && zero2 && a.Sign == sb) return Zero(a.Sign, n);
        if (!AddExact(a.Sign, a.Exp, a.Mant, sb, b.Exp, b.Mant, out bool s, out int e, out UInt128 m)) return ExactZero(fpcr, n);
        return Round(s, e, m, n, fpcr, ref fpsr);
    }

    public static ulong Sub(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr) => Add(op1, op2, n, fpcr, ref fpsr, true);

    /// <summary>FPMul.</summary>
    public static ulong Mul(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        if (FPFast.TryBinary(2, op1, op2, n, fpcr, ref fpsr, out ulong fast)) return fast;
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (ProcessNaNs(a.Type, b.Type, op1, op2, n, fpcr, ref fpsr, out ulong result)) return result;
        bool inf1 = a.Type == FPType.Infinity, inf2 = b.Type == FPType.Infinity;
        bool zero1 = a.Type == FPType.Zero, zero2 = b.Type == FPType.Zero;
        bool sign = a.Sign ^ b.Sign;
        if ((inf1 && zero2) || (zero1 && inf2)) { fpsr |= FPBits.IOC; return DefaultNaN(n); }
        if (inf1 || inf2) return Infinity(sign, n);
        if (zero1 || zero2) return Zero(sign, n);
        return Round(sign, a.Exp + b.Exp, (UInt128)a.Mant * b.Mant, n, fpcr, ref fpsr);
    }

    /// <summary>FPMulX: as FPMul, but infinity times zero is 2.0 with the product's sign.</summary>
    public static ulong MulX(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (ProcessNaNs(a.Type, b.Type, op1, op2, n, fpcr, ref fpsr, out ulong result)) return result;
        bool inf1 = a.Type == FPType.Infinity, inf2 = b.Type == FPType.Infinity;
        bool zero1 = a.Type == FPType.Zero, zero2 = b.Type == FPType.Zero;
        bool sign = a.Sign ^ b.Sign;
        if ((inf1 && zero2) || (zero1 && inf2)) return Two(n) | Zero(sign, n);
        if (inf1 || inf2) return Infinity(sign, n);
        if (zero1 || zero2) return Zero(sign, n);
        return Round(sign, a.Exp + b.Exp, (UInt128)a.Mant * b.Mant, n, fpcr, ref fpsr);
    }

    /// <summary>FPDiv.</summary>
    public static ulong Div(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        if (FPFast.TryBinary(3, op1, op2, n, fpcr, ref fpsr, out ulong fast)) return fast;
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (ProcessNaNs(a.Type, b.Type, op1, op2, n, fpcr, ref fpsr, out ulong result)) return result;
        bool inf1 = a.Type == FPType.Infinity, inf2 = b.Type == FPType.Infinity;
        bool zero1 = a.Type == FPType.Zero, zero2 = b.Type == FPType.Zero;
        bool sign = a.Sign ^ b.Sign;
        if ((inf1 && inf2) || (zero1 && zero2)) { fpsr |= FPBits.IOC; return DefaultNaN(n); }
        if (inf1 || zero2)
        {
            if (!inf1) fpsr |= FPBits.DZC;
            return Infinity(sign, n);
        }
        if (zero1 || inf2) return Zero(sign, n);
        // Quotient of a dividend normalized to bit 116 by a divisor normalized to bit 52: 64-65 bits, plus a
        // jam bit for a nonzero remainder.
        int la = BitOperations.LeadingZeroCount(a.Mant) + 52;   // shift putting the top bit at 116
        int lb = BitOperations.LeadingZeroCount(b.Mant) - 11;   // top bit at 52
        UInt128 num = (UInt128)a.Mant << la;
        ulong den = b.Mant << lb;
        UInt128 q = num / den;
        if (q * den != num) q |= 1;
        return Round(sign, a.Exp - la - (b.Exp - lb), q, n, fpcr, ref fpsr);
    }

    /// <summary>FPSqrt.</summary>
    public static ulong Sqrt(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        if (FPFast.TrySqrt(op, n, fpcr, ref fpsr, out ulong fast)) return fast;
        var a = Unpack(op, n, fpcr, ref fpsr);
        if (a.IsNaN) return ProcessNaN(a.Type, op, n, fpcr, ref fpsr);
        if (a.Type == FPType.Zero) return Zero(a.Sign, n);
        if (a.Type == FPType.Infinity && !a.Sign) return Infinity(false, n);
        if (a.Sign) { fpsr |= FPBits.IOC; return DefaultNaN(n); }
        // Normalize to a top bit at 124 or 125 with an even exponent, take the integer square root (62-63 bits)
        // and jam a nonzero remainder.
        int lz = BitOperations.LeadingZeroCount(a.Mant) + 64 - 3;   // top bit at 124
        int exp = a.Exp - lz;
        if ((exp & 1) != 0) { lz++; exp--; }
        UInt128 m = (UInt128)a.Mant << lz;
        ulong r = ISqrt(m, out bool exact);
        UInt128 rm = r;
        if (!exact) rm |= 1;
        return Round(false, exp / 2, rm, n, fpcr, ref fpsr);
    }

    /// <summary>floor(sqrt(m)) for m below 2^126, and whether it is exact.</summary>
    private static ulong ISqrt(UInt128 m, out bool exact)
    {
        ulong r = (ulong)Math.Sqrt((double)m);
        if (r != 0) r = (ulong)(((UInt128)r + m / r) >> 1);
        while ((UInt128)r * r > m) r--;
        while ((UInt128)(r + 1) * (r + 1) <= m) r++;
        exact = (UInt128)r * r == m;
        return r;
    }

    /// <summary>FPMulAdd: addend + op1 * op2 with a single rounding (FMADD, FMLA; callers negate for the others).</summary>
    public static ulong MulAdd(ulong addend, ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        if (FPFast.TryMulAdd(addend, op1, op2, n, fpcr, ref fpsr, out ulong fast)) return fast;
        var c = Unpack(addend, n, fpcr, ref fpsr);
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        bool inf1 = a.Type == FPType.Infinity, inf2 = b.Type == FPType.Infinity;
        bool zero1 = a.Type == FPType.Zero, zero2 = b.Type == FPType.Zero;
        bool done = ProcessNaNs3(c.Type, a.Type, b.Type, addend, op1, op2, n, fpcr, ref fpsr, out ulong result);
        if (c.Type == FPType.QNaN && ((inf1 && zero2) || (zero1 && inf2)))
        {
            fpsr |= FPBits.IOC;
            return DefaultNaN(n);
        }
        if (done) return result;
        bool infA = c.Type == FPType.Infinity, zeroA = c.Type == FPType.Zero;
        bool signP = a.Sign ^ b.Sign, infP = inf1 || inf2, zeroP = zero1 || zero2;
        if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && c.Sign != signP))
        {
            fpsr |= FPBits.IOC;
            return DefaultNaN(n);
        }
        if ((infA && !c.Sign) || (infP && !signP)) return Infinity(false, n);
        if (infA || infP) return Infinity(true, n);
        if (zeroA && zeroP && c.Sign == signP) return Zero(c.Sign, n);
        UInt128 pm = zeroP ? 0 : (UInt128)a.Mant * b.Mant;
        if (!AddExact(c.Sign, c.Exp, c.Mant, signP, a.Exp + b.Exp, pm, out bool s, out int e, out UInt128 m)) return ExactZero(fpcr, n);
        return Round(s, e, m, n, fpcr, ref fpsr);
    }

    /// <summary>
    /// FPRecipStepFused (FRECPS, 2 - op1*op2) and FPRSqrtStepFused (FRSQRTS, (3 - op1*op2) / 2), fused, with
    /// infinity times zero giving exactly 2.0 or 1.5.
    /// </summary>
    public static ulong StepFused(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr, bool rsqrt)
    {
        op1 = Neg(op1, n);
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (ProcessNaNs(a.Type, b.Type, op1, op2, n, fpcr, ref fpsr, out ulong result)) return result;
        bool inf1 = a.Type == FPType.Infinity, inf2 = b.Type == FPType.Infinity;
        bool zero1 = a.Type == FPType.Zero, zero2 = b.Type == FPType.Zero;
        if ((inf1 && zero2) || (zero1 && inf2)) return rsqrt ? OnePointFive(n) : Two(n);
        if (inf1 || inf2) return Infinity(a.Sign ^ b.Sign, n);
        UInt128 pm = zero1 || zero2 ? 0 : (UInt128)a.Mant * b.Mant;
        if (!AddExact(false, rsqrt ? 0 : 1, rsqrt ? 3u : 1u, a.Sign ^ b.Sign, a.Exp + b.Exp, pm, out bool s, out int e, out UInt128 m))
            return ExactZero(fpcr, n);
        return Round(s, rsqrt ? e - 1 : e, m, n, fpcr, ref fpsr);
    }

    /// <summary>
    /// FPMax / FPMin (and FPMaxNum / FPMinNum when <paramref name="num"/>: one quiet NaN is treated as -Inf
    /// for max, +Inf for min). Equal zeros give +0 for max and -0 for min.
    /// </summary>
    public static ulong MinMax(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr, bool max, bool num)
    {
        if (num)
        {
            FPType t1 = TypeOf(op1, n, fpcr), t2 = TypeOf(op2, n, fpcr);
            if (t1 == FPType.QNaN && t2 != FPType.QNaN) op1 = Infinity(max, n);
            else if (t1 != FPType.QNaN && t2 == FPType.QNaN) op2 = Infinity(max, n);
        }
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (ProcessNaNs(a.Type, b.Type, op1, op2, n, fpcr, ref fpsr, out ulong result)) return result;
        int c = CompareValues(a, b);
        bool takeFirst = max ? c > 0 : c < 0;
        var r = takeFirst ? a : b;
        if (r.Type == FPType.Infinity) return Infinity(r.Sign, n);
        if (r.Type == FPType.Zero) return Zero(max ? a.Sign && b.Sign : a.Sign || b.Sign, n);
        // FPRound of the (exact) value: only a flush or trapped underflow could change it.
        return Round(r.Sign, r.Exp, r.Mant, n, fpcr, ref fpsr);
    }

    /// <summary>Compares the real values of two non-NaN unpacked operands: -1, 0 or 1.</summary>
    public static int CompareValues(in FPUnpacked a, in FPUnpacked b)
    {
        int ka = Kind(a), kb = Kind(b);
        if (ka != kb) return ka < kb ? -1 : 1;
        if (ka != 2 && ka != -2) return 0;   // equal infinities or zeros
        int mag;
        int ta = a.TopExp, tb = b.TopExp;
        if (ta != tb) mag = ta < tb ? -1 : 1;
        else
        {
            // Same top exponent: compare significands aligned to the same top bit.
            int sa = BitOperations.LeadingZeroCount(a.Mant), sb = BitOperations.LeadingZeroCount(b.Mant);
            ulong ma = a.Mant << sa, mb = b.Mant << sb;
            mag = ma == mb ? 0 : ma < mb ? -1 : 1;
        }
        return ka > 0 ? mag : -mag;

        // -3 = -inf, -2 = negative finite, 0 = zero, 2 = positive finite, 3 = +inf.
        static int Kind(in FPUnpacked u) => u.Type switch
        {
            FPType.Zero => 0,
            FPType.Infinity => u.Sign ? -3 : 3,
            _ => u.Sign ? -2 : 2,
        };
    }

    /// <summary>FPCompare: NZCV in bits 3..0 (0011 unordered, 0110 equal, 1000 less, 0010 greater).</summary>
    public static uint Compare(ulong op1, ulong op2, int n, bool signalNaNs, uint fpcr, ref uint fpsr)
    {
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (a.IsNaN || b.IsNaN)
        {
            if (a.Type == FPType.SNaN || b.Type == FPType.SNaN || signalNaNs) fpsr |= FPBits.IOC;
            return 0b0011;
        }
        int c = CompareValues(a, b);
        return c == 0 ? 0b0110u : c < 0 ? 0b1000u : 0b0010u;
    }

    /// <summary>FPCompareEQ / GE / GT (cond 0, 1, 2): EQ signals only on signalling NaNs, GE and GT on any NaN.</summary>
    public static bool CompareCond(ulong op1, ulong op2, int n, int cond, uint fpcr, ref uint fpsr)
    {
        var a = Unpack(op1, n, fpcr, ref fpsr);
        var b = Unpack(op2, n, fpcr, ref fpsr);
        if (a.IsNaN || b.IsNaN)
        {
            if (cond != 0 || a.Type == FPType.SNaN || b.Type == FPType.SNaN) fpsr |= FPBits.IOC;
            return false;
        }
        int c = CompareValues(a, b);
        return cond switch { 0 => c == 0, 1 => c >= 0, _ => c > 0 };
    }

    // ---- integer rounding helpers shared by FPToFixed and FPRoundInt ----

    /// <summary>
    /// Rounds |value| = mant * 2^exp to an integer magnitude the way the pseudocode rounds the signed value
    /// (RoundDown, then the increment its rounding mode asks for). Returns false on overflow past 2^bits.
    /// </summary>
    private static bool RoundToIntegerMagnitude(bool sign, int exp, ulong mant, FPRounding rounding, int limitBits, out UInt128 mag, out bool inexact)
    {
        inexact = false;
        if (mant == 0) { mag = 0; return true; }
        int top = exp + 63 - BitOperations.LeadingZeroCount(mant);
        if (top >= limitBits) { mag = 0; return false; }
        if (exp >= 0) { mag = (UInt128)mant << exp; return true; }
        int sh = -exp;
        UInt128 ip;
        bool half, below;
        if (sh > 64)
        {
            ip = 0;
            half = false;
            below = true;
        }
        else
        {
            ip = sh == 64 ? 0 : mant >> sh;
            half = ((mant >> (sh - 1)) & 1) != 0;
            below = sh > 1 && (mant & ((1UL << (sh - 1)) - 1)) != 0;
        }
        inexact = half || below;
        bool up = rounding switch
        {
            FPRounding.TieEven => half && (below || (ip & 1) != 0),
            FPRounding.TieAway => half,
            FPRounding.PosInf => inexact && !sign,
            FPRounding.NegInf => inexact && sign,
            _ => false,
        };
        mag = up ? ip + 1 : ip;
        return true;
    }

    /// <summary>
    /// FPToFixed: converts to a <paramref name="m"/>-bit signed or unsigned fixed-point value with
    /// <paramref name="fbits"/> fraction bits, saturating with Invalid Operation on overflow or NaN.
    /// </summary>
    public static ulong ToFixed(ulong op, int n, int fbits, bool unsigned, int m, uint fpcr, FPRounding rounding, ref uint fpsr)
    {
        var a = Unpack(op, n, fpcr, ref fpsr);
        if (a.IsNaN) { fpsr |= FPBits.IOC; return 0; }
        ulong max = unsigned ? (m == 64 ? ulong.MaxValue : (1UL << m) - 1) : (1UL << (m - 1)) - 1;
        ulong maxNeg = unsigned ? 0 : 1UL << (m - 1);   // magnitude of the most negative value
        if (a.Type == FPType.Infinity)
        {
            fpsr |= FPBits.IOC;
            return a.Sign ? (unsigned ? 0 : Trunc(0 - maxNeg, m)) : max;
        }
        if (a.Type == FPType.Zero) return 0;
        bool ok = RoundToIntegerMagnitude(a.Sign, a.Exp + fbits, a.Mant, rounding, 66, out UInt128 mag, out bool inexact);
        if (!ok || (!a.Sign && mag > max) || (a.Sign && mag > maxNeg))
        {
            fpsr |= FPBits.IOC;
            return a.Sign ? (unsigned ? 0 : Trunc(0 - maxNeg, m)) : max;
        }
        if (inexact) fpsr |= FPBits.IXC;
        ulong v = (ulong)mag;
        return Trunc(a.Sign ? 0 - v : v, m);

        static ulong Trunc(ulong v, int m) => m == 64 ? v : v & ((1UL << m) - 1);
    }

    /// <summary>FixedToFP: an <paramref name="m"/>-bit integer with <paramref name="fbits"/> fraction bits to FP.</summary>
    public static ulong FixedToFP(ulong op, int m, int fbits, bool unsigned, int n, uint fpcr, FPRounding rounding, ref uint fpsr)
    {
        if (m < 64) op &= (1UL << m) - 1;
        bool sign = false;
        ulong mag = op;
        if (!unsigned && ((op >> (m - 1)) & 1) != 0)
        {
            sign = true;
            mag = (m == 64 ? 0 : 1UL << m) - op;   // two's complement magnitude within m bits
        }
        if (mag == 0) return 0;
        return Round(sign, -fbits, mag, n, fpcr, rounding, ref fpsr);
    }

    /// <summary>FPRoundInt: rounds to an integral value in the same format; Inexact only when <paramref name="exact"/> (FRINTX).</summary>
    public static ulong RoundInt(ulong op, int n, uint fpcr, FPRounding rounding, bool exact, ref uint fpsr)
    {
        var a = Unpack(op, n, fpcr, ref fpsr);
        if (a.IsNaN) return ProcessNaN(a.Type, op, n, fpcr, ref fpsr);
        if (a.Type == FPType.Infinity) return Infinity(a.Sign, n);
        if (a.Type == FPType.Zero) return Zero(a.Sign, n);
        if (a.Exp >= 0) return op;   // already integral
        RoundToIntegerMagnitude(a.Sign, a.Exp, a.Mant, rounding, 1100, out UInt128 mag, out bool inexact);
        ulong result = mag == 0 ? Zero(a.Sign, n) : Round(a.Sign, 0, mag, n, fpcr, FPRounding.Zero, ref fpsr);
        if (inexact && exact) fpsr |= FPBits.IXC;
        return result;
    }

    /// <summary>
    /// FPConvert between half, single and double (<paramref name="n"/> bits to <paramref name="m"/> bits):
    /// NaN payloads are carried over (FPConvertNaN) unless FPCR.DN; an alternative half-precision result
    /// (FPCR.AHP) has no NaN or infinity, so those give zero or the largest value with Invalid Operation.
    /// </summary>
    public static ulong Convert(ulong op, int n, int m, uint fpcr, FPRounding rounding, ref uint fpsr)
    {
        var a = Unpack(op, n, fpcr, ref fpsr);
        bool altHp = m == 16 && (fpcr & FPBits.AHP) != 0;
        if (a.IsNaN)
        {
            ulong result;
            if (altHp) result = Zero(a.Sign, m);
            else if ((fpcr & FPBits.DN) != 0) result = DefaultNaN(m);
            else result = ConvertNaN(op, n, m);
            if (a.Type == FPType.SNaN || altHp) fpsr |= FPBits.IOC;
            return result;
        }
        if (a.Type == FPType.Infinity)
        {
            if (altHp) { fpsr |= FPBits.IOC; return Zero(a.Sign, m) | 0x7FFF; }
            return Infinity(a.Sign, m);
        }
        if (a.Type == FPType.Zero) return Zero(a.Sign, m);
        return Round(a.Sign, a.Exp, a.Mant, m, fpcr, rounding, ref fpsr);
    }

    /// <summary>FPConvertNaN: keeps the sign and the top payload bits and makes the result quiet.</summary>
    public static ulong ConvertNaN(ulong op, int n, int m)
    {
        bool sign = ((op >> (n - 1)) & 1) != 0;
        ulong frac = n switch   // 51 bits below the quiet bit
        {
            64 => op & ((1UL << 51) - 1),
            32 => (op & ((1UL << 22) - 1)) << 29,
            _ => (op & ((1UL << 9) - 1)) << 42,
        };
        ulong result = m switch
        {
            64 => 0x7FF8_0000_0000_0000UL | frac,
            32 => 0x7FC0_0000UL | (frac >> 29),
            _ => 0x7E00UL | (frac >> 42),
        };
        return result | Zero(sign, m);
    }

    // ---- estimates (FRECPE, FRSQRTE, FRECPX, URECPE, URSQRTE) ----

    /// <summary>RecipEstimate: a in 256..511 (0.5 &lt;= x &lt; 1 in 1/512 steps) to r in 256..511.</summary>
    public static int RecipEstimate(int a)
    {
        a = a * 2 + 1;
        int b = (1 << 19) / a;
        return (b + 1) / 2;
    }

    /// <summary>RecipSqrtEstimate: a in 128..511 (0.25 &lt;= x &lt; 1) to r in 256..511.</summary>
    public static int RecipSqrtEstimate(int a)
    {
        if (a < 256) a = a * 2 + 1;
        else
        {
            a = (a >> 1) << 1;
            a = (a + 1) * 2;
        }
        int b = 512;
        while ((long)a * (b + 1) * (b + 1) < (1L << 28)) b++;
        return (b + 1) / 2;
    }

    /// <summary>FPRecipEstimate (FRECPE).</summary>
    public static ulong RecipEstimate(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var a = Unpack(op, n, fpcr, ref fpsr);
        if (a.IsNaN) return ProcessNaN(a.Type, op, n, fpcr, ref fpsr);
        if (a.Type == FPType.Infinity) return Zero(a.Sign, n);
        if (a.Type == FPType.Zero) { fpsr |= FPBits.DZC; return Infinity(a.Sign, n); }
        int top = a.TopExp;
        int tinyLimit = n == 16 ? -16 : n == 32 ? -128 : -1024;
        if (top < tinyLimit)
        {
            bool overflowToInf = RoundingMode(fpcr) switch
            {
                FPRounding.TieEven => true,
                FPRounding.PosInf => !a.Sign,
                FPRounding.NegInf => a.Sign,
                _ => false,
            };
            fpsr |= FPBits.OFC | FPBits.IXC;
            return overflowToInf ? Infinity(a.Sign, n) : MaxNormal(a.Sign, n);
        }
        int hugeLimit = n == 16 ? 14 : n == 32 ? 126 : 1022;
        if (n != 16 && (fpcr & FPBits.FZ) != 0 && top >= hugeLimit)
        {
            fpsr |= FPBits.UFC;
            return Zero(a.Sign, n);
        }
        int f = FracBits(n);
        ulong fraction = (op & ((1UL << f) - 1)) << (52 - f);
        int exp = (int)((op >> f) & ((1UL << ExpBits(n)) - 1));
        if (exp == 0)
        {
            if (((fraction >> 51) & 1) == 0)
            {
                exp = -1;
                fraction = (fraction << 2) & ((1UL << 52) - 1);
            }
            else fraction = (fraction << 1) & ((1UL << 52) - 1);
        }
        int scaled = (int)(0x100 | (fraction >> 44));
        int resultExp = (n == 16 ? 29 : n == 32 ? 253 : 2045) - exp;
        int estimate = RecipEstimate(scaled);
        fraction = (ulong)(estimate & 0xFF) << 44;
        if (resultExp == 0) fraction = (1UL << 51) | (fraction >> 1);
        else if (resultExp == -1)
        {
            fraction = (1UL << 50) | (fraction >> 2);
            resultExp = 0;
        }
        return Zero(a.Sign, n) | ((ulong)resultExp << f) | (fraction >> (52 - f));
    }

    /// <summary>FPRSqrtEstimate (FRSQRTE).</summary>
    public static ulong RSqrtEstimate(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var a = Unpack(op, n, fpcr, ref fpsr);
        if (a.IsNaN) return ProcessNaN(a.Type, op, n, fpcr, ref fpsr);
        if (a.Type == FPType.Zero) { fpsr |= FPBits.DZC; return Infinity(a.Sign, n); }
        if (a.Sign) { fpsr |= FPBits.IOC; return DefaultNaN(n); }
        if (a.Type == FPType.Infinity) return Zero(false, n);
        int f = FracBits(n);
        ulong fraction = (op & ((1UL << f) - 1)) << (52 - f);
        int exp = (int)((op >> f) & ((1UL << ExpBits(n)) - 1));
        if (exp == 0)
        {
            while (((fraction >> 51) & 1) == 0)
            {
                fraction = (fraction << 1) & ((1UL << 52) - 1);
                exp--;
            }
            fraction = (fraction << 1) & ((1UL << 52) - 1);
        }
        // An even biased exponent means an odd unbiased one: the value is scaled to [0.5, 1), else to [0.25, 0.5).
        int scaled = (exp & 1) == 0 ? (int)(0x100 | (fraction >> 44)) : (int)(0x80 | (fraction >> 45));
        int resultExp = FloorDiv((n == 16 ? 44 : n == 32 ? 380 : 3068) - exp, 2);
        int estimate = RecipSqrtEstimate(scaled);
        return ((ulong)resultExp << f) | ((ulong)(estimate & 0xFF) << (f - 8));

        static int FloorDiv(int x, int y) => (int)Math.Floor((double)x / y);
    }

    /// <summary>FPRecpX (FRECPX): the exponent inverted, fraction cleared; zeros and denormals give the largest exponent.</summary>
    public static ulong RecpX(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var a = Unpack(op, n, fpcr, ref fpsr);
        if (a.IsNaN) return ProcessNaN(a.Type, op, n, fpcr, ref fpsr);
        int f = FracBits(n), e = ExpBits(n);
        ulong expMask = (1UL << e) - 1;
        ulong exp = (op >> f) & expMask;
        ulong rexp = exp == 0 ? expMask - 1 : ~exp & expMask;
        return Zero(a.Sign, n) | (rexp << f);
    }

    /// <summary>UnsignedRecipEstimate (URECPE) on a 32-bit element.</summary>
    public static uint UnsignedRecipEstimate(uint op)
    {
        if ((op >> 31) == 0) return uint.MaxValue;
        int estimate = RecipEstimate((int)(op >> 23));
        return (uint)(estimate & 0x1FF) << 23;
    }

    /// <summary>UnsignedRSqrtEstimate (URSQRTE) on a 32-bit element.</summary>
    public static uint UnsignedRSqrtEstimate(uint op)
    {
        if ((op >> 30) == 0) return uint.MaxValue;
        int estimate = RecipSqrtEstimate((int)(op >> 23));
        return (uint)(estimate & 0x1FF) << 23;
    }
}
