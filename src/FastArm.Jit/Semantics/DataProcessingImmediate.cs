using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>Data processing (immediate), Arm ARM C4.1.86.</summary>
public static class DataProcessingImmediate
{
    /// <summary>ADD, ADDS, SUB, SUBS (immediate); Rn and Rd 31 mean SP except for the flag-setting Rd.</summary>
    public static void AddSubImm<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V>
    {
        int bits = f.sf == 1 ? 64 : 32;
        ulong imm = f.sh == 1 ? (ulong)f.imm12 << 12 : f.imm12;
        V n = f.Rn == 31 ? e.Sp() : e.X((int)f.Rn);
        bool sub = f.op == 1;
        bool setFlags = f.S == 1;
        V result = sub
            ? e.AddWithCarry(n, e.Const(~imm), e.Const(1), bits, setFlags)
            : e.AddWithCarry(n, e.Const(imm), e.Const(0), bits, setFlags);
        if (f.Rd == 31 && !setFlags) e.SetSp(result);
        else e.SetX((int)f.Rd, result);
    }
}
