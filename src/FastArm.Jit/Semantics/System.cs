using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>
/// System instructions (Arm ARM C4.1.65 "System instruction class"): hints, barriers, MSR (immediate), SYS/SYSL and
/// MSR/MRS. Everything here depends on CPU state (EL, trap controls, the register file), so the semantics pass the
/// decoded fields to the CPU, which decides UNDEFINED and traps (State/Cpu.SystemRegisters.cs).
/// </summary>
public static class SystemInstructions
{
    /// <summary>
    /// MRS/MSR/SYS/SYSL pass the register encoding with Rt in bits 20:16: a trapped access reports Rt in its
    /// syndrome (ESR_ELx.ISS for EC 0x18), and the CPU finds it there. Bits 15:0 are SysRegEncoding.Make(...).
    /// </summary>
    public const int RtShift = 16;

    /// <summary>
    /// HINT (C6.2.126): CRm:op2 names the hint. YIELD, WFE, WFI, SEV and SEVL go to the CPU; every other hint
    /// (NOP, ESB, PSB CSYNC, TSB CSYNC, CSDB, BTI, the pointer authentication hints such as PACIASP/AUTIASP/XPACLRI,
    /// DGH, CLRBHB, ...) names a feature FastArm does not implement or has no architectural effect here, and the
    /// Arm ARM makes an unimplemented hint a NOP.
    /// </summary>
    public static void Hint<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint hint = (f.CRm << 3) | f.op2;
        if (hint is >= 1 and <= 5) e.Hint(hint);
    }

    /// <summary>CLREX (C6.2.56): clears the local monitor; CRm is ignored.</summary>
    public static void Clrex<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.ClearExclusive();

    /// <summary>DSB, SSBB, PSSBB (C6.2.80, C6.2.309, C6.2.239). Memory accesses complete in order here.</summary>
    public static void Dsb<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.Barrier(f.CRm, 4);

    /// <summary>DMB (C6.2.78).</summary>
    public static void Dmb<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.Barrier(f.CRm, 5);

    /// <summary>ISB (C6.2.135): a context synchronization event; the translator ends its block here.</summary>
    public static void Isb<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.Barrier(f.CRm, 6);

    /// <summary>SB (C6.2.258, FEAT_SB): no speculation here, so nothing to do.</summary>
    public static void Sb<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.Barrier(0, 7);

    /// <summary>MSR (immediate) (C6.2.229): SPSel, DAIFSet, DAIFClr, PAN, UAO, DIT, SSBS by op1:op2.</summary>
    public static void MsrImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.MsrImmediate(f.op1, f.op2, f.CRm);

    /// <summary>SYS (C6.2.361) and its aliases AT, DC, IC, TLBI: the CPU reads Xt itself.</summary>
    public static void Sys<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        e.Sys(f.op1, f.CRn, f.CRm, f.op2, (int)f.Rt, isRead: false);

    /// <summary>SYSL (C6.2.362): no SYSL operation is allocated in the implemented features: UNDEFINED in the CPU.</summary>
    public static void Sysl<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        e.Sys(f.op1, f.CRn, f.CRm, f.op2, (int)f.Rt, isRead: true);

    /// <summary>MSR (register) (C6.2.230): op0 = 2 + o0.</summary>
    public static void MsrReg<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint enc = SysRegEncoding.Make(2 + f.o0, f.op1, f.CRn, f.CRm, f.op2) | (f.Rt << RtShift);
        e.WriteSysReg(enc, e.X((int)f.Rt));
    }

    /// <summary>MRS (C6.2.228): op0 = 2 + o0; the result goes to Xt (XZR discards it, the access still happens).</summary>
    public static void Mrs<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        uint enc = SysRegEncoding.Make(2 + f.o0, f.op1, f.CRn, f.CRm, f.op2) | (f.Rt << RtShift);
        V value = e.ReadSysReg(enc);
        e.SetX((int)f.Rt, value);
    }
}
