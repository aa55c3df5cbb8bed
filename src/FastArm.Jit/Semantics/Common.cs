using System.Runtime.CompilerServices;

namespace FastArm.Jit.Semantics;

/// <summary>Decode-time helpers shared by the semantics groups (plain C# on field values).</summary>
internal static class Bits
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SignExtend(ulong value, int bits) => (long)(value << (64 - bits)) >> (64 - bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ones(int n) => n >= 64 ? ulong.MaxValue : (1UL << n) - 1;
}
