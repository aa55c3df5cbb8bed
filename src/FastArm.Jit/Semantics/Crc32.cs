namespace FastArm.Jit.Semantics;

/// <summary>
/// CRC32B/H/W/X and CRC32CB/H/W/X (FEAT_CRC32). The Arm ARM defines
/// <c>X[d] = BitReverse(Poly32Mod2(BitReverse(acc):Zeros(size) EOR BitReverse(val):Zeros(32), poly))</c>.
/// Working on bit-reversed values turns that into the usual reflected CRC update, least significant bit first,
/// with the reversed polynomial and without any initial or final inversion (software adds those itself).
/// Each helper takes the accumulator (low 32 bits of Rn) and the value (low size bits of Rm) and returns the
/// 32-bit result zero-extended.
/// </summary>
public static class Crc32
{
    /// <summary>BitReverse(0x04C11DB7), the CRC-32 (ISO-HDLC) polynomial.</summary>
    private const uint ReversedPoly = 0xEDB8_8320u;
    /// <summary>BitReverse(0x1EDC6F41), the CRC-32C (Castagnoli) polynomial.</summary>
    private const uint ReversedPolyC = 0x82F6_3B78u;

    private static readonly uint[] s_table = MakeTable(ReversedPoly);
    private static readonly uint[] s_tableC = MakeTable(ReversedPolyC);

    /// <summary>Per-byte table: the remainder of one byte shifted through eight steps.</summary>
    private static uint[] MakeTable(uint poly)
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1;
            t[i] = c;
        }
        return t;
    }

    private static ulong Update(uint[] table, ulong acc, ulong val, int bytes)
    {
        uint crc = (uint)acc;
        for (int i = 0; i < bytes; i++)
        {
            crc = (crc >> 8) ^ table[(crc ^ (uint)val) & 0xFF];
            val >>= 8;
        }
        return crc;
    }

    public static ulong Crc32B(ulong acc, ulong val) => Update(s_table, acc, val, 1);
    public static ulong Crc32H(ulong acc, ulong val) => Update(s_table, acc, val, 2);
    public static ulong Crc32W(ulong acc, ulong val) => Update(s_table, acc, val, 4);
    public static ulong Crc32X(ulong acc, ulong val) => Update(s_table, acc, val, 8);
    public static ulong Crc32CB(ulong acc, ulong val) => Update(s_tableC, acc, val, 1);
    public static ulong Crc32CH(ulong acc, ulong val) => Update(s_tableC, acc, val, 2);
    public static ulong Crc32CW(ulong acc, ulong val) => Update(s_tableC, acc, val, 4);
    public static ulong Crc32CX(ulong acc, ulong val) => Update(s_tableC, acc, val, 8);
}
