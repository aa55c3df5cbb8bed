using System.Buffers.Binary;
using System.Numerics;

namespace FastArm.Jit.Semantics;

/// <summary>
/// Pure integer operations of data-processing (1 source), called through <see cref="IA64Emitter{V}.Call(Func{ulong, ulong}, V)"/>
/// so that the interpreter and the translator run the same code. 32-bit variants look only at the low 32 bits of
/// their input and return their result zero-extended.
/// </summary>
public static class IntegerOps
{
    /// <summary>RBIT (64-bit): bit i of the result is bit 63 - i of the operand.</summary>
    public static ulong Rbit64(ulong x)
    {
        // Swap ever larger groups: bits, pairs, nibbles, then the byte order.
        x = ((x >> 1) & 0x5555_5555_5555_5555UL) | ((x & 0x5555_5555_5555_5555UL) << 1);
        x = ((x >> 2) & 0x3333_3333_3333_3333UL) | ((x & 0x3333_3333_3333_3333UL) << 2);
        x = ((x >> 4) & 0x0F0F_0F0F_0F0F_0F0FUL) | ((x & 0x0F0F_0F0F_0F0F_0F0FUL) << 4);
        return BinaryPrimitives.ReverseEndianness(x);
    }

    /// <summary>RBIT (32-bit).</summary>
    public static ulong Rbit32(ulong x) => Rbit64(x) >> 32;

    /// <summary>REV16: the bytes of each 16-bit halfword swapped (the 32-bit form sees only the low word).</summary>
    public static ulong Rev16_64(ulong x) => ((x & 0x00FF_00FF_00FF_00FFUL) << 8) | ((x >> 8) & 0x00FF_00FF_00FF_00FFUL);

    public static ulong Rev16_32(ulong x) => Rev16_64(x) & 0xFFFF_FFFFUL;

    /// <summary>REV32 (64-bit only): the bytes of each 32-bit word reversed.</summary>
    public static ulong Rev32_64(ulong x)
    {
        ulong lo = BinaryPrimitives.ReverseEndianness((uint)x);
        ulong hi = BinaryPrimitives.ReverseEndianness((uint)(x >> 32));
        return (hi << 32) | lo;
    }

    /// <summary>REV (32-bit): the four bytes of the word reversed.</summary>
    public static ulong Rev_32(ulong x) => BinaryPrimitives.ReverseEndianness((uint)x);

    /// <summary>REV (64-bit): the eight bytes reversed.</summary>
    public static ulong Rev_64(ulong x) => BinaryPrimitives.ReverseEndianness(x);

    /// <summary>CLZ: CountLeadingZeroBits(); 64 for zero.</summary>
    public static ulong Clz64(ulong x) => (ulong)BitOperations.LeadingZeroCount(x);

    public static ulong Clz32(ulong x) => (ulong)BitOperations.LeadingZeroCount((uint)x);

    /// <summary>
    /// CLS: CountLeadingSignBits(x) = CountLeadingZeroBits(x&lt;N-1:1&gt; EOR x&lt;N-2:0&gt;), the number of bits
    /// below the top one that equal it. x EOR (x ASR 1) holds those N-1 differences in its low bits with a
    /// zero on top, so its leading zero count is one more than the answer.
    /// </summary>
    public static ulong Cls64(ulong x) => (ulong)(BitOperations.LeadingZeroCount(x ^ (ulong)((long)x >> 1)) - 1);

    public static ulong Cls32(ulong x)
    {
        int w = (int)(uint)x;
        return (ulong)(BitOperations.LeadingZeroCount((uint)(w ^ (w >> 1))) - 1);
    }
}
