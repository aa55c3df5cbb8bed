using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using FastArm.Jit.State;
using static FastArm.Jit.Fp.SimdCore;

namespace FastArm.Jit.Fp;

// Element operations of the AdvSIMD instructions (Arm ARM C7.2, each instruction's Operation pseudocode).
// Option bits in p are local to each op and listed on it.

/// <summary>ADD, SUB, ADDP, ADDV. p: 8 = subtract.</summary>
public struct AddSubOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) => (p & 8) != 0 ? a - b : a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        r = (p & 8) != 0 ? Lanes.Sub(a, b, esize) : Lanes.Add(a, b, esize);
        return true;
    }
}

/// <summary>SHADD, UHADD, SRHADD, URHADD, SHSUB, UHSUB. p: 1 = unsigned, 2 = round, 8 = subtract.</summary>
public struct HalvingOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        Int128 x = Int(a, esize, u), y = Int(b, esize, u);
        Int128 r = (p & 8) != 0 ? x - y : x + y + ((p & 2) != 0 ? 1 : 0);
        return (ulong)(r >> 1);
    }
}

/// <summary>SQADD, UQADD, SQSUB, UQSUB. p: 1 = unsigned, 8 = subtract.</summary>
public struct SatAddSubOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        Int128 x = Int(a, esize, u), y = Int(b, esize, u);
        return Sat((p & 8) != 0 ? x - y : x + y, esize, u, ref s);
    }
}

/// <summary>CMGT, CMGE, CMHI, CMHS, CMEQ, CMTST and the compare-with-zero forms. p: 0 GT, 1 GE, 2 HI, 3 HS, 4 EQ, 5 TST, 6 LT, 7 LE.</summary>
public struct CompareOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        long sa = SInt(a, esize), sb = SInt(b, esize);
        bool r = p switch
        {
            0 => sa > sb,
            1 => sa >= sb,
            2 => a > b,
            3 => a >= b,
            4 => a == b,
            5 => (a & b) != 0,
            6 => sa < sb,
            _ => sa <= sb,
        };
        return r ? Mask(esize) : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        r = p switch
        {
            0 => Lanes.GtSigned(a, b, esize),
            1 => ~Lanes.GtSigned(b, a, esize),
            2 => Lanes.GtUnsigned(a, b, esize),
            3 => ~Lanes.GtUnsigned(b, a, esize),
            4 => Lanes.Eq(a, b, esize),
            5 => ~Lanes.Eq(a & b, Vector128<ulong>.Zero, esize),
            6 => Lanes.GtSigned(b, a, esize),
            _ => ~Lanes.GtSigned(a, b, esize),
        };
        return true;
    }
}

/// <summary>
/// SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL (register): shift by the signed low byte of the
/// second operand, right when negative. p: 1 = unsigned, 2 = round, 4 = saturate.
/// </summary>
public struct ShiftRegOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0, round = (p & 2) != 0, sat = (p & 4) != 0;
        int shift = (sbyte)(byte)b;
        Int128 v = Int(a, esize, u);
        if (shift >= 0)
        {
            if (!sat) return shift >= 64 ? 0 : a << shift;
            if (v == 0) return 0;
            // Any nonzero value shifted by esize or more overflows; below that the shift fits in 128 bits.
            if (shift >= esize) return Sat(v < 0 ? Int128.MinValue : Int128.MaxValue, esize, u, ref s);
            return Sat(v << shift, esize, u, ref s);
        }
        int rs = -shift;
        Int128 r;
        if (rs >= 66) r = round ? 0 : (v < 0 ? -1 : 0);
        else r = (v + (round ? Int128.One << (rs - 1) : 0)) >> rs;
        return sat ? Sat(r, esize, u, ref s) : (ulong)r;
    }
}

/// <summary>SMAX, SMIN, UMAX, UMIN (and their pairwise and across-lanes forms). p: 1 = unsigned, 2 = min.</summary>
public struct MinMaxOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        Int128 x = Int(a, esize, u), y = Int(b, esize, u);
        bool takeA = (p & 2) != 0 ? x <= y : x >= y;
        return takeA ? a : b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        r = (p & 2) != 0 ? Lanes.Min(a, b, esize, (p & 1) != 0) : Lanes.Max(a, b, esize, (p & 1) != 0);
        return true;
    }
}

/// <summary>SABD, UABD, SABA, UABA. p: 1 = unsigned, 4 = accumulate.</summary>
public struct AbsDiffOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        Int128 diff = Int(a, esize, u) - Int(b, esize, u);
        ulong r = (ulong)(diff < 0 ? -diff : diff);
        return (p & 4) != 0 ? d + r : r;
    }
}

/// <summary>MUL, MLA, MLS (vector and by element). p: 0 mul, 1 accumulate, 2 subtract.</summary>
public struct MulOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) => p switch
    {
        0 => a * b,
        1 => d + a * b,
        _ => d - a * b,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        var prod = Lanes.Mul(a, b, esize);
        r = p switch { 0 => prod, 1 => Lanes.Add(d, prod, esize), _ => Lanes.Sub(d, prod, esize) };
        return true;
    }
}

/// <summary>PMUL: polynomial (carry-less) multiply of bytes, low 8 bits.</summary>
public struct PolyMulOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) => PolyMulLongOp.ClMul(a, b, esize);
}

/// <summary>SQDMULH, SQRDMULH. p: 2 = round.</summary>
public struct DoublingMulHighOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        Int128 product = 2 * (Int128)SInt(a, esize) * SInt(b, esize) + ((p & 2) != 0 ? Int128.One << (esize - 1) : 0);
        return SignedSat(product >> esize, esize, ref s);
    }
}

/// <summary>CLS, CLZ, CNT, NOT, RBIT. p: 0..4 in that order.</summary>
public struct CountBitsOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        switch (p)
        {
            case 0:   // CountLeadingSignBits = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>), an N-1 bit value
            {
                ulong x = ((a >> 1) ^ a) & Mask(esize - 1);
                return (ulong)(esize - 1 - (64 - BitOperations.LeadingZeroCount(x)));
            }
            case 1: return a == 0 ? (ulong)esize : (ulong)(BitOperations.LeadingZeroCount(a) - (64 - esize));
            case 2: return (ulong)BitOperations.PopCount(a);
            case 3: return ~a & Mask(esize);
            default:
            {
                ulong r = 0;
                for (int i = 0; i < esize; i++) r |= ((a >> i) & 1) << (esize - 1 - i);
                return r;
            }
        }
    }
}

/// <summary>ABS, NEG, SQABS, SQNEG. p: 1 = negate, 2 = saturate.</summary>
public struct AbsNegOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        Int128 v = SInt(a, esize);
        Int128 r = (p & 1) != 0 ? -v : v < 0 ? -v : v;
        return (p & 2) != 0 ? SignedSat(r, esize, ref s) : (ulong)r;
    }
}

/// <summary>SUQADD (signed accumulator plus unsigned operand), USQADD (unsigned plus signed). p: 1 = USQADD.</summary>
public struct SatAccumulateOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) =>
        (p & 1) != 0
            ? UnsignedSat((Int128)d + SInt(a, esize), esize, ref s)
            : SignedSat((Int128)SInt(d, esize) + a, esize, ref s);
}

/// <summary>
/// SSHR, USHR, SRSHR, URSHR, SSRA, USRA, SRSRA, URSRA by the immediate b (1..esize).
/// p: 1 = unsigned, 2 = round, 4 = accumulate.
/// </summary>
public struct ShiftRightImmOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        int shift = (int)b;
        Int128 v = Int(a, esize, (p & 1) != 0) + ((p & 2) != 0 ? Int128.One << (shift - 1) : 0);
        ulong r = (ulong)(v >> shift);
        return (p & 4) != 0 ? d + r : r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        // Without rounding and below esize, a host shift (the shift count of a host shift is taken modulo esize).
        r = default;
        if ((p & 2) != 0 || imm >= esize) return false;
        r = Lanes.Shr(a, imm, esize, (p & 1) != 0);
        if ((p & 4) != 0) r = Lanes.Add(d, r, esize);
        return true;
    }
}

/// <summary>SHL (immediate), b = 0..esize-1.</summary>
public struct ShiftLeftImmOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) => a << (int)b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryVector(int esize, int p, Vector128<ulong> d, Vector128<ulong> a, Vector128<ulong> b, int imm, out Vector128<ulong> r)
    {
        r = Lanes.Shl(a, imm, esize);
        return true;
    }
}

/// <summary>SQSHL, UQSHL, SQSHLU (immediate). p: 0 signed to signed, 1 unsigned to unsigned, 2 signed to unsigned.</summary>
public struct SatShiftLeftImmOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        Int128 v = Int(a, esize, p == 1) << (int)b;
        return Sat(v, esize, p != 0, ref s);
    }
}

/// <summary>SRI (p = 0, shift right 1..esize) and SLI (p = 1, shift left 0..esize-1): insert keeping the other bits of Vd.</summary>
public struct ShiftInsertOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        int shift = (int)b;
        ulong ones = Mask(esize), mask, shifted;
        if (p == 0)
        {
            mask = shift >= 64 ? 0 : ones >> shift;
            shifted = shift >= 64 ? 0 : a >> shift;
        }
        else
        {
            mask = (ones << shift) & ones;
            shifted = a << shift;
        }
        return (d & ~mask) | (shifted & mask);
    }
}

/// <summary>
/// Narrowing right shifts by b and the extracts (b = 0): SHRN, RSHRN, SQSHRN, SQRSHRN, UQSHRN, UQRSHRN,
/// SQSHRUN, SQRSHRUN, XTN, SQXTN, UQXTN, SQXTUN; a is 2*esize wide. p: 1 = source unsigned, 2 = round,
/// bits 3..2 = saturation (0 none, 1 signed, 2 unsigned).
/// </summary>
public struct ShiftNarrowOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        int shift = (int)b;
        Int128 v = Int(a, 2 * esize, (p & 1) != 0);
        if ((p & 2) != 0 && shift > 0) v += Int128.One << (shift - 1);
        v >>= shift;
        return ((p >> 2) & 3) switch
        {
            0 => (ulong)v,
            1 => SignedSat(v, esize, ref s),
            _ => UnsignedSat(v, esize, ref s),
        };
    }
}

/// <summary>SSHLL, USHLL (and SXTL/UXTL) by b, SHLL by esize. p: 1 = unsigned.</summary>
public struct ShiftLongOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) =>
        (ulong)(Int(a, esize, (p & 1) != 0) << (int)b);
}

/// <summary>SADDL, UADDL, SSUBL, USUBL. p: 1 = unsigned, 8 = subtract.</summary>
public struct AddSubLongOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        Int128 x = Int(a, esize, u), y = Int(b, esize, u);
        return (ulong)((p & 8) != 0 ? x - y : x + y);
    }
}

/// <summary>SADDW, UADDW, SSUBW, USUBW: a is 2*esize wide. p: 1 = unsigned, 8 = subtract.</summary>
public struct AddSubWideOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        ulong y = (ulong)Int(b, esize, (p & 1) != 0);
        return (p & 8) != 0 ? a - y : a + y;
    }
}

/// <summary>ADDHN, SUBHN, RADDHN, RSUBHN: high half of a 2*esize sum or difference. p: 2 = round, 8 = subtract.</summary>
public struct AddSubHighNarrowOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        UInt128 r = (p & 8) != 0 ? (UInt128)a - b : (UInt128)a + b;
        if ((p & 2) != 0) r += UInt128.One << (esize - 1);
        return (ulong)(r >> esize);
    }
}

/// <summary>SABDL, UABDL, SABAL, UABAL. p: 1 = unsigned, 4 = accumulate.</summary>
public struct AbsDiffLongOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        Int128 diff = Int(a, esize, u) - Int(b, esize, u);
        ulong r = (ulong)(diff < 0 ? -diff : diff);
        return (p & 4) != 0 ? d + r : r;
    }
}

/// <summary>SMULL, UMULL, SMLAL, UMLAL, SMLSL, UMLSL. p: 1 = unsigned, bits 3..2 = 0 mul, 1 accumulate, 2 subtract.</summary>
public struct MulLongOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        bool u = (p & 1) != 0;
        ulong product = (ulong)(Int(a, esize, u) * Int(b, esize, u));
        return ((p >> 2) & 3) switch { 0 => product, 1 => d + product, _ => d - product };
    }
}

/// <summary>SQDMULL, SQDMLAL, SQDMLSL: saturating doubling products. p: bits 3..2 = 0 mul, 1 accumulate, 2 subtract.</summary>
public struct SatDoublingMulLongOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        ulong product = SignedSat(2 * (Int128)SInt(a, esize) * SInt(b, esize), 2 * esize, ref s);
        int mode = (p >> 2) & 3;
        if (mode == 0) return product;
        Int128 acc = (Int128)SInt(d, 2 * esize);
        acc = mode == 1 ? acc + SInt(product, 2 * esize) : acc - SInt(product, 2 * esize);
        return SignedSat(acc, 2 * esize, ref s);
    }
}

/// <summary>PMULL (8 to 16 bits).</summary>
public struct PolyMulLongOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) => ClMul(a, b, 2 * esize);

    /// <summary>PolynomialMult, keeping the low <paramref name="bits"/> bits (at most 64).</summary>
    public static ulong ClMul(ulong a, ulong b, int bits)
    {
        ulong r = 0;
        for (int i = 0; i < bits && i < 64; i++)
            if (((b >> i) & 1) != 0) r ^= a << i;
        return r & Mask(bits);
    }
}

/// <summary>
/// FP element-wise binary ops (three same, by element, pairwise, across lanes). p: 0 FADD, 1 FSUB, 2 FMUL,
/// 3 FDIV, 4 FMAX, 5 FMIN, 6 FMAXNM, 7 FMINNM, 8 FMULX, 9 FABD, 10 FMLA, 11 FMLS, 12 FRECPS, 13 FRSQRTS,
/// 14 FCMEQ, 15 FCMGE, 16 FCMGT, 17 FACGE, 18 FACGT.
/// </summary>
public struct FpBinaryOp : IElementOp
{
    public const int FADD = 0, FSUB = 1, FMUL = 2, FDIV = 3, FMAX = 4, FMIN = 5, FMAXNM = 6, FMINNM = 7, FMULX = 8, FABD = 9,
        FMLA = 10, FMLS = 11, FRECPS = 12, FRSQRTS = 13, FCMEQ = 14, FCMGE = 15, FCMGT = 16, FACGE = 17, FACGT = 18;

    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        uint fpcr = s.Fpcr;
        ulong ones = Mask(esize);
        switch (p)
        {
            case FADD: return FPCore.Add(a, b, esize, fpcr, ref s.Fpsr);
            case FSUB: return FPCore.Sub(a, b, esize, fpcr, ref s.Fpsr);
            case FMUL: return FPCore.Mul(a, b, esize, fpcr, ref s.Fpsr);
            case FDIV: return FPCore.Div(a, b, esize, fpcr, ref s.Fpsr);
            case FMAX: return FPCore.MinMax(a, b, esize, fpcr, ref s.Fpsr, true, false);
            case FMIN: return FPCore.MinMax(a, b, esize, fpcr, ref s.Fpsr, false, false);
            case FMAXNM: return FPCore.MinMax(a, b, esize, fpcr, ref s.Fpsr, true, true);
            case FMINNM: return FPCore.MinMax(a, b, esize, fpcr, ref s.Fpsr, false, true);
            case FMULX: return FPCore.MulX(a, b, esize, fpcr, ref s.Fpsr);
            case FABD: return FPCore.Abs(FPCore.Sub(a, b, esize, fpcr, ref s.Fpsr), esize);
            case FMLA: return FPCore.MulAdd(d, a, b, esize, fpcr, ref s.Fpsr);
            case FMLS: return FPCore.MulAdd(d, FPCore.Neg(a, esize), b, esize, fpcr, ref s.Fpsr);
            case FRECPS: return FPCore.StepFused(a, b, esize, fpcr, ref s.Fpsr, rsqrt: false);
            case FRSQRTS: return FPCore.StepFused(a, b, esize, fpcr, ref s.Fpsr, rsqrt: true);
            case FCMEQ: return FPCore.CompareCond(a, b, esize, 0, fpcr, ref s.Fpsr) ? ones : 0;
            case FCMGE: return FPCore.CompareCond(a, b, esize, 1, fpcr, ref s.Fpsr) ? ones : 0;
            case FCMGT: return FPCore.CompareCond(a, b, esize, 2, fpcr, ref s.Fpsr) ? ones : 0;
            case FACGE: return FPCore.CompareCond(FPCore.Abs(a, esize), FPCore.Abs(b, esize), esize, 1, fpcr, ref s.Fpsr) ? ones : 0;
            default: return FPCore.CompareCond(FPCore.Abs(a, esize), FPCore.Abs(b, esize), esize, 2, fpcr, ref s.Fpsr) ? ones : 0;
        }
    }
}

/// <summary>
/// FP element-wise unary ops (two-register misc, shift by immediate for the fixed-point conversions).
/// p bits 4..0: the op below; bits 7..5: an explicit FPRounding; b: fraction bits for conversions.
/// </summary>
public struct FpUnaryOp : IElementOp
{
    public const int FABS = 0, FNEG = 1, FSQRT = 2, FRINT = 3, FRECPE = 4, FRSQRTE = 5, FRECPX = 6, FCVTS = 7, FCVTU = 8,
        SCVTF = 9, UCVTF = 10, URECPE = 11, URSQRTE = 12, FCMGT0 = 13, FCMGE0 = 14, FCMEQ0 = 15, FCMLE0 = 16, FCMLT0 = 17,
        FRINTX = 18, FRINTI = 19;

    public static int Make(int op, FPRounding rounding = FPRounding.TieEven) => op | (int)rounding << 5;

    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p)
    {
        uint fpcr = s.Fpcr;
        var rounding = (FPRounding)((p >> 5) & 7);
        ulong ones = Mask(esize);
        switch (p & 31)
        {
            case FABS: return FPCore.Abs(a, esize);
            case FNEG: return FPCore.Neg(a, esize);
            case FSQRT: return FPCore.Sqrt(a, esize, fpcr, ref s.Fpsr);
            case FRINT: return FPCore.RoundInt(a, esize, fpcr, rounding, false, ref s.Fpsr);
            case FRINTX: return FPCore.RoundInt(a, esize, fpcr, FPCore.RoundingMode(fpcr), true, ref s.Fpsr);
            case FRINTI: return FPCore.RoundInt(a, esize, fpcr, FPCore.RoundingMode(fpcr), false, ref s.Fpsr);
            case FRECPE: return FPCore.RecipEstimate(a, esize, fpcr, ref s.Fpsr);
            case FRSQRTE: return FPCore.RSqrtEstimate(a, esize, fpcr, ref s.Fpsr);
            case FRECPX: return FPCore.RecpX(a, esize, fpcr, ref s.Fpsr);
            case FCVTS: return FPCore.ToFixed(a, esize, (int)b, false, esize, fpcr, rounding, ref s.Fpsr);
            case FCVTU: return FPCore.ToFixed(a, esize, (int)b, true, esize, fpcr, rounding, ref s.Fpsr);
            case SCVTF: return FPCore.FixedToFP(a, esize, (int)b, false, esize, fpcr, FPCore.RoundingMode(fpcr), ref s.Fpsr);
            case UCVTF: return FPCore.FixedToFP(a, esize, (int)b, true, esize, fpcr, FPCore.RoundingMode(fpcr), ref s.Fpsr);
            case URECPE: return FPCore.UnsignedRecipEstimate((uint)a);
            case URSQRTE: return FPCore.UnsignedRSqrtEstimate((uint)a);
            case FCMGT0: return FPCore.CompareCond(a, 0, esize, 2, fpcr, ref s.Fpsr) ? ones : 0;
            case FCMGE0: return FPCore.CompareCond(a, 0, esize, 1, fpcr, ref s.Fpsr) ? ones : 0;
            case FCMEQ0: return FPCore.CompareCond(a, 0, esize, 0, fpcr, ref s.Fpsr) ? ones : 0;
            case FCMLE0: return FPCore.CompareCond(0, a, esize, 1, fpcr, ref s.Fpsr) ? ones : 0;
            default: return FPCore.CompareCond(0, a, esize, 2, fpcr, ref s.Fpsr) ? ones : 0;
        }
    }
}

/// <summary>FCVTN (p = 0, FPCR rounding) and FCVTXN (p = 1, round to odd): a 2*esize-bit FP value to esize bits.</summary>
public struct FpNarrowOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) =>
        FPCore.Convert(a, 2 * esize, esize, s.Fpcr, p == 1 ? FPRounding.Odd : FPCore.RoundingMode(s.Fpcr), ref s.Fpsr);
}

/// <summary>FCVTL: an esize-bit FP value to 2*esize bits.</summary>
public struct FpWidenOp : IElementOp
{
    public static ulong Op(ref CpuState s, ulong d, ulong a, ulong b, int esize, int p) =>
        FPCore.Convert(a, esize, 2 * esize, s.Fpcr, FPCore.RoundingMode(s.Fpcr), ref s.Fpsr);
}
