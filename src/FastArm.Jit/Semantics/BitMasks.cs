using System.Numerics;

namespace FastArm.Jit.Semantics;

/// <summary>
/// The Arm ARM's DecodeBitMasks() (shared pseudocode, aarch64/instrs/integer/bitmasks): the immediate of the
/// logical (immediate) instructions and the masks of the bitfield moves. Decode-time only: every input is a field.
/// </summary>
internal static class BitMasks
{
    /// <summary>
    /// Returns false where the pseudocode says UNDEFINED: len &lt; 1 (no element size), or, for a logical
    /// immediate, an element of all ones (S = esize - 1), which no logical immediate may encode.
    /// <paramref name="wmask"/> and <paramref name="tmask"/> are given for a <paramref name="datasize"/>-bit register
    /// (bits above it are zero).
    /// </summary>
    public static bool TryDecode(uint immN, uint imms, uint immr, bool immediate, int datasize, out ulong wmask, out ulong tmask)
    {
        wmask = tmask = 0;
        // len = HighestSetBit(immN:NOT(imms)), a 7-bit value.
        uint combined = (immN << 6) | (~imms & 0x3F);
        if (combined == 0) return false;
        int len = 31 - BitOperations.LeadingZeroCount(combined);
        if (len < 1) return false;
        // assert M >= (1 << len): callers reject N = 1 with a 32-bit datasize first, so len <= 5 there.
        if ((1 << len) > datasize) return false;
        uint levels = (uint)Bits.Ones(len);
        if (immediate && (imms & levels) == levels) return false;
        int s = (int)(imms & levels);
        int r = (int)(immr & levels);
        int diff = (s - r) & 0x3F;   // 6-bit subtraction
        int esize = 1 << len;
        int d = diff & (int)levels;
        ulong welem = Bits.Ones(s + 1);   // ZeroExtend(Ones(S + 1), esize): s + 1 <= esize
        ulong telem = Bits.Ones(d + 1);
        wmask = Replicate(RotateRight(welem, r, esize), esize, datasize);
        tmask = Replicate(telem, esize, datasize);
        return true;
    }

    /// <summary>ROR() on an <paramref name="esize"/>-bit element.</summary>
    private static ulong RotateRight(ulong x, int r, int esize)
    {
        if (r == 0) return x;
        ulong mask = Bits.Ones(esize);
        return ((x >> r) | (x << (esize - r))) & mask;
    }

    /// <summary>Replicate() of an <paramref name="esize"/>-bit element to <paramref name="datasize"/> bits.</summary>
    private static ulong Replicate(ulong elem, int esize, int datasize)
    {
        ulong result = 0;
        for (int i = 0; i < datasize; i += esize) result |= elem << i;
        return result;
    }
}
