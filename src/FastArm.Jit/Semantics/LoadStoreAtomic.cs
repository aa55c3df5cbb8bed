using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Atomic memory operations (Arm ARM C4.1.88, FEAT_LSE): LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX,
/// LDUMIN and SWP, each with the A (acquire), L (release) and AL orderings and B, H, W, X sizes. The ST*
/// forms (STADD, ...) are the aliases with Rt = 31: the same encodings, the old value goes to XZR.
/// Always naturally aligned (MemOp.AlignedOnly). Rt receives the old value, zero-extended from the size.
/// </summary>
public static class LoadStoreAtomic
{
    private static MemOp Ordering(in Fields f) =>
        MemOp.AlignedOnly | MemOp.Exclusive
        // The acquire half of LDADDA... is dropped when Rt is XZR (the pseudocode's "A == '1' && Rt != '11111'").
        | (f.A == 1 && f.Rt != 31 ? MemOp.Acquire : 0)
        | (f.R == 1 ? MemOp.Release : 0);

    /// <summary>LD&lt;op&gt;{A}{L}{B,H} with opc: 000 ADD, 001 CLR, 010 EOR, 011 SET, 100 SMAX, 101 SMIN, 110 UMAX, 111 UMIN.</summary>
    public static void AtomicMemOp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        var kind = (AtomicOp)f.opc;   // AtomicOp lists the operations in opc order
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        V old = e.AtomicRmw(kind, address, e.X((int)f.Rs), 1 << (int)f.size, Ordering(f));
        e.SetX((int)f.Rt, old);
    }

    /// <summary>SWP{A}{L}{B,H}: stores Rs, Rt receives the old value.</summary>
    public static void Swp<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        V address = LoadStore.Base<E, V>(ref e, f.Rn);
        V old = e.AtomicRmw(AtomicOp.Swp, address, e.X((int)f.Rs), 1 << (int)f.size, Ordering(f));
        e.SetX((int)f.Rt, old);
    }
}
