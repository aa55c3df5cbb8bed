using System.Runtime.CompilerServices;

namespace FastArm.Jit.Semantics;

/// <summary>
/// NZCV and the integer operations with Arm-specific edge cases, shared by both engines (the interpreter calls them on
/// values, generated code calls them as methods that RyuJIT inlines), so the two cannot disagree.
/// </summary>
public static class Flags
{
    /// <summary>NZCV (bits 31..28) of AddWithCarry on 64 bits, given the operands and the sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add64(ulong a, ulong b, ulong carryIn, ulong result)
    {
        bool c = result < a || (carryIn != 0 && result == a);
        bool v = ((~(a ^ b) & (a ^ result)) >> 63) != 0;
        return (uint)((result >> 63) << 31) | (result == 0 ? 1u << 30 : 0) | (c ? 1u << 29 : 0) | (v ? 1u << 28 : 0);
    }

    /// <summary>NZCV of AddWithCarry on the low 32 bits of the operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add32(ulong a, ulong b, ulong carryIn)
    {
        uint a32 = (uint)a, b32 = (uint)b;
        ulong wide = (ulong)a32 + b32 + carryIn;
        uint r32 = (uint)wide;
        bool v = ((~(a32 ^ b32) & (a32 ^ r32)) >> 31) != 0;
        return (r32 & 0x8000_0000u) | (r32 == 0 ? 1u << 30 : 0) | ((wide >> 32) != 0 ? 1u << 29 : 0) | (v ? 1u << 28 : 0);
    }

    /// <summary>N and Z of a 64-bit result, C = V = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Logical64(ulong result) => (uint)((result >> 63) << 31) | (result == 0 ? 1u << 30 : 0);

    /// <summary>N and Z of the low 32 bits, C = V = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Logical32(ulong result) => ((uint)result & 0x8000_0000u) | ((uint)result == 0 ? 1u << 30 : 0);

    public static ulong UMulHigh(ulong a, ulong b) => Math.BigMul(a, b, out _);
    public static ulong SMulHigh(ulong a, ulong b) => (ulong)Math.BigMul((long)a, (long)b, out _);

    /// <summary>Arm's unsigned division: x / 0 = 0.</summary>
    public static ulong UDiv(ulong a, ulong b) => b == 0 ? 0 : a / b;

    /// <summary>Arm's signed division: x / 0 = 0, INT64_MIN / -1 = INT64_MIN.</summary>
    public static ulong SDiv(ulong a, ulong b)
    {
        if (b == 0) return 0;
        if ((long)a == long.MinValue && (long)b == -1) return a;
        return (ulong)((long)a / (long)b);
    }

    public static ulong Ror64(ulong a, ulong amount) => ulong.RotateRight(a, (int)(amount & 63));
    public static ulong Ror32(ulong a, ulong amount) => uint.RotateRight((uint)a, (int)(amount & 31));
}
