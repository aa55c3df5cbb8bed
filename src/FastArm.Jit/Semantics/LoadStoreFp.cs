using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Loads and stores of SIMD&amp;FP registers (Arm ARM C4.1.88 with V = 1): LDR/STR (immediate, register),
/// LDUR/STUR, LDR (literal), LDP/STP and LDNP/STNP of B, H, S, D and Q registers. A load writes the whole
/// V register, zeroing the bits above the loaded size (V[t] = ZeroExtend(data)). The structure loads and
/// stores (LD1..LD4, ST1..ST4) are elsewhere.
///
/// Every form starts with CheckFPAdvSIMDEnabled64(), before the base register is read (so before the SP
/// alignment check), as the Arm ARM's execute sections do.
/// </summary>
public static class LoadStoreFp
{
    /// <summary>size:opc of the single-register classes: opc&lt;1&gt; = 1 is Q and needs size = 00; opc&lt;0&gt; is load.</summary>
    private static bool Scale<E, V>(ref E e, uint size, uint opc, out int scale) where E : struct, IA64Emitter<V>
    {
        scale = (opc & 2) != 0 ? 4 : (int)size;
        if ((opc & 2) != 0 && size != 0)
        {
            e.Undefined();
            return false;
        }
        return true;
    }

    /// <summary>Loads 1 &lt;&lt; scale bytes into V[t] (zeroing the rest), or stores them from it.</summary>
    private static void Transfer<E, V>(ref E e, bool load, int scale, uint t, V address, MemOp op) where E : struct, IA64Emitter<V>
    {
        if (scale == 4)
        {
            if (load)
            {
                e.Load128(address, out V lo, out V hi, op);
                e.SetVReg((int)t, lo, hi);
            }
            else e.Store128(address, e.VReg((int)t, 0), e.VReg((int)t, 1), op);
        }
        else
        {
            if (load) e.SetVReg((int)t, e.Load(address, 1 << scale, op), e.Const(0));
            else e.Store(address, e.VReg((int)t, 0), 1 << scale, op);
        }
    }

    private static void Single<E, V>(ref E e, uint size, uint opc, uint t, uint n, AddrMode mode, ulong immOffset, bool regOffset, in Fields f)
        where E : struct, IA64Emitter<V>
    {
        if (regOffset && (f.option & 2) == 0) { e.Undefined(); return; }
        if (!Scale<E, V>(ref e, size, opc, out int scale)) return;
        CheckFp<E, V>(ref e);
        V offset = regOffset
            ? LoadStore.ExtendedOffset<E, V>(ref e, f.Rm, f.option, f.S == 1 ? scale : 0)
            : e.Const(immOffset);
        V b = LoadStore.Base<E, V>(ref e, n);
        V address = mode == AddrMode.PostIndex ? b : e.Add(b, offset);
        Transfer(ref e, (opc & 1) != 0, scale, t, address, MemOp.None);
        if (mode != AddrMode.Offset)
            LoadStore.WriteBase(ref e, n, mode == AddrMode.PostIndex ? e.Add(b, offset) : address);
    }

    /// <summary>CheckFPAdvSIMDEnabled64(): the CPACR/CPTR traps of SIMD&amp;FP instructions.</summary>
    private static void CheckFp<E, V>(ref E e) where E : struct, IA64Emitter<V> => e.CheckFpAccess();

    /// <summary>LDR/STR (immediate, SIMD&amp;FP), unsigned offset: imm12 scaled by the access size.</summary>
    public static void LdStFpUnsignedImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int scale = (f.opc & 2) != 0 ? 4 : (int)f.size;
        Single<E, V>(ref e, f.size, f.opc, f.Rt, f.Rn, AddrMode.Offset, (ulong)f.imm12 << scale, false, f);
    }

    /// <summary>LDUR/STUR (SIMD&amp;FP).</summary>
    public static void LdStFpUnscaled<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        Single<E, V>(ref e, f.size, f.opc, f.Rt, f.Rn, AddrMode.Offset, (ulong)Bits.SignExtend(f.imm9, 9), false, f);

    /// <summary>LDR/STR (immediate, SIMD&amp;FP), post-index.</summary>
    public static void LdStFpPost<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        Single<E, V>(ref e, f.size, f.opc, f.Rt, f.Rn, AddrMode.PostIndex, (ulong)Bits.SignExtend(f.imm9, 9), false, f);

    /// <summary>LDR/STR (immediate, SIMD&amp;FP), pre-index.</summary>
    public static void LdStFpPre<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        Single<E, V>(ref e, f.size, f.opc, f.Rt, f.Rn, AddrMode.PreIndex, (ulong)Bits.SignExtend(f.imm9, 9), false, f);

    /// <summary>LDR/STR (register, SIMD&amp;FP): amount = log2(size) when S = 1 (4 for Q).</summary>
    public static void LdStFpRegOffset<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> =>
        Single<E, V>(ref e, f.size, f.opc, f.Rt, f.Rn, AddrMode.Offset, 0, true, f);

    /// <summary>LDR (literal, SIMD&amp;FP): opc 00 = S, 01 = D, 10 = Q, 11 unallocated.</summary>
    public static void LdrFpLiteral<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if (f.opc == 0b11) { e.Undefined(); return; }
        CheckFp<E, V>(ref e);
        V address = e.Const(e.Pc + (ulong)(Bits.SignExtend(f.imm19, 19) << 2));
        Transfer(ref e, true, 2 + (int)f.opc, f.Rt, address, MemOp.None);
    }

    /// <summary>LDP/STP/LDNP/STNP (SIMD&amp;FP): opc 00 = S, 01 = D, 10 = Q, 11 unallocated.</summary>
    private static void Pair<E, V>(ref E e, in Fields f, AddrMode mode, bool nonTemporal) where E : struct, IA64Emitter<V>
    {
        if (f.opc == 0b11) { e.Undefined(); return; }
        CheckFp<E, V>(ref e);
        int scale = 2 + (int)f.opc;
        int bytes = 1 << scale;
        ulong offset = (ulong)(Bits.SignExtend(f.imm7, 7) << scale);
        MemOp op = nonTemporal ? MemOp.NonTemporal : MemOp.None;
        uint t = f.Rt, t2 = f.Rt2, n = f.Rn;

        V b = LoadStore.Base<E, V>(ref e, n);
        V address = mode == AddrMode.PostIndex ? b : e.Add(b, e.Const(offset));
        V address2 = e.Add(address, e.Const((ulong)bytes));
        if (f.L == 1)
        {
            // Both loads before either register is written, so that a fault leaves both as they were.
            V lo1, hi1, lo2, hi2;
            if (scale == 4)
            {
                e.Load128(address, out lo1, out hi1, op);
                e.Load128(address2, out lo2, out hi2, op);
            }
            else
            {
                lo1 = e.Load(address, bytes, op);
                lo2 = e.Load(address2, bytes, op);
                hi1 = hi2 = e.Const(0);
            }
            // Rt == Rt2 is CONSTRAINED UNPREDICTABLE; QEMU writes Vt then Vt2, so Vt2's data wins.
            e.SetVReg((int)t, lo1, hi1);
            e.SetVReg((int)t2, lo2, hi2);
        }
        else
        {
            V lo1 = e.VReg((int)t, 0), hi1 = e.VReg((int)t, 1), lo2 = e.VReg((int)t2, 0), hi2 = e.VReg((int)t2, 1);
            // Probe both locations first: a fault on the second must not leave the first written.
            for (int pass = 0; pass < 2; pass++)
            {
                MemOp o = pass == 0 ? op | MemOp.Probe : op;
                if (scale == 4)
                {
                    e.Store128(address, lo1, hi1, o);
                    e.Store128(address2, lo2, hi2, o);
                }
                else
                {
                    e.Store(address, lo1, bytes, o);
                    e.Store(address2, lo2, bytes, o);
                }
            }
        }
        if (mode != AddrMode.Offset)
            LoadStore.WriteBase(ref e, n, mode == AddrMode.PostIndex ? e.Add(b, e.Const(offset)) : address);
    }

    public static void LdStFpPairNonTemporal<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.Offset, true);
    public static void LdStFpPairOffset<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.Offset, false);
    public static void LdStFpPairPost<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.PostIndex, false);
    public static void LdStFpPairPre<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => Pair<E, V>(ref e, f, AddrMode.PreIndex, false);
}
