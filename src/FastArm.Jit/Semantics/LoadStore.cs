using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>How a load/store forms its address from the base register (Arm ARM C4.1.88, "Loads and Stores").</summary>
internal enum AddrMode
{
    /// <summary>[Xn|SP, #imm] or [Xn|SP, Xm]: no writeback.</summary>
    Offset,
    /// <summary>[Xn|SP], #imm: access at the base, then base += imm.</summary>
    PostIndex,
    /// <summary>[Xn|SP, #imm]!: base += imm, access at the new base.</summary>
    PreIndex,
}

/// <summary>What the size:opc of a "load/store register" encoding (general registers) asks for.</summary>
internal enum GprAccess { Store, Load, LoadSigned64, LoadSigned32, Prefetch, Unallocated }

/// <summary>
/// Loads and stores of general registers (Arm ARM C4.1.88): LDR/STR and their byte, halfword and signed forms
/// with every addressing mode, LDUR/STUR, LDTR/STTR, LDR (literal), LDP/STP/LDPSW, LDNP/STNP and PRFM/PRFUM.
/// The SIMD&amp;FP register forms are in LoadStoreFp.cs, exclusives, ordered and compare-and-swap in
/// LoadStoreExclusive.cs, the LSE atomics in LoadStoreAtomic.cs.
///
/// Order of effects, common to all: the base (with CheckSPAlignment() when it is SP) and the accesses come
/// first, register writes after them and the base writeback last, so that a faulting access leaves every
/// register as it was (the emitter drops writes after a fault).
/// </summary>
public static class LoadStore
{
    // ---- shared pieces (used by the other load/store classes too) ----

    /// <summary>
    /// The base address: X[n], or SP when n = 31 after the SP alignment check (the shared decode of every
    /// load/store: "if n == 31 then CheckSPAlignment(); address = SP[]"). Prefetches skip the check.
    /// </summary>
    internal static V Base<E, V>(ref E e, uint n, bool prefetch = false) where E : struct, IA64Emitter<V>
    {
        if (n != 31) return e.X((int)n);
        if (!prefetch) e.CheckSpAlignment();
        return e.Sp();
    }

    /// <summary>Base register writeback: X[n] or SP.</summary>
    internal static void WriteBase<E, V>(ref E e, uint n, V value) where E : struct, IA64Emitter<V>
    {
        if (n == 31) e.SetSp(value);
        else e.SetX((int)n, value);
    }

    /// <summary>The register-offset operand: ExtendReg(m, option, shift). option&lt;1&gt; = 0 is caught by the caller.</summary>
    internal static V ExtendedOffset<E, V>(ref E e, uint m, uint option, int shift) where E : struct, IA64Emitter<V>
    {
        V x = e.X((int)m);
        V v = option switch
        {
            0b010 => e.ZeroExtend(x, 32),   // UXTW
            0b110 => e.SignExtend(x, 32),   // SXTW
            _ => x,                         // LSL (UXTX), SXTX
        };
        return shift == 0 ? v : e.Shl(v, e.Const((ulong)shift));
    }

    internal static GprAccess Classify(uint size, uint opc) => opc switch
    {
        0b00 => GprAccess.Store,
        0b01 => GprAccess.Load,
        0b10 => size == 3 ? GprAccess.Prefetch : GprAccess.LoadSigned64,   // LDRSB/LDRSH/LDRSW (X), PRFM
        _ => size >= 2 ? GprAccess.Unallocated : GprAccess.LoadSigned32,  // LDRSB/LDRSH (W)
    };

    /// <summary>
    /// One general-register load or store of 1 &lt;&lt; <paramref name="size"/> bytes at base + offset with the
    /// given addressing mode. Writeback with n == t (n != 31) is CONSTRAINED UNPREDICTABLE; like QEMU, a load
    /// then leaves the written-back address in the register (the writeback comes last) and a store stores the
    /// register's value from before the writeback.
    /// </summary>
    private static void Single<E, V>(ref E e, GprAccess kind, uint size, uint t, uint n, V offset, AddrMode mode, MemOp op)
        where E : struct, IA64Emitter<V>
    {
        V b = Base<E, V>(ref e, n);
        V address = mode == AddrMode.PostIndex ? b : e.Add(b, offset);
        int bytes = 1 << (int)size;
        if (kind == GprAccess.Store)
        {
            e.Store(address, e.X((int)t), bytes, op);
        }
        else
        {
            V data = e.Load(address, bytes, op);
            if (kind == GprAccess.LoadSigned64 && bytes < 8) data = e.SignExtend(data, bytes * 8);
            else if (kind == GprAccess.LoadSigned32) data = e.ZeroExtend(e.SignExtend(data, bytes * 8), 32);
            e.SetX((int)t, data);
        }
        if (mode != AddrMode.Offset) WriteBase(ref e, n, mode == AddrMode.PostIndex ? e.Add(b, offset) : address);
    }

    private static bool Allocated<E, V>(ref E e, uint size, uint opc, out GprAccess kind) where E : struct, IA64Emitter<V>
    {
        kind = Classify(size, opc);
        // PRFM/PRFUM have their own rows; where a class has no prefetch (pre/post-index, unprivileged) the
        // size = 11, opc = 10 slot is unallocated.
        if (kind is GprAccess.Prefetch or GprAccess.Unallocated)
        {
            e.Undefined();
            return false;
        }
        return true;
    }

    // ---- load/store register: immediate forms and register offset ----

    /// <summary>LDR/STR (immediate, unsigned offset): imm12 scaled by the access size.</summary>
    public static void LdStRegUnsignedImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!Allocated<E, V>(ref e, f.size, f.opc, out var kind)) return;
        Single(ref e, kind, f.size, f.Rt, f.Rn, e.Const((ulong)f.imm12 << (int)f.size), AddrMode.Offset, MemOp.None);
    }

    /// <summary>LDUR/STUR (unscaled immediate): signed imm9, no scaling.</summary>
    public static void LdStRegUnscaled<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!Allocated<E, V>(ref e, f.size, f.opc, out var kind)) return;
        Single(ref e, kind, f.size, f.Rt, f.Rn, e.Const((ulong)Bits.SignExtend(f.imm9, 9)), AddrMode.Offset, MemOp.None);
    }

    /// <summary>LDR/STR (immediate, post-index).</summary>
    public static void LdStRegPost<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!Allocated<E, V>(ref e, f.size, f.opc, out var kind)) return;
        Single(ref e, kind, f.size, f.Rt, f.Rn, e.Const((ulong)Bits.SignExtend(f.imm9, 9)), AddrMode.PostIndex, MemOp.None);
    }

    /// <summary>LDR/STR (immediate, pre-index).</summary>
    public static void LdStRegPre<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!Allocated<E, V>(ref e, f.size, f.opc, out var kind)) return;
        Single(ref e, kind, f.size, f.Rt, f.Rn, e.Const((ulong)Bits.SignExtend(f.imm9, 9)), AddrMode.PreIndex, MemOp.None);
    }

    /// <summary>LDTR/STTR and their byte, halfword and signed forms: unscaled imm9, checked as EL0 accesses
    /// from EL1 (AccType_UNPRIV; see Cpu.IsUnprivileged).</summary>
    public static void LdStRegUnprivileged<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (!Allocated<E, V>(ref e, f.size, f.opc, out var kind)) return;
        Single(ref e, kind, f.size, f.Rt, f.Rn, e.Const((ulong)Bits.SignExtend(f.imm9, 9)), AddrMode.Offset, MemOp.Unprivileged);
    }

    /// <summary>LDR/STR (register): [Xn|SP, (W|X)m{, extend {#amount}}], amount = size when S = 1.</summary>
    public static void LdStRegRegOffset<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if ((f.option & 2) == 0) { e.Undefined(); return; }   // option<1> == '0': UNDEFINED (sub-word extends)
        if (!Allocated<E, V>(ref e, f.size, f.opc, out var kind)) return;
        V offset = ExtendedOffset<E, V>(ref e, f.Rm, f.option, f.S == 1 ? (int)f.size : 0);
        Single(ref e, kind, f.size, f.Rt, f.Rn, offset, AddrMode.Offset, MemOp.None);
    }

    // ---- prefetch ----

    /// <summary>PRFM (immediate, literal), PRFUM: hints with no architectural effect; they never fault.</summary>
    public static void Prefetch<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
    }

    /// <summary>PRFM (register): the option&lt;1&gt; = 0 extends are UNDEFINED as for the loads; otherwise no effect.</summary>
    public static void PrefetchReg<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if ((f.option & 2) == 0) e.Undefined();
    }

    // ---- literal ----

    /// <summary>LDR (literal) of W and X registers, LDRSW (literal): PC + imm19 * 4. opc = 11 is PRFM (its own row).</summary>
    public static void LdrLiteral<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        V address = e.Const(e.Pc + (ulong)(Bits.SignExtend(f.imm19, 19) << 2));
        switch (f.opc)
        {
            case 0b00: e.SetX((int)f.Rt, e.Load(address, 4)); break;
            case 0b01: e.SetX((int)f.Rt, e.Load(address, 8)); break;
            case 0b10: e.SetX((int)f.Rt, e.SignExtend(e.Load(address, 4), 32)); break;
            default: break;   // PRFM (literal), decoded by its own row
        }
    }

    // ---- pairs ----

    /// <summary>
    /// LDP/STP/LDPSW (general registers) and LDNP/STNP: opc 00 = 32-bit, 01 = LDPSW (load) or STGP (FEAT_MTE,
    /// unallocated here), 10 = 64-bit, 11 = unallocated. The non-temporal forms have no LDPSW.
    /// </summary>
    private static void Pair<E, V>(ref E e, in Fields f, AddrMode mode, bool nonTemporal) where E : struct, IA64Emitter<V>
    {
        uint opc = f.opc;
        bool load = f.L == 1;
        if (opc == 0b11 || (opc == 0b01 && (!load || nonTemporal))) { e.Undefined(); return; }
        bool signed = opc == 0b01;
        int scale = 2 + (int)(opc >> 1);
        int bytes = 1 << scale;
        ulong offset = (ulong)(Bits.SignExtend(f.imm7, 7) << scale);
        MemOp op = nonTemporal ? MemOp.NonTemporal : MemOp.None;
        uint t = f.Rt, t2 = f.Rt2, n = f.Rn;

        V b = Base<E, V>(ref e, n);
        V address = mode == AddrMode.PostIndex ? b : e.Add(b, e.Const(offset));
        V address2 = e.Add(address, e.Const((ulong)bytes));
        if (load)
        {
            // Both loads before any register write: a fault on the second leaves Rt as it was.
            V d1 = e.Load(address, bytes, op);
            V d2 = e.Load(address2, bytes, op);
            if (signed)
            {
                d1 = e.SignExtend(d1, 32);
                d2 = e.SignExtend(d2, 32);
            }
            // Rt == Rt2 is CONSTRAINED UNPREDICTABLE; QEMU writes Rt last, so Rt's data wins. Writeback with
            // n == t or n == t2 (n != 31) likewise: the written-back address wins (QEMU).
            e.SetX((int)t2, d2);
            e.SetX((int)t, d1);
        }
        else
        {
            // Stores read both registers first (a store with writeback and n == t stores the old base, as in
            // QEMU) and probe both locations before writing, so that a fault on the second leaves memory
            // untouched.
            V v1 = e.X((int)t), v2 = e.X((int)t2);
            e.Store(address, v1, bytes, op | MemOp.Probe);
            e.Store(address2, v2, bytes, op | MemOp.Probe);
            e.Store(address, v1, bytes, op);
            e.Store(address2, v2, bytes, op);
        }
        if (mode != AddrMode.Offset)
            WriteBase(ref e, n, mode == AddrMode.PostIndex ? e.Add(b, e.Const(offset)) : address);
    }

    /// <summary>LDNP/STNP (general registers): the signed offset form with a non-temporal hint.</summary>
    public static void LdStPairNonTemporal<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.Offset, true);
    public static void LdStPairOffset<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.Offset, false);
    public static void LdStPairPost<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.PostIndex, false);
    public static void LdStPairPre<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.PreIndex, false);
}
