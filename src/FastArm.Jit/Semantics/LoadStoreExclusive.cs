using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Load/store exclusive, load-acquire/store-release and compare-and-swap (Arm ARM C4.1.88: "Load/store
/// exclusive register", "Load/store exclusive pair", "Load/store ordered", "Compare and swap",
/// "Compare and swap pair"): LDXR/LDAXR/STXR/STLXR, LDXP/LDAXP/STXP/STLXP, LDAR/STLR, LDLAR/STLLR
/// (FEAT_LOR), CAS/CASA/CASL/CASAL and CASP/CASPA/CASPL/CASPAL (FEAT_LSE).
///
/// All of them need natural alignment whatever SCTLR_ELx.A says (no FEAT_LSE2): MemOp.AlignedOnly, and for
/// pairs the alignment of the whole pair. Acquire/release ordering needs nothing more on one PE; the flags
/// are passed on for hooks and a parallel engine. The Rs and Rt2 fields these encodings do not use are
/// "should be one" (SBO) in the Arm ARM; like QEMU, any value decodes.
/// </summary>
public static class LoadStoreExclusive
{
    /// <summary>LDXR, LDAXR (o0 = acquire) of bytes, halfwords, words and doublewords.</summary>
    public static void Ldxr<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int bytes = 1 << (int)f.size;
        MemOp op = MemOp.AlignedOnly | MemOp.Exclusive | (f.o0 == 1 ? MemOp.Acquire : 0);
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        e.SetX((int)f.Rt, e.LoadExclusive(address, bytes, bytes, op));
    }

    /// <summary>
    /// STXR, STLXR (o0 = release): Ws = 0 when stored, 1 when the monitor did not allow it. Rs == Rt or
    /// Rs == Rn is CONSTRAINED UNPREDICTABLE; as in QEMU the old Rt is stored and Ws is written after.
    /// </summary>
    public static void Stxr<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int bytes = 1 << (int)f.size;
        MemOp op = MemOp.AlignedOnly | MemOp.Exclusive | (f.o0 == 1 ? MemOp.Release : 0);
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        V status = e.StoreExclusive(address, e.X((int)f.Rt), bytes, op);
        e.SetX((int)f.Rs, status);
    }

    /// <summary>
    /// LDXP, LDAXP of two words (sz = 0, one doubleword access) or two doublewords (sz = 1, one 16-byte
    /// single-copy-atomic access); the pair must be aligned to its total size. Rt == Rt2 is CONSTRAINED
    /// UNPREDICTABLE: QEMU writes Rt then Rt2, so Rt2's data wins.
    /// </summary>
    public static void Ldxp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        MemOp op = MemOp.AlignedOnly | MemOp.Exclusive | (f.o0 == 1 ? MemOp.Acquire : 0);
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        if (f.sz == 0)
        {
            V d = e.LoadExclusive(address, 8, 8, op);
            e.SetX((int)f.Rt, e.ZeroExtend(d, 32));
            e.SetX((int)f.Rt2, e.Lsr(d, e.Const(32)));
        }
        else
        {
            e.Load128(address, out V lo, out V hi, op);
            e.SetX((int)f.Rt, lo);
            e.SetX((int)f.Rt2, hi);
        }
    }

    /// <summary>STXP, STLXP: both registers or neither, Ws = status.</summary>
    public static void Stxp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        MemOp op = MemOp.AlignedOnly | MemOp.Exclusive | (f.o0 == 1 ? MemOp.Release : 0);
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        V status = e.StoreExclusivePair(address, e.X((int)f.Rt), e.X((int)f.Rt2), f.sz == 0 ? 4 : 8, op);
        e.SetX((int)f.Rs, status);
    }

    /// <summary>LDAR (o0 = 1) and LDLAR (o0 = 0, FEAT_LOR: LORegions are not implemented, so it acts as LDAR).</summary>
    public static void Ldar<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int bytes = 1 << (int)f.size;
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        e.SetX((int)f.Rt, e.Load(address, bytes, MemOp.AlignedOnly | MemOp.Acquire));
    }

    /// <summary>STLR (o0 = 1) and STLLR (o0 = 0, FEAT_LOR).</summary>
    public static void Stlr<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int bytes = 1 << (int)f.size;
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        e.Store(address, e.X((int)f.Rt), bytes, MemOp.AlignedOnly | MemOp.Release);
    }

    /// <summary>
    /// CAS, CASA (L), CASL (o0), CASAL of bytes, halfwords, words and doublewords: compares Rs with memory,
    /// stores Rt if equal; Rs receives the old value (zero-extended) in either case.
    /// </summary>
    public static void Cas<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int bytes = 1 << (int)f.size;
        MemOp op = MemOp.AlignedOnly | MemOp.Exclusive | (f.L == 1 ? MemOp.Acquire : 0) | (f.o0 == 1 ? MemOp.Release : 0);
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        V old = e.CompareAndSwap(address, e.X((int)f.Rs), e.X((int)f.Rt), bytes, op);
        e.SetX((int)f.Rs, old);
    }

    /// <summary>
    /// CASP, CASPA, CASPL, CASPAL of two words (sz = 0) or two doublewords (sz = 1): Rs:Rs+1 is compared
    /// with memory and receives the old values, Rt:Rt+1 is stored on a match; the first register of a pair
    /// goes to the lower address. Odd Rs or Rt is UNDEFINED.
    /// </summary>
    public static void Casp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        if ((f.Rs & 1) != 0 || (f.Rt & 1) != 0) { e.Undefined(); return; }
        int bytes = f.sz == 0 ? 4 : 8;
        MemOp op = MemOp.AlignedOnly | MemOp.Exclusive | (f.L == 1 ? MemOp.Acquire : 0) | (f.o0 == 1 ? MemOp.Release : 0);
        int s = (int)f.Rs, t = (int)f.Rt;
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        e.CompareAndSwapPair(address, e.X(s), e.X(s + 1), e.X(t), e.X(t + 1), bytes, op, out V old0, out V old1);
        e.SetX(s, old0);
        e.SetX(s + 1, old1);
    }
}
