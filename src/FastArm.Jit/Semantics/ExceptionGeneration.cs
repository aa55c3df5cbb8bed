using FastArm.Jit.Decode;

namespace FastArm.Jit.Semantics;

/// <summary>SVC, HVC, SMC, BRK, HLT (Arm ARM C4.1.65, exception generation).</summary>
public static class ExceptionGeneration
{
    public static void Svc<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.ExceptionGenerating(ExceptionGen.Svc, f.imm16);
    public static void Hvc<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.ExceptionGenerating(ExceptionGen.Hvc, f.imm16);
    public static void Smc<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.ExceptionGenerating(ExceptionGen.Smc, f.imm16);
    public static void Brk<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.ExceptionGenerating(ExceptionGen.Brk, f.imm16);
    public static void Hlt<E, V>(ref E e, in Fields f) where E : struct, IA64Emitter<V> => e.ExceptionGenerating(ExceptionGen.Hlt, f.imm16);
}
