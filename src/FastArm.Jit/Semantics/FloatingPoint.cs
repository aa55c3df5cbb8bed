using FastArm.Jit.Decode;
using FastArm.Jit.Fp;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Scalar floating-point instructions (Arm ARM C4.1.96 "Data Processing -- Scalar Floating-Point and Advanced
/// SIMD", the floating-point groups). Decode-time checks here, arithmetic in <see cref="FPScalar"/> / <see cref="FPCore"/>.
/// ftype 11 (half precision) needs FEAT_FP16, which is not implemented, so it is UNDEFINED, as is ftype 10.
/// </summary>
public static class FloatingPoint
{
    /// <summary>True (and UNDEFINED raised) when ftype is not single or double.</summary>
    private static bool BadType<E, V>(ref E e, uint ftype) where E : struct, IA64Emitter<V>
    {
        if (ftype < 2) return false;
        e.Undefined();
        return true;
    }

    /// <summary>FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL (opcode 0..8; 9..15 unallocated).</summary>
    public static void FpDataProcessing2<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (f.ftype >= 2 || f.opcode > 8) { e.Undefined(); return; }
        e.CheckFpAccess();
        e.CallState(FPScalar.DataProcessing2, (int)f.Rd, (int)f.Rn, (int)f.Rm, (int)(f.ftype | f.opcode << 4));
    }

    public static void FpDataProcessing3<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        e.CallState(FPScalar.DataProcessing3, (int)f.Rd, (int)f.Rn, (int)f.Rm, (int)(f.Ra | f.ftype << 8 | f.o1 << 10 | f.o0 << 11));
    }

    /// <summary>FMOV, FABS, FNEG, FSQRT and FRINT* (opcode 0..3, 8..12, 14, 15).</summary>
    public static void FpDataProcessing1<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint opcode = f.opcode;
        if (f.ftype >= 2 || opcode == 13) { e.Undefined(); return; }
        e.CheckFpAccess();
        e.CallState(FPScalar.DataProcessing1, (int)f.Rd, (int)f.Rn, 0, (int)(f.ftype | opcode << 4));
    }

    /// <summary>FCVT (scalar): ftype is the source, opc the destination precision (00 S, 01 D, 11 H).</summary>
    public static void FpConvertPrecision<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (f.ftype == 2 || f.opc == 2 || f.ftype == f.opc) { e.Undefined(); return; }
        e.CheckFpAccess();
        e.CallState(FPScalar.ConvertPrecision, (int)f.Rd, (int)f.Rn, 0, FPScalar.Width((int)f.ftype) | FPScalar.Width((int)f.opc) << 8);
    }

    /// <summary>FCMP, FCMPE: opc = E:zero (the low three bits of opcode2 are fixed 000 by the row).</summary>
    public static void FpCompare<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        e.CallState(FPScalar.Compare, (int)f.Rn, (int)f.Rm, 0, (int)(f.ftype | (f.opc >> 1) << 4 | (f.opc & 1) << 8));
    }

    public static void FpCondCompare<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        e.CallState(FPScalar.CondCompare, (int)f.Rn, (int)f.Rm, 0, (int)(f.ftype | f.op << 4 | f.cond << 8 | f.nzcv << 12));
    }

    public static void FpCondSelect<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        e.CallState(FPScalar.CondSelect, (int)f.Rd, (int)f.Rn, (int)f.Rm, (int)(f.ftype | f.cond << 4));
    }

    public static void FpMoveImmediate<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        ulong imm = FPScalar.VFPExpandImm(f.imm8, FPScalar.Width((int)f.ftype));
        e.CallState(FPScalar.MoveImmediate, (int)f.Rd, (int)(uint)imm, (int)(uint)(imm >> 32), 0);
    }

    /// <summary>FCVTNS/NU/PS/PU/MS/MU/ZS/ZU (integer): rmode picks the rounding, o0 = unsigned.</summary>
    public static void FpToIntegerRMode<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        // rmode 00 N (ties even), 01 P, 10 M, 11 Z: the same numbering as FPRounding.
        e.CallState(FPScalar.ToInteger, (int)f.Rd, (int)f.Rn, 0, (int)(f.ftype | f.o0 << 2 | f.sf << 3 | f.rmode << 4));
    }

    /// <summary>FCVTAS, FCVTAU (integer): ties away from zero.</summary>
    public static void FpToIntegerTieAway<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        e.CallState(FPScalar.ToInteger, (int)f.Rd, (int)f.Rn, 0, (int)(f.ftype | f.o0 << 2 | f.sf << 3 | (uint)FPRounding.TieAway << 4));
    }

    /// <summary>SCVTF, UCVTF (scalar, integer).</summary>
    public static void FpFromInteger<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        e.CheckFpAccess();
        e.CallState(FPScalar.FromInteger, (int)f.Rd, (int)f.Rn, 0, (int)(f.ftype | f.o0 << 2 | f.sf << 3));
    }

    /// <summary>FCVTZS, FCVTZU (scalar, fixed-point): fbits = 64 - scale; 32-bit forms need scale &gt;= 32.</summary>
    public static void FpToFixed<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        if (f.sf == 0 && (f.scale & 32) == 0) { e.Undefined(); return; }
        e.CheckFpAccess();
        int fbits = 64 - (int)f.scale;
        e.CallState(FPScalar.ToInteger, (int)f.Rd, (int)f.Rn, 0, (int)(f.ftype | f.o0 << 2 | f.sf << 3) | (int)FPRounding.Zero << 4 | fbits << 8);
    }

    /// <summary>SCVTF, UCVTF (scalar, fixed-point).</summary>
    public static void FpFromFixed<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (BadType<E, V>(ref e, f.ftype)) return;
        if (f.sf == 0 && (f.scale & 32) == 0) { e.Undefined(); return; }
        e.CheckFpAccess();
        int fbits = 64 - (int)f.scale;
        e.CallState(FPScalar.FromInteger, (int)f.Rd, (int)f.Rn, 0, (int)(f.ftype | f.o0 << 2 | f.sf << 3) | fbits << 8);
    }

    /// <summary>
    /// FMOV (general): sf:ftype:rmode = 0:00:00 (W, S), 1:01:00 (X, D), 1:10:01 (X, D[1]); o0 = 1 moves from
    /// the general register. The half-precision forms (ftype 11) need FEAT_FP16.
    /// </summary>
    public static void FpMoveGeneral<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint key = f.sf << 4 | f.ftype << 2 | f.rmode;
        bool toV = f.o0 == 1;
        int kind;
        int size;
        switch (key)
        {
            case 0b0_00_00: kind = toV ? 1 : 0; size = 32; break;
            case 0b1_01_00: kind = toV ? 1 : 0; size = 64; break;
            case 0b1_10_01: kind = toV ? 3 : 2; size = 64; break;
            default: e.Undefined(); return;
        }
        e.CheckFpAccess();
        e.CallState(FPScalar.MoveGeneral, (int)f.Rd, (int)f.Rn, kind, size);
    }
}
