using FastArm.Jit.Decode;

namespace FastArm.Tests.Unicorn;

/// <summary>
/// Random register state with the values that break emulators most often: 0, -1, the signed limits, small
/// numbers, 32-bit boundaries, addresses into the scratch buffer (so that loads and stores reach memory), and
/// for the vector registers the floating-point specials (zeros, infinities, quiet and signalling NaNs,
/// denormals, integer-conversion limits) in each element size.
/// </summary>
public static class StateGenerator
{
    private static readonly ulong[] IntEdges =
    [
        0, 1, 2, ulong.MaxValue, ulong.MaxValue - 1, 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000,
        0x7FFF_FFFF, 0xFFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF_8000_0000, 0xFFFF_FFFF_7FFF_FFFF, 0x8000, 0xFFFF, 0x7FFF,
        0xFF, 0x80, 0x7F, 63, 64, 31, 32, 0x0123_4567_89AB_CDEF, 0xAAAA_AAAA_AAAA_AAAA, 0x5555_5555_5555_5555,
    ];

    private static readonly ulong[] DoubleEdges =
    [
        0, 0x8000_0000_0000_0000, 0x3FF0_0000_0000_0000, 0xBFF0_0000_0000_0000, 0x7FF0_0000_0000_0000,
        0xFFF0_0000_0000_0000, 0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0001, 0x7FF0_0000_0000_0001, 0x7FF4_0000_0000_0000,
        1, 0x800F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000, 0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF,
        0x4330_0000_0000_0000, 0x43E0_0000_0000_0000, 0xC3E0_0000_0000_0000, 0x41DF_FFFF_FFC0_0000,
        0x41E0_0000_0000_0000, 0xC1E0_0000_0000_0000, 0x41F0_0000_0000_0000, 0x3FE0_0000_0000_0000,
        0x3FF8_0000_0000_0000, 0x4004_0000_0000_0000, 0xC004_0000_0000_0000, 0x3FEF_FFFF_FFFF_FFFF, 0x3810_0000_0000_0000,
        0x47EF_FFFF_E000_0000, 0x36A0_0000_0000_0000,
    ];

    private static readonly uint[] SingleEdges =
    [
        0, 0x8000_0000, 0x3F80_0000, 0xBF80_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0001, 0x7F80_0001,
        0x7FA0_0000, 1, 0x807F_FFFF, 0x0080_0000, 0x7F7F_FFFF, 0xFF7F_FFFF, 0x4F00_0000, 0xCF00_0000, 0x4F80_0000,
        0x5F00_0000, 0xDF00_0000, 0x3F00_0000, 0x3FC0_0000, 0x4020_0000, 0xC020_0000, 0x3F7F_FFFF, 0x4B00_0000,
        0x3880_0000, 0x477F_E000, 0x3380_0000,
    ];

    private static readonly ushort[] HalfEdges =
    [
        0, 0x8000, 0x3C00, 0xBC00, 0x7C00, 0xFC00, 0x7E00, 0xFE01, 0x7C01, 0x7D00, 1, 0x83FF, 0x0400, 0x7BFF, 0xFBFF,
        0x3800, 0x3E00, 0x4100, 0xC100, 0x3BFF, 0x6400, 0x7800,
    ];

    /// <summary>A value for a general-purpose register.</summary>
    public static ulong XValue(ref FuzzRandom r, ulong scratchBase, ulong scratchSize)
    {
        int k = r.Next(100);
        if (k < 35) return Pointer(ref r, scratchBase, scratchSize);
        if (k < 50) return (ulong)(long)r.Next(-16, 65);
        if (k < 68) return r.Pick(IntEdges);
        if (k < 82) return r.Next32();
        return r.Next64();
    }

    /// <summary>An address inside the scratch buffer, mostly naturally aligned, with room for positive offsets.</summary>
    public static ulong Pointer(ref FuzzRandom r, ulong scratchBase, ulong scratchSize)
    {
        // Most accesses use small or scaled offsets; keep the base in the first half so that base + imm12 * size
        // stays mapped for sizes up to 8, and leave 0x200 below for negative unscaled offsets.
        ulong off = 0x200 + (ulong)r.Next((int)(scratchSize / 2 - 0x200));
        int a = r.Next(100);
        ulong align = a < 60 ? 16UL : a < 75 ? 8UL : a < 85 ? 4UL : a < 92 ? 2UL : 1UL;
        return scratchBase + (off & ~(align - 1));
    }

    public static ulong SpValue(ref FuzzRandom r, ulong scratchBase, ulong scratchSize)
    {
        ulong p = Pointer(ref r, scratchBase, scratchSize);
        // SP-based accesses are normally 16-byte aligned; keep a few misaligned ones (SCTLR_EL1.SA is 0 in both).
        return r.Chance(90) ? p & ~15UL : p;
    }

    /// <summary>One 64-bit half of a vector register.</summary>
    public static ulong VHalf(ref FuzzRandom r)
    {
        int k = r.Next(100);
        if (k < 40) return r.Next64();
        if (k < 60) return r.Pick(DoubleEdges);
        if (k < 80) return r.Pick(SingleEdges) | (ulong)r.Pick(SingleEdges) << 32;
        if (k < 92)
            return r.Pick(HalfEdges) | (ulong)r.Pick(HalfEdges) << 16 | (ulong)r.Pick(HalfEdges) << 32 | (ulong)r.Pick(HalfEdges) << 48;
        return k < 96 ? 0 : (ulong)r.Next(0, 256) * 0x0101_0101_0101_0101UL;
    }

    /// <summary>
    /// Makes the state meaningful for one instruction: a memory access (a row with an Rt field and a base Rn) gets a
    /// scratch address in Xn most of the time and a small index in Xm, so that loads and stores reach memory
    /// instead of faulting. Applied to a block's words from last to first, so the first instruction's needs win.
    /// </summary>
    public static void FitToInstruction(ref FuzzRandom r, ArchState s, A64Row row, uint word, ulong scratchBase, ulong scratchSize)
    {
        bool hasRt = false, hasRn = false, hasRm = false;
        foreach (var f in row.Fields)
        {
            hasRt |= f.Id == FieldId.Rt;
            hasRn |= f.Id == FieldId.Rn;
            hasRm |= f.Id == FieldId.Rm;
        }
        if (!hasRt || !hasRn) return;
        uint rn = (word >> 5) & 31, rm = (word >> 16) & 31;
        if (rn != 31 && r.Chance(85)) s.X[rn] = Pointer(ref r, scratchBase, scratchSize);
        if (hasRm && rm != 31 && rm != rn && r.Chance(80)) s.X[rm] = (ulong)(long)r.Next(-8, 64);
    }

    public static ArchState Random(ref FuzzRandom r, ulong pc, ulong scratchBase, ulong scratchSize)
    {
        var s = new ArchState { Pc = pc };
        for (int i = 0; i < 31; i++) s.X[i] = XValue(ref r, scratchBase, scratchSize);
        s.Sp = SpValue(ref r, scratchBase, scratchSize);
        s.Nzcv = (uint)r.Next(16) << 28;
        for (int i = 0; i < 64; i++) s.V[i] = VHalf(ref r);
        // FPCR: mostly the default; else a rounding mode with FZ, DN, AHP, FZ16 at random. The trap enables stay 0:
        // QEMU implements no floating-point traps (they are RAZ/WI there, allowed by the Arm ARM).
        if (r.Chance(30))
        {
            const uint AHP = 1u << 26, DN = 1u << 25, FZ = 1u << 24, FZ16 = 1u << 19;
            s.Fpcr = ((uint)r.Next(4) << 22) | (r.Next32() & (AHP | DN | FZ | FZ16));
        }
        // FPSR: the cumulative flags are sticky; a random start checks that nothing clears them.
        if (r.Chance(20)) s.Fpsr = r.Next32() & 0x0800_009Fu;
        return s;
    }
}
