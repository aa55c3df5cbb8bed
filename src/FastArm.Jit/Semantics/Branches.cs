using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>Branches, exception generation and system instructions (Arm ARM C4.1.65: "Branches, Exception
/// Generating and System instructions"): the branch part.</summary>
public static class Branches
{
    public static void B<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        ulong target = e.Pc + (ulong)(Bits.SignExtend(f.imm26, 26) << 2);
        if (f.op == 1) e.SetX(30, e.Const(e.Pc + 4));
        e.Branch(target, f.op == 1 ? BranchKind.Call : BranchKind.Jump);
    }
}
