using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>Branches, exception generation and system instructions (Arm ARM C4.1.65: "Branches, Exception
/// Generating and System instructions"): the branch part.</summary>
public static class Branches
{
    /// <summary>B, BL (C6.2.26, C6.2.34): PC-relative, +/-128 MB; BL writes the return address to X30.</summary>
    public static void B<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        ulong target = e.Pc + (ulong)(Bits.SignExtend(f.imm26, 26) << 2);
        if (f.op == 1) e.SetX(30, e.Const(e.Pc + 4));
        e.Branch(target, f.op == 1 ? BranchKind.Call : BranchKind.Jump);
    }

    /// <summary>B.cond (C6.2.27): +/-1 MB when ConditionHolds(cond); conditions 1110 and 1111 both mean always.</summary>
    public static void BCond<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        ulong target = e.Pc + (ulong)(Bits.SignExtend(f.imm19, 19) << 2);
        if (f.cond >= 14) e.Branch(target);
        else e.BranchIf(e.Condition((int)f.cond), target);
    }

    /// <summary>CBZ, CBNZ (C6.2.47, C6.2.46): compares the 32- or 64-bit register with zero.</summary>
    public static void Cbz<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        ulong target = e.Pc + (ulong)(Bits.SignExtend(f.imm19, 19) << 2);
        V t = e.X((int)f.Rt);
        if (f.sf == 0) t = e.ZeroExtend(t, 32);
        V cond = f.op == 0 ? e.Eq(t, e.Const(0)) : e.Ne(t, e.Const(0));
        e.BranchIf(cond, target);
    }

    /// <summary>TBZ, TBNZ (C6.2.371, C6.2.370): tests bit b5:b40 (b5 = 1 names an X register, bit 32..63).</summary>
    public static void Tbz<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        ulong target = e.Pc + (ulong)(Bits.SignExtend(f.imm14, 14) << 2);
        int bit = (int)((f.b5 << 5) | f.b40);
        V t = e.And(e.X((int)f.Rt), e.Const(1UL << bit));
        V cond = f.op == 0 ? e.Eq(t, e.Const(0)) : e.Ne(t, e.Const(0));
        e.BranchIf(cond, target);
    }

    /// <summary>BR (C6.2.37).</summary>
    public static void Br<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        e.BranchIndirect(e.X((int)f.Rn), BranchKind.Jump);

    /// <summary>BLR (C6.2.35): the target is read before X30 is written, so BLR X30 branches to the old X30.</summary>
    public static void Blr<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        V target = e.X((int)f.Rn);
        e.SetX(30, e.Const(e.Pc + 4));
        e.BranchIndirect(target, BranchKind.Call);
    }

    /// <summary>RET (C6.2.254): BR with a return hint; Rn defaults to X30 in the assembler, not in the encoding.</summary>
    public static void Ret<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        e.BranchIndirect(e.X((int)f.Rn), BranchKind.Return);

    /// <summary>ERET (C6.2.83): UNDEFINED at EL0, else AArch64.ExceptionReturn(ELR_ELx, SPSR_ELx).</summary>
    public static void Eret<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.Eret();
}
