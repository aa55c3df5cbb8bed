using FastArm.Jit.Decode;
using FastArm.Jit.Fp;
using static FastArm.Jit.Fp.SimdCore;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Advanced SIMD data processing (Arm ARM C4.1.96, the AdvSIMD groups): each method decodes one encoding class,
/// raises UNDEFINED for reserved field combinations, checks FP/SIMD access and calls a whole-instruction helper
/// (Fp/SimdCore.cs, SimdOps.cs, SimdMisc.cs). Rows fix U and opcode bits, so methods read them from the word.
/// </summary>
public static class Simd
{
    private static uint U(in Fields f) => (f.Raw >> 29) & 1;
    /// <summary>Bits 23..22 (size, or a:sz): read from the word because some rows fix them.</summary>
    private static int Size(in Fields f) => (int)((f.Raw >> 22) & 3);
    private static bool IsScalar(in Fields f) => ((f.Raw >> 28) & 1) != 0;

    private static void Emit<E, V>(ref E e, StateHelper h, uint a, uint b, uint c, int d) where E : struct, IA64Emitter<V>
    {
        e.CheckFpAccess();
        e.CallState(h, (int)a, (int)b, (int)c, d);
    }

    private static void Emit<E, V>(ref E e, StateHelper h, uint a, uint b, uint c, uint d) where E : struct, IA64Emitter<V> =>
        Emit<E, V>(ref e, h, a, b, c, (int)d);

    // ---------------------------------------------------------------- three same

    /// <summary>AdvSIMD (scalar) three same, integer opcodes 00000..10111.</summary>
    public static void SimdThreeSameInt<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 11) & 31;
        bool scalar = IsScalar(f);
        int size = Size(f), q = scalar ? 1 : (int)f.Q;
        if (opcode == 3)
        {
            // AND, BIC, ORR, ORN (U = 0) and EOR, BSL, BIT, BIF (U = 1): size selects the op.
            Emit<E, V>(ref e, SimdMisc.Bitwise, f.Rd, f.Rn, f.Rm, (int)(u << 2) | size | q << 3);
            return;
        }
        if (!scalar && size == 3 && q == 0) { e.Undefined(); return; }
        StateHelper h = SimdCore.Elementwise<AddSubOp>;
        int p = 0;
        bool ok = true;
        bool onlyD = false;   // scalar forms that exist only for 64-bit elements
        switch (opcode)
        {
            case 0: case 2: case 4:   // SHADD/UHADD, SRHADD/URHADD, SHSUB/UHSUB
                h = SimdCore.Elementwise<HalvingOp>;
                p = (int)u | (opcode == 2 ? 2 : 0) | (opcode == 4 ? 8 : 0);
                ok = size != 3;
                break;
            case 1: case 5:           // SQADD/UQADD, SQSUB/UQSUB
                h = SimdCore.Elementwise<SatAddSubOp>;
                p = (int)u | (opcode == 5 ? 8 : 0);
                break;
            case 6: case 7:           // CMGT/CMHI, CMGE/CMHS
                h = SimdCore.Elementwise<CompareOp>;
                p = (int)(opcode - 6) + (int)u * 2;
                onlyD = true;
                break;
            case 8: case 9: case 10: case 11:   // SSHL, SQSHL, SRSHL, SQRSHL and unsigned forms
                h = SimdCore.Elementwise<ShiftRegOp>;
                p = (int)u | ((opcode & 2) != 0 ? 2 : 0) | ((opcode & 1) != 0 ? 4 : 0);
                onlyD = (opcode & 1) == 0;
                break;
            case 12: case 13:         // SMAX/UMAX, SMIN/UMIN
                h = SimdCore.Elementwise<MinMaxOp>;
                p = (int)u | (opcode == 13 ? 2 : 0);
                ok = size != 3;
                break;
            case 14: case 15:         // SABD/UABD, SABA/UABA
                h = SimdCore.Elementwise<AbsDiffOp>;
                p = (int)u | (opcode == 15 ? 4 : 0);
                ok = size != 3;
                break;
            case 16:                  // ADD, SUB
                h = SimdCore.Elementwise<AddSubOp>;
                p = u == 1 ? 8 : 0;
                onlyD = true;
                break;
            case 17:                  // CMTST, CMEQ
                h = SimdCore.Elementwise<CompareOp>;
                p = u == 1 ? 4 : 5;
                onlyD = true;
                break;
            case 18:                  // MLA, MLS
                h = SimdCore.Elementwise<MulOp>;
                p = u == 1 ? 2 : 1;
                ok = size != 3;
                break;
            case 19:                  // MUL, PMUL
                if (u == 1) { h = SimdCore.Elementwise<PolyMulOp>; ok = size == 0; }
                else { h = SimdCore.Elementwise<MulOp>; ok = size != 3; }
                break;
            case 20: case 21:         // SMAXP/UMAXP, SMINP/UMINP
                h = SimdCore.Pairwise<MinMaxOp>;
                p = (int)u | (opcode == 21 ? 2 : 0);
                ok = size != 3;
                break;
            case 22:                  // SQDMULH, SQRDMULH
                h = SimdCore.Elementwise<DoublingMulHighOp>;
                p = u == 1 ? 2 : 0;
                ok = size == 1 || size == 2;
                break;
            case 23:                  // ADDP (vector)
                h = SimdCore.Pairwise<AddSubOp>;
                ok = u == 0;
                break;
            default:
                ok = false;
                break;
        }
        if (scalar && onlyD && size != 3) ok = false;
        if (!ok) { e.Undefined(); return; }
        Emit<E, V>(ref e, h, f.Rd, f.Rn, f.Rm, Pack(size, q, scalar, p: p));
    }

    /// <summary>AdvSIMD (scalar) three same, floating-point (opcodes 11000..11111 with size&lt;1&gt; = a, size&lt;0&gt; = sz).</summary>
    public static void SimdThreeSameFp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), a = (f.Raw >> 23) & 1, opcode = (f.Raw >> 11) & 31;
        bool scalar = IsScalar(f);
        int q = scalar ? 1 : (int)f.Q;
        if (!scalar && f.sz == 1 && q == 0) { e.Undefined(); return; }
        int op;
        bool pairwise = false;
        switch (u << 6 | a << 5 | opcode)
        {
            case 0b0_0_11000: op = FpBinaryOp.FMAXNM; break;
            case 0b0_0_11001: op = FpBinaryOp.FMLA; break;
            case 0b0_0_11010: op = FpBinaryOp.FADD; break;
            case 0b0_0_11011: op = FpBinaryOp.FMULX; break;
            case 0b0_0_11100: op = FpBinaryOp.FCMEQ; break;
            case 0b0_0_11110: op = FpBinaryOp.FMAX; break;
            case 0b0_0_11111: op = FpBinaryOp.FRECPS; break;
            case 0b0_1_11000: op = FpBinaryOp.FMINNM; break;
            case 0b0_1_11001: op = FpBinaryOp.FMLS; break;
            case 0b0_1_11010: op = FpBinaryOp.FSUB; break;
            case 0b0_1_11110: op = FpBinaryOp.FMIN; break;
            case 0b0_1_11111: op = FpBinaryOp.FRSQRTS; break;
            case 0b1_0_11000: op = FpBinaryOp.FMAXNM; pairwise = true; break;
            case 0b1_0_11010: op = FpBinaryOp.FADD; pairwise = true; break;
            case 0b1_0_11011: op = FpBinaryOp.FMUL; break;
            case 0b1_0_11100: op = FpBinaryOp.FCMGE; break;
            case 0b1_0_11101: op = FpBinaryOp.FACGE; break;
            case 0b1_0_11110: op = FpBinaryOp.FMAX; pairwise = true; break;
            case 0b1_0_11111: op = FpBinaryOp.FDIV; break;
            case 0b1_1_11000: op = FpBinaryOp.FMINNM; pairwise = true; break;
            case 0b1_1_11010: op = FpBinaryOp.FABD; break;
            case 0b1_1_11100: op = FpBinaryOp.FCMGT; break;
            case 0b1_1_11101: op = FpBinaryOp.FACGT; break;
            case 0b1_1_11110: op = FpBinaryOp.FMIN; pairwise = true; break;
            default: e.Undefined(); return;
        }
        StateHelper h = pairwise ? SimdCore.Pairwise<FpBinaryOp> : SimdCore.Elementwise<FpBinaryOp>;
        Emit<E, V>(ref e, h, f.Rd, f.Rn, f.Rm, Pack(2 + (int)f.sz, q, scalar, p: op));
    }

    // ---------------------------------------------------------------- three different

    /// <summary>AdvSIMD (scalar) three different: long, wide and narrowing-high forms.</summary>
    public static void SimdThreeDifferent<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 12) & 15;
        bool scalar = IsScalar(f);
        int size = Size(f), q = scalar ? 0 : (int)f.Q;
        if (size == 3) { e.Undefined(); return; }
        StateHelper h;
        int p;
        switch (opcode)
        {
            case 0: case 2: h = SimdCore.Long<AddSubLongOp>; p = (int)u | (opcode == 2 ? 8 : 0); break;
            case 1: case 3: h = SimdCore.Wide<AddSubWideOp>; p = (int)u | (opcode == 3 ? 8 : 0); break;
            case 4: case 6: h = SimdCore.Narrow<AddSubHighNarrowOp>; p = (u == 1 ? 2 : 0) | (opcode == 6 ? 8 : 0); break;
            case 5: case 7: h = SimdCore.Long<AbsDiffLongOp>; p = (int)u | (opcode == 5 ? 4 : 0); break;
            case 8: case 10: case 12:
                h = SimdCore.Long<MulLongOp>;
                p = (int)u | (opcode == 8 ? 1 : opcode == 10 ? 2 : 0) << 2;
                break;
            case 9: case 11: case 13:
                if (u == 1 || size == 0) { e.Undefined(); return; }
                h = SimdCore.Long<SatDoublingMulLongOp>;
                p = (opcode == 9 ? 1 : opcode == 11 ? 2 : 0) << 2;
                break;
            case 14:
                if (u == 1 || size != 0) { e.Undefined(); return; }
                h = SimdCore.Long<PolyMulLongOp>;
                p = 0;
                break;
            default: e.Undefined(); return;
        }
        Emit<E, V>(ref e, h, f.Rd, f.Rn, f.Rm, Pack(size, q, scalar, p: p));
    }

    /// <summary>PMULL/PMULL2 of 64-bit elements (FEAT_PMULL).</summary>
    public static void SimdPmull64<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        Emit<E, V>(ref e, SimdMisc.PolyMul64, f.Rd, f.Rn, f.Rm, (int)f.Q);

    // ---------------------------------------------------------------- two-register misc

    /// <summary>AdvSIMD (scalar) two-register miscellaneous.</summary>
    public static void SimdTwoRegMisc<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 12) & 31, a = (f.Raw >> 23) & 1;
        bool scalar = IsScalar(f);
        int size = Size(f), q = scalar ? 1 : (int)f.Q;
        uint d = f.Rd, n = f.Rn;
        bool badVec = !scalar && size == 3 && q == 0;   // the usual "size:Q == 110" reservation
        switch (u << 5 | opcode)
        {
            case 0b0_00000: case 0b1_00000: case 0b0_00001:   // REV64, REV32, REV16
            {
                int container = opcode == 1 ? 16 : u == 1 ? 32 : 64;
                if ((8 << size) >= container) break;
                Emit<E, V>(ref e, SimdMisc.Reverse, d, n, (uint)container, size | q << 2);
                return;
            }
            case 0b0_00010: case 0b1_00010: case 0b0_00110: case 0b1_00110:   // [SU]ADDLP, [SU]ADALP
                if (size == 3) break;
                Emit<E, V>(ref e, SimdMisc.PairwiseLong, d, n, 0, size | q << 2 | ((int)u | (opcode == 6 ? 4 : 0)) << 16);
                return;
            case 0b0_00011: case 0b1_00011:   // SUQADD, USQADD
                if (badVec) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<SatAccumulateOp>, d, n, 0, (uint)Pack(size, q, scalar, FromImm, p: (int)u));
                return;
            case 0b0_00100: case 0b1_00100:   // CLS, CLZ
                if (size == 3) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<CountBitsOp>, d, n, 0, (uint)Pack(size, q, false, FromImm, p: (int)u));
                return;
            case 0b0_00101:                   // CNT
                if (size != 0) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<CountBitsOp>, d, n, 0, (uint)Pack(0, q, false, FromImm, p: 2));
                return;
            case 0b1_00101:                   // NOT (size 00), RBIT (size 01)
                if (size > 1) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<CountBitsOp>, d, n, 0, (uint)Pack(0, q, false, FromImm, p: 3 + size));
                return;
            case 0b0_00111: case 0b1_00111:   // SQABS, SQNEG
                if (badVec) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<AbsNegOp>, d, n, 0, (uint)Pack(size, q, scalar, FromImm, p: 2 | (int)u));
                return;
            case 0b0_01000: case 0b0_01001: case 0b0_01010: case 0b1_01000: case 0b1_01001:   // CMGT, CMEQ, CMLT, CMGE, CMLE (zero)
            {
                if (badVec || (scalar && size != 3)) break;
                int p = (u << 5 | opcode) switch { 0b0_01000 => 0, 0b0_01001 => 4, 0b0_01010 => 6, 0b1_01000 => 1, _ => 7 };
                Emit<E, V>(ref e, SimdCore.Elementwise<CompareOp>, d, n, 0, (uint)Pack(size, q, scalar, FromImm, p: p));
                return;
            }
            case 0b0_01011: case 0b1_01011:   // ABS, NEG
                if (badVec || (scalar && size != 3)) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<AbsNegOp>, d, n, 0, (uint)Pack(size, q, scalar, FromImm, p: (int)u));
                return;
            case 0b0_10010: case 0b0_10100: case 0b1_10010: case 0b1_10100:   // XTN, SQXTN, SQXTUN, UQXTN
            {
                if (size == 3 || (scalar && opcode == 0b10010 && u == 0)) break;
                int p = (u << 5 | opcode) switch { 0b0_10010 => 0, 0b0_10100 => 1 << 2, 0b1_10010 => 2 << 2, _ => 1 | 2 << 2 };
                Emit<E, V>(ref e, SimdCore.Narrow<ShiftNarrowOp>, d, n, 0, (uint)Pack(size, q, scalar, FromImm, p: p));
                return;
            }
            case 0b1_10011:                   // SHLL
                if (size == 3 || scalar) break;
                Emit<E, V>(ref e, SimdCore.Widen<ShiftLongOp>, d, n, (uint)(8 << size), (uint)Pack(size, q));
                return;
        }
        // Integer opcodes whose size/U/scalar combination is reserved, and the unallocated ones.
        if (opcode < 0b01100 || (opcode >= 0b10000 && opcode < 0b10110))
        {
            e.Undefined();
            return;
        }
        SimdTwoRegMiscFp<E, V>(ref e, f, u, opcode, a, scalar, q);
    }

    /// <summary>The floating-point part of two-register misc (size&lt;1&gt; = a, size&lt;0&gt; = sz).</summary>
    private static void SimdTwoRegMiscFp<E, V>(ref E e, in Fields f, uint u, uint opcode, uint a, bool scalar, int q) where E : struct, IA64Emitter<V>
    {
        uint d = f.Rd, n = f.Rn, sz = f.sz;
        if (opcode == 0b10110 || opcode == 0b10111)
        {
            // FCVTN, FCVTXN (narrow), FCVTL (widen): size<1> must be 0.
            if (a != 0) { e.Undefined(); return; }
            if (opcode == 0b10111)
            {
                if (u == 1 || scalar) { e.Undefined(); return; }
                Emit<E, V>(ref e, SimdCore.Widen<FpWidenOp>, d, n, 0, (uint)Pack(1 + (int)sz, q));
                return;
            }
            bool xn = u == 1;
            if ((xn && sz == 0) || (!xn && scalar)) { e.Undefined(); return; }
            Emit<E, V>(ref e, SimdCore.Narrow<FpNarrowOp>, d, n, 0, (uint)Pack(1 + (int)sz, q, scalar, FromImm, p: xn ? 1 : 0));
            return;
        }
        if (!scalar && sz == 1 && q == 0) { e.Undefined(); return; }
        int op;
        switch (u << 6 | a << 5 | opcode)
        {
            case 0b0_0_11000: op = FpUnaryOp.Make(FpUnaryOp.FRINT, FPRounding.TieEven); break;
            case 0b0_0_11001: op = FpUnaryOp.Make(FpUnaryOp.FRINT, FPRounding.NegInf); break;
            case 0b0_0_11010: op = FpUnaryOp.Make(FpUnaryOp.FCVTS, FPRounding.TieEven); break;
            case 0b0_0_11011: op = FpUnaryOp.Make(FpUnaryOp.FCVTS, FPRounding.NegInf); break;
            case 0b0_0_11100: op = FpUnaryOp.Make(FpUnaryOp.FCVTS, FPRounding.TieAway); break;
            case 0b0_0_11101: op = FpUnaryOp.SCVTF; break;
            case 0b0_1_01100: op = FpUnaryOp.FCMGT0; break;
            case 0b0_1_01101: op = FpUnaryOp.FCMEQ0; break;
            case 0b0_1_01110: op = FpUnaryOp.FCMLT0; break;
            case 0b0_1_01111: op = FpUnaryOp.FABS; break;
            case 0b0_1_11000: op = FpUnaryOp.Make(FpUnaryOp.FRINT, FPRounding.PosInf); break;
            case 0b0_1_11001: op = FpUnaryOp.Make(FpUnaryOp.FRINT, FPRounding.Zero); break;
            case 0b0_1_11010: op = FpUnaryOp.Make(FpUnaryOp.FCVTS, FPRounding.PosInf); break;
            case 0b0_1_11011: op = FpUnaryOp.Make(FpUnaryOp.FCVTS, FPRounding.Zero); break;
            case 0b0_1_11100: op = FpUnaryOp.URECPE; break;
            case 0b0_1_11101: op = FpUnaryOp.FRECPE; break;
            case 0b0_1_11111: op = FpUnaryOp.FRECPX; break;
            case 0b1_0_11000: op = FpUnaryOp.Make(FpUnaryOp.FRINT, FPRounding.TieAway); break;
            case 0b1_0_11001: op = FpUnaryOp.FRINTX; break;
            case 0b1_0_11010: op = FpUnaryOp.Make(FpUnaryOp.FCVTU, FPRounding.TieEven); break;
            case 0b1_0_11011: op = FpUnaryOp.Make(FpUnaryOp.FCVTU, FPRounding.NegInf); break;
            case 0b1_0_11100: op = FpUnaryOp.Make(FpUnaryOp.FCVTU, FPRounding.TieAway); break;
            case 0b1_0_11101: op = FpUnaryOp.UCVTF; break;
            case 0b1_1_01100: op = FpUnaryOp.FCMGE0; break;
            case 0b1_1_01101: op = FpUnaryOp.FCMLE0; break;
            case 0b1_1_01111: op = FpUnaryOp.FNEG; break;
            case 0b1_1_11001: op = FpUnaryOp.FRINTI; break;
            case 0b1_1_11010: op = FpUnaryOp.Make(FpUnaryOp.FCVTU, FPRounding.PosInf); break;
            case 0b1_1_11011: op = FpUnaryOp.Make(FpUnaryOp.FCVTU, FPRounding.Zero); break;
            case 0b1_1_11100: op = FpUnaryOp.URSQRTE; break;
            case 0b1_1_11101: op = FpUnaryOp.FRSQRTE; break;
            case 0b1_1_11111: op = FpUnaryOp.FSQRT; break;
            default: e.Undefined(); return;
        }
        int kind = op & 31;
        bool vectorOnly = kind is FpUnaryOp.FRINT or FpUnaryOp.FRINTX or FpUnaryOp.FRINTI or FpUnaryOp.FABS or FpUnaryOp.FNEG
            or FpUnaryOp.FSQRT or FpUnaryOp.URECPE or FpUnaryOp.URSQRTE;
        bool scalarOnly = kind == FpUnaryOp.FRECPX;
        if ((scalar && vectorOnly) || (!scalar && scalarOnly) || ((kind is FpUnaryOp.URECPE or FpUnaryOp.URSQRTE) && sz == 1))
        {
            e.Undefined();
            return;
        }
        Emit<E, V>(ref e, SimdCore.Elementwise<FpUnaryOp>, d, n, 0, (uint)Pack(2 + (int)sz, q, scalar, FromImm, p: op));
    }

    // ---------------------------------------------------------------- across lanes, scalar pairwise

    /// <summary>AdvSIMD across lanes: ADDV, [SU]ADDLV, [SU]MAXV, [SU]MINV, FMAXV, FMINV, FMAXNMV, FMINNMV.</summary>
    public static void SimdAcrossLanes<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 12) & 31;
        int size = Size(f), q = (int)f.Q;
        if (opcode == 0b01100 || opcode == 0b01111)
        {
            // FP forms: only 4S in ARMv8.0 (size<0> = sz must be 0 with Q = 1); size<1> picks min.
            if (u == 0 || (size & 1) == 1 || q == 0) { e.Undefined(); return; }
            bool min = (size & 2) != 0;
            int op = opcode == 0b01100 ? (min ? FpBinaryOp.FMINNM : FpBinaryOp.FMAXNM) : (min ? FpBinaryOp.FMIN : FpBinaryOp.FMAX);
            Emit<E, V>(ref e, SimdCore.Across<FpBinaryOp>, f.Rd, f.Rn, 0, (uint)Pack(2, 1, p: op));
            return;
        }
        if (size == 3 || (size == 2 && q == 0)) { e.Undefined(); return; }
        switch (opcode)
        {
            case 0b00011:
                Emit<E, V>(ref e, SimdMisc.AddLongAcross, f.Rd, f.Rn, 0, (uint)(size | q << 2 | (int)u << 16));
                return;
            case 0b01010: case 0b11010:
                Emit<E, V>(ref e, SimdCore.Across<MinMaxOp>, f.Rd, f.Rn, 0, (uint)Pack(size, q, p: (int)u | (opcode == 0b11010 ? 2 : 0)));
                return;
            case 0b11011 when u == 0:
                Emit<E, V>(ref e, SimdCore.Across<AddSubOp>, f.Rd, f.Rn, 0, (uint)Pack(size, q));
                return;
        }
        e.Undefined();
    }

    /// <summary>AdvSIMD scalar pairwise: ADDP (2D), FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP (2S or 2D).</summary>
    public static void SimdScalarPairwise<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 12) & 31;
        int size = Size(f);
        if (u == 0)
        {
            if (opcode != 0b11011 || size != 3) { e.Undefined(); return; }
            Emit<E, V>(ref e, SimdCore.Pairwise<AddSubOp>, f.Rd, f.Rn, 0, (uint)Pack(3, 1, true));
            return;
        }
        bool min = (size & 2) != 0;
        int op;
        switch (opcode)
        {
            case 0b01100: op = min ? FpBinaryOp.FMINNM : FpBinaryOp.FMAXNM; break;
            case 0b01101 when !min: op = FpBinaryOp.FADD; break;
            case 0b01111: op = min ? FpBinaryOp.FMIN : FpBinaryOp.FMAX; break;
            default: e.Undefined(); return;
        }
        Emit<E, V>(ref e, SimdCore.Pairwise<FpBinaryOp>, f.Rd, f.Rn, 0, (uint)Pack(2 + (size & 1), 1, true, p: op));
    }

    // ---------------------------------------------------------------- shift by immediate

    /// <summary>AdvSIMD (scalar) shift by immediate; immh = 0000 belongs to modified immediate (vector) or is unallocated (scalar).</summary>
    public static void SimdShiftImmediate<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 11) & 31, immh = f.immh;
        bool scalar = IsScalar(f);
        int q = scalar ? 1 : (int)f.Q;
        if (immh == 0) { e.Undefined(); return; }
        int hsb = 31 - System.Numerics.BitOperations.LeadingZeroCount(immh);
        int esize = 8 << hsb, size = hsb;
        int imm = (int)(immh << 3 | f.immb);
        uint d = f.Rd, n = f.Rn;
        bool d64 = immh >= 8;
        bool badVec = !scalar && d64 && q == 0;
        switch (opcode)
        {
            case 0b00000: case 0b00010: case 0b00100: case 0b00110:   // [SU]SHR, [SU]SRA, [SU]RSHR, [SU]RSRA
            {
                if (badVec || (scalar && !d64)) break;
                int p = (int)u | ((opcode & 4) != 0 ? 2 : 0) | ((opcode & 2) != 0 ? 4 : 0);
                Emit<E, V>(ref e, SimdCore.Elementwise<ShiftRightImmOp>, d, n, (uint)(2 * esize - imm), (uint)Pack(size, q, scalar, FromImm, p: p));
                return;
            }
            case 0b01000:                     // SRI
                if (u == 0 || badVec || (scalar && !d64)) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<ShiftInsertOp>, d, n, (uint)(2 * esize - imm), (uint)Pack(size, q, scalar, FromImm, p: 0));
                return;
            case 0b01010:                     // SHL, SLI
                if (badVec || (scalar && !d64)) break;
                if (u == 0) Emit<E, V>(ref e, SimdCore.Elementwise<ShiftLeftImmOp>, d, n, (uint)(imm - esize), (uint)Pack(size, q, scalar, FromImm));
                else Emit<E, V>(ref e, SimdCore.Elementwise<ShiftInsertOp>, d, n, (uint)(imm - esize), (uint)Pack(size, q, scalar, FromImm, p: 1));
                return;
            case 0b01100: case 0b01110:       // SQSHLU, SQSHL, UQSHL (immediate)
            {
                if (badVec || (opcode == 0b01100 && u == 0)) break;
                int p = opcode == 0b01100 ? 2 : (int)u;
                Emit<E, V>(ref e, SimdCore.Elementwise<SatShiftLeftImmOp>, d, n, (uint)(imm - esize), (uint)Pack(size, q, scalar, FromImm, p: p));
                return;
            }
            case 0b10000: case 0b10001: case 0b10010: case 0b10011:   // SHRN, RSHRN, SQ[R]SHRN, SQ[R]SHRUN, UQ[R]SHRN
            {
                if (d64) break;
                bool round = (opcode & 1) != 0;
                int p;
                if ((opcode & 2) == 0) p = u == 0 ? 0 : 2 << 2;             // SHRN / SQSHRUN
                else p = u == 0 ? 1 << 2 : 1 | 2 << 2;                        // SQSHRN / UQSHRN
                if (scalar && (opcode & 2) == 0 && u == 0) break;             // no scalar SHRN
                p |= round ? 2 : 0;
                Emit<E, V>(ref e, SimdCore.Narrow<ShiftNarrowOp>, d, n, (uint)(2 * esize - imm), (uint)Pack(size, q, scalar, FromImm, p: p));
                return;
            }
            case 0b10100:                     // SSHLL, USHLL
                if (d64 || scalar) break;
                Emit<E, V>(ref e, SimdCore.Widen<ShiftLongOp>, d, n, (uint)(imm - esize), (uint)Pack(size, q, p: (int)u));
                return;
            case 0b11100: case 0b11111:       // SCVTF, UCVTF, FCVTZS, FCVTZU (fixed-point)
            {
                // Single (immh 01xx) or double (1xxx); 001x would be half precision (FEAT_FP16).
                if (immh < 4 || badVec) break;
                int op = opcode == 0b11100 ? (u == 0 ? FpUnaryOp.SCVTF : FpUnaryOp.UCVTF)
                    : FpUnaryOp.Make(u == 0 ? FpUnaryOp.FCVTS : FpUnaryOp.FCVTU, FPRounding.Zero);
                Emit<E, V>(ref e, SimdCore.Elementwise<FpUnaryOp>, d, n, (uint)(2 * esize - imm), (uint)Pack(size, q, scalar, FromImm, p: op));
                return;
            }
        }
        e.Undefined();
    }

    // ---------------------------------------------------------------- by element

    /// <summary>AdvSIMD (scalar) x indexed element.</summary>
    public static void SimdByElement<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint u = U(f), opcode = (f.Raw >> 12) & 15;
        bool scalar = IsScalar(f);
        int size = Size(f), q = scalar ? 1 : (int)f.Q;
        uint d = f.Rd, n = f.Rn;
        bool fp = opcode is 0b0001 or 0b0101 or 0b1001 && (size & 2) != 0;
        if (opcode == 0b1001 && !fp && u == 1) { e.Undefined(); return; }
        if (fp)
        {
            int sz = size & 1;
            int index;
            if (sz == 0) index = (int)(f.H << 1 | f.L);
            else
            {
                if (f.L == 1 || (!scalar && q == 0)) { e.Undefined(); return; }
                index = (int)f.H;
            }
            uint m = f.M << 4 | f.Rm;
            int op = opcode switch { 0b0001 => FpBinaryOp.FMLA, 0b0101 => FpBinaryOp.FMLS, _ => u == 1 ? FpBinaryOp.FMULX : FpBinaryOp.FMUL };
            Emit<E, V>(ref e, SimdCore.Elementwise<FpBinaryOp>, d, n, m, (uint)Pack(2 + sz, q, scalar, FromElement, index, op));
            return;
        }
        int idx;
        uint rm;
        if (size == 1) { idx = (int)(f.H << 2 | f.L << 1 | f.M); rm = f.Rm; }
        else if (size == 2) { idx = (int)(f.H << 1 | f.L); rm = f.M << 4 | f.Rm; }
        else { e.Undefined(); return; }
        switch (u << 4 | opcode)
        {
            case 0b0_1000: case 0b1_0000: case 0b1_0100:   // MUL, MLA, MLS
                if (scalar) break;
                Emit<E, V>(ref e, SimdCore.Elementwise<MulOp>, d, n, rm, (uint)Pack(size, q, false, FromElement, idx, opcode == 8 ? 0 : opcode == 0 ? 1 : 2));
                return;
            case 0b0_1100: case 0b0_1101:                  // SQDMULH, SQRDMULH
                Emit<E, V>(ref e, SimdCore.Elementwise<DoublingMulHighOp>, d, n, rm, (uint)Pack(size, q, scalar, FromElement, idx, opcode == 0b1101 ? 2 : 0));
                return;
            case 0b0_0010: case 0b0_0110: case 0b0_1010: case 0b1_0010: case 0b1_0110: case 0b1_1010:   // [SU]MLAL, [SU]MLSL, [SU]MULL
                if (scalar) break;
                Emit<E, V>(ref e, SimdCore.Long<MulLongOp>, d, n, rm,
                    (uint)Pack(size, q, false, FromElement, idx, (int)u | (opcode == 0b0010 ? 1 : opcode == 0b0110 ? 2 : 0) << 2));
                return;
            case 0b0_0011: case 0b0_0111: case 0b0_1011:   // SQDMLAL, SQDMLSL, SQDMULL
                Emit<E, V>(ref e, SimdCore.Long<SatDoublingMulLongOp>, d, n, rm,
                    (uint)Pack(size, scalar ? 0 : q, scalar, FromElement, idx, (opcode == 0b0011 ? 1 : opcode == 0b0111 ? 2 : 0) << 2));
                return;
        }
        e.Undefined();
    }

    // ---------------------------------------------------------------- copy, permute, extract, table

    /// <summary>DUP (element, vector and scalar), DUP (general), INS (general), SMOV, UMOV, INS (element).</summary>
    public static void SimdCopy<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint imm5 = f.imm5;
        if ((imm5 & 15) == 0) { e.Undefined(); return; }
        int size = System.Numerics.BitOperations.TrailingZeroCount(imm5);
        int index = (int)(imm5 >> (size + 1));
        bool scalar = IsScalar(f);
        uint op = (f.Raw >> 29) & 1, imm4 = (f.Raw >> 11) & 15;
        int q = (int)((f.Raw >> 30) & 1);
        uint d = f.Rd, n = f.Rn;
        if (scalar)
        {
            Emit<E, V>(ref e, SimdMisc.DupElement, d, n, (uint)index, (uint)(size | 1 << 3));
            return;
        }
        if (op == 1)
        {
            Emit<E, V>(ref e, SimdMisc.InsertElement, d, n, (uint)(index | (int)(imm4 >> size) << 8), size);
            return;
        }
        switch (imm4)
        {
            case 0b0000:
                if (size == 3 && q == 0) break;
                Emit<E, V>(ref e, SimdMisc.DupElement, d, n, (uint)index, (uint)(size | q << 2));
                return;
            case 0b0001:
                if (size == 3 && q == 0) break;
                Emit<E, V>(ref e, SimdMisc.DupGeneral, d, n, 0, (uint)(size | q << 2));
                return;
            case 0b0011:
                Emit<E, V>(ref e, SimdMisc.InsertGeneral, d, n, (uint)index, size);
                return;
            case 0b0101:                      // SMOV: to W (size 0, 1) or X (size 0, 1, 2)
                if (size >= 2 + q) break;
                Emit<E, V>(ref e, SimdMisc.MoveToGeneral, d, n, (uint)index, (uint)(size | 4 | q << 3));
                return;
            case 0b0111:                      // UMOV: to W (size 0..2) or X (size 3)
                if (q == 1 ? size != 3 : size == 3) break;
                Emit<E, V>(ref e, SimdMisc.MoveToGeneral, d, n, (uint)index, (uint)(size | q << 3));
                return;
        }
        e.Undefined();
    }

    /// <summary>UZP1, TRN1, ZIP1, UZP2, TRN2, ZIP2.</summary>
    public static void SimdPermute<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint opcode = (f.Raw >> 12) & 7;
        if ((Size(f) == 3 && f.Q == 0) || (opcode & 3) == 0) { e.Undefined(); return; }
        Emit<E, V>(ref e, SimdMisc.Permute, f.Rd, f.Rn, f.Rm, Size(f) | (int)(f.Q << 2 | opcode << 16));
    }

    public static void SimdExt<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (f.Q == 0 && (f.imm4 & 8) != 0) { e.Undefined(); return; }
        Emit<E, V>(ref e, SimdMisc.Ext, f.Rd, f.Rn, f.Rm, (int)(f.imm4 | f.Q << 4));
    }

    public static void SimdTableLookup<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        Emit<E, V>(ref e, SimdMisc.TableLookup, f.Rd, f.Rn, f.Rm, (int)(f.len | f.op << 2 | f.Q << 3));

    // ---------------------------------------------------------------- modified immediate

    /// <summary>MOVI, MVNI, ORR, BIC (vector, immediate) and FMOV (vector, immediate); op and cmode from the word.</summary>
    public static void SimdModifiedImmediate<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint op = (f.Raw >> 29) & 1, cmode = (f.Raw >> 12) & 15, q = f.Q;
        uint imm8 = f.a << 7 | f.b << 6 | f.c << 5 | f.d << 4 | f.e << 3 | f.f << 2 | f.g << 1 | f.h;
        if (cmode == 15 && op == 1 && q == 0) { e.Undefined(); return; }
        ulong imm = AdvSIMDExpandImm(op, cmode, imm8);
        int kind = 0;   // set
        bool orrBic = (cmode < 8 && (cmode & 1) == 1) || (cmode >= 8 && cmode < 12 && (cmode & 1) == 1);
        if (orrBic) kind = op == 0 ? 2 : 3;
        else if (op == 1 && cmode < 14) imm = ~imm;     // MVNI
        Emit<E, V>(ref e, SimdMisc.MoveImmediate, f.Rd, (uint)imm, (uint)(imm >> 32), kind | (int)q << 2);
    }

    /// <summary>AdvSIMDExpandImm (Arm ARM shared/functions/vector).</summary>
    public static ulong AdvSIMDExpandImm(uint op, uint cmode, uint imm8)
    {
        ulong i = imm8;
        static ulong Rep32(ulong v) => v | v << 32;
        static ulong Rep16(ulong v) => v | v << 16 | v << 32 | v << 48;
        switch (cmode >> 1)
        {
            case 0: return Rep32(i);
            case 1: return Rep32(i << 8);
            case 2: return Rep32(i << 16);
            case 3: return Rep32(i << 24);
            case 4: return Rep16(i);
            case 5: return Rep16(i << 8);
            case 6: return (cmode & 1) == 0 ? Rep32(i << 8 | 0xFF) : Rep32(i << 16 | 0xFFFF);
            default:
                if ((cmode & 1) == 0 && op == 0) return i * 0x0101_0101_0101_0101UL;
                if ((cmode & 1) == 0)
                {
                    ulong r = 0;
                    for (int b = 0; b < 8; b++) if (((i >> b) & 1) != 0) r |= 0xFFUL << (8 * b);
                    return r;
                }
                if (op == 0)
                {
                    // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,5):imm8<5:0>:Zeros(19)
                    ulong b6 = (i >> 6) & 1;
                    ulong imm32 = (i >> 7) << 31 | (b6 ^ 1) << 30 | (b6 == 1 ? 0x1FUL : 0) << 25 | (i & 0x3F) << 19;
                    return Rep32(imm32);
                }
                else
                {
                    ulong b6 = (i >> 6) & 1;
                    return (i >> 7) << 63 | (b6 ^ 1) << 62 | (b6 == 1 ? 0xFFUL : 0) << 54 | (i & 0x3F) << 48;
                }
        }
    }
}
