using FastArm.Jit;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.GuestMmu;

namespace FastArm.Tests.SoftMmu;

/// <summary>
/// Translation through the CPU: the guest programs MAIR/TCR/TTBRn/SCTLR, turns the MMU on and reaches memory
/// through pages and blocks of every granule (4K, 16K, 64K), several TTBR0 VA sizes, the TTBR1 upper half,
/// contiguous ranges, and 52-bit VAs/PAs (FEAT_LPA2 with DS = 1; FEAT_LVA/FEAT_LPA with 64K). Each doubleword
/// of the data area holds its own PA, so a load returns the PA the translation reached (Arm ARM D8.1-D8.3).
/// </summary>
[TestFixture(ExecutionEngine.Interpreter)]
[TestFixture(ExecutionEngine.Jit)]
public class GuestMmuTranslationTests(ExecutionEngine engine)
{
    /// <summary>A VA in the TTBR0 range of <paramref name="vaBits"/> bits, aligned to 2^<paramref name="shift"/>, away from the identity map.</summary>
    internal static ulong TestVa(int vaBits, int shift) =>
        0x000E_7654_3210_0000UL & ((1UL << vaBits) - 1) & ~((1UL << shift) - 1);

    private static int LeafShift(int grainShift, int level) => grainShift + (3 - level) * (grainShift - 3);

    /// <summary>
    /// Maps a leaf at <paramref name="level"/> and has the guest load two doublewords through it (near its start and
    /// its end, inside the data area) and store one; checks the PAs the loads reached and where the store landed.
    /// </summary>
    private static void CheckLeaf(GuestMmu m, PageTableBuilder tables, ulong va, int level, ulong dataPa = DataPa + 0x4_0000)
    {
        int shift = LeafShift(m.GrainShift, level);
        ulong size = 1UL << shift;
        ulong pa = dataPa & ~(size - 1);
        tables.Map(va, pa, level, m.Attrs(AF | AttrNormal));
        // Two offsets inside the data area: just past dataPa, and the last doubleword of the leaf (or of the data area).
        ulong off1 = dataPa - pa + 0x238;
        ulong off2 = Math.Min(size, (m.Cpu.Config.PABits > 48 && pa >= HighPa ? HighPa + HighSize : DataEnd) - pa) - 8;
        m.Run($"""
                movq x1, {Hex(va + off1)}
                ldr x2, [x1]
                movq x3, {Hex(va + off2)}
                ldr x4, [x3]
                movq x5, 0x5A5A
                str x5, [x1, #8]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(pa + off1), "first load");
        Assert.That(m.X(4), Is.EqualTo(pa + off2), "second load");
        Assert.That(m.Read(pa + off1 + 8), Is.EqualTo(0x5A5AUL), "store");
    }

    [TestCase(12, 48, 3)]
    [TestCase(12, 48, 2)]
    [TestCase(12, 48, 1)]
    [TestCase(12, 42, 3)]
    [TestCase(12, 39, 3)]
    [TestCase(12, 39, 1)]
    [TestCase(14, 48, 3)]
    [TestCase(14, 47, 3)]
    [TestCase(14, 47, 2)]
    [TestCase(14, 42, 3)]
    [TestCase(16, 48, 3)]
    [TestCase(16, 42, 3)]
    [TestCase(16, 42, 2)]
    [TestCase(16, 39, 3)]
    public void LowerHalfLeavesTranslateForEveryGranuleAndVaSize(int grainShift, int vaBits, int level)
    {
        using var m = new GuestMmu(engine, grainShift, vaBits);
        CheckLeaf(m, m.Lower, TestVa(vaBits, LeafShift(grainShift, level)), level);
    }

    [TestCase(12, 48, 3)]
    [TestCase(12, 48, 2)]
    [TestCase(12, 39, 3)]
    [TestCase(14, 47, 3)]
    [TestCase(16, 42, 3)]
    [TestCase(16, 42, 2)]
    public void UpperHalfLeavesTranslateThroughTtbr1(int grainShift, int vaBits, int level)
    {
        using var m = new GuestMmu(engine, grainShift, 48, upperVaBits: vaBits);
        ulong va = (ulong.MaxValue << vaBits) | TestVa(vaBits, LeafShift(grainShift, level));
        CheckLeaf(m, m.Upper!, va, level);
    }

    [Test]
    public void TheTwoHalvesUseTheirOwnTablesForTheSameLowBits()
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: 48);
        ulong low = TestVa(48, 12), high = 0xFFFF_0000_0000_0000UL | low;
        m.Lower.Map(low, DataPa + 0x1000, 3, m.Attrs(AF | AttrNormal));
        m.Upper!.Map(high, DataPa + 0x2000, 3, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(low + 0x10)}
                ldr x2, [x1]
                movq x1, {Hex(high + 0x10)}
                ldr x3, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(DataPa + 0x1010));
        Assert.That(m.X(3), Is.EqualTo(DataPa + 0x2010));
    }

    /// <summary>Contiguous hint (Arm ARM D8.6.1): 16 (4K), 128 (16K) or 32 (64K) adjacent pages with the bit set translate
    /// each to its own page.</summary>
    [TestCase(12, 16)]
    [TestCase(14, 128)]
    [TestCase(16, 32)]
    public void ContiguousRangesOfPagesTranslateEachPage(int grainShift, int count)
    {
        using var m = new GuestMmu(engine, grainShift, 48);
        ulong granule = 1UL << grainShift;
        ulong span = granule * (ulong)count;
        ulong va = TestVa(48, 25);
        ulong pa = (DataPa + span - 1) & ~(span - 1);
        for (int i = 0; i < count; i++)
            m.Lower.Map(va + (ulong)i * granule, pa + (ulong)i * granule, 3, m.Attrs(AF | AttrNormal | Contiguous));
        // The guest sums the loads of one doubleword in each page; the host knows what the sum must be.
        m.Run($"""
                movq x1, {Hex(va + 0x18)}
                mov x2, #0
                mov x3, #{count}
            1:  ldr x4, [x1]
                add x2, x2, x4
                add x1, x1, #{granule >> 12}, lsl #12
                subs x3, x3, #1
                b.ne 1b
            """, maxInstructions: 1_000_000);
        m.AssertNoFaults();
        ulong expected = 0;
        for (int i = 0; i < count; i++) expected += pa + (ulong)i * granule + 0x18;
        Assert.That(m.X(2), Is.EqualTo(expected));
    }

    // ---- 52-bit VAs and PAs ----

    /// <summary>ID_AA64MMFR0_EL1.{PARange, TGran4, TGran16} and ID_AA64MMFR2_EL1.VARange, read by the guest.</summary>
    private static void AssertAdvertises52Bits(GuestMmu m, bool lpa2, bool lva)
    {
        ulong mmfr0 = m.X(20), mmfr2 = m.X(21);
        Assert.That(mmfr0 & 0xF, Is.EqualTo(6UL), "PARange = 52 bits");
        if (lpa2)
        {
            Assert.That((mmfr0 >> 28) & 0xF, Is.EqualTo(1UL), "TGran4 = 52-bit with 4K");
            Assert.That((mmfr0 >> 20) & 0xF, Is.EqualTo(2UL), "TGran16 = 52-bit with 16K");
        }
        if (lva) Assert.That((mmfr2 >> 16) & 0xF, Is.EqualTo(1UL), "VARange = 52 bits");
    }

    private const string ReadIdRegisters = """
            mrs x20, id_aa64mmfr0_el1
            mrs x21, id_aa64mmfr2_el1
        """;

    [TestCase(12, 3)]
    [TestCase(12, 2)]
    [TestCase(14, 3)]
    [TestCase(14, 2)]
    public void Lpa2With52BitVaAndPaTranslatesThroughLevelMinus1(int grainShift, int level)
    {
        using var m = new GuestMmu(engine, grainShift, 52, ds: true, ips: 6, paBits: 52);
        Assert.That(m.Lower.StartLevel, Is.EqualTo(grainShift == 12 ? -1 : 0));
        int shift = LeafShift(grainShift, level);
        ulong va = TestVa(52, shift);
        Assert.That(va >> 48, Is.Not.Zero, "the VA uses bits above 48");
        // A leaf above 2^48 when it fits in the high RAM, else a block in the low RAM.
        ulong pa = (1UL << shift) <= HighSize ? HighPa : DataPa & ~((1UL << shift) - 1);
        m.Lower.Map(va, pa, level, m.Attrs(AF | AttrNormal));
        ulong off = pa == HighPa ? 0x238 : DataPa - pa + 0x1238;
        m.Run($"""
                {ReadIdRegisters}
                movq x1, {Hex(va + off)}
                ldr x2, [x1]
                movq x3, 0xABCD
                str x3, [x1, #8]
            """);
        AssertAdvertises52Bits(m, lpa2: true, lva: true);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(pa + off));
        Assert.That(m.Read(pa + off + 8), Is.EqualTo(0xABCDUL));
    }

    /// <summary>With DS = 1 a 4K level 0 descriptor (512 GiB) and a 16K level 1 descriptor (64 GiB) may be blocks
    /// (AArch64.BlockDescSupported).</summary>
    [TestCase(12, 0)]
    [TestCase(14, 1)]
    public void Lpa2AllowsTheLargerBlocks(int grainShift, int level)
    {
        using var m = new GuestMmu(engine, grainShift, 52, ds: true, ips: 6, paBits: 52);
        ulong va = 0x000C_0000_0000_0000UL;
        m.Lower.Map(va, 0, level, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va + DataPa + 0x40)}
                ldr x2, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(DataPa + 0x40));
    }

    [Test]
    public void Lpa2UpperHalfWith52BitVa()
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: 52, ds: true, ips: 6, paBits: 52);
        ulong va = 0xFFF1_2345_6789_A000UL;
        m.Upper!.Map(va, HighPa + 0x3000, 3, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va + 0x18)}
                ldr x2, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(HighPa + 0x3018));
    }

    [TestCase(3)]
    [TestCase(2)]
    public void LvaAndLpaWith64KTranslate52BitVasTo52BitPas(int level)
    {
        using var m = new GuestMmu(engine, 16, 52, ips: 6, paBits: 52);
        int shift = LeafShift(16, level);
        ulong va = TestVa(52, shift);
        Assert.That(va >> 48, Is.Not.Zero);
        ulong pa = level == 3 ? HighPa + 0x1_0000 : DataPa & ~((1UL << shift) - 1);
        m.Lower.Map(va, pa, level, m.Attrs(AF | AttrNormal));
        ulong off = level == 3 ? 0x2238 : DataPa - pa + 0x2238;
        m.Run($"""
                {ReadIdRegisters}
                movq x1, {Hex(va + off)}
                ldr x2, [x1]
            """);
        AssertAdvertises52Bits(m, lpa2: false, lva: true);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(pa + off));
    }

    /// <summary>A 64K level 1 block (4 TiB) is allowed when the PE supports 52-bit PAs (AArch64.BlockDescSupported: PAMax() == 52),
    /// whatever TCR_EL1.IPS says.</summary>
    [TestCase(6)]
    [TestCase(5)]
    public void SixtyFourKLevel1BlocksNeedA52BitPeNotA52BitIps(int ips)
    {
        using var m = new GuestMmu(engine, 16, 48, ips: ips, paBits: 52);
        ulong va = 0x0000_4000_0000_0000UL;
        m.Lower.Map(va, 0, 1, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va + DataPa + 0x80)}
                ldr x2, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(DataPa + 0x80));
    }

    /// <summary>TCR_EL1.DS is RES0 with the 64K granule: descriptors keep the 64K/FEAT_LPA OA layout (OA[51:48] in bits[15:12]).</summary>
    [Test]
    public void DsIsIgnoredWithThe64KGranule()
    {
        using var m = new GuestMmu(engine, 16, 48, ips: 6, paBits: 52);
        m.Tcr |= 1UL << 59;
        ulong va = TestVa(48, 16);
        m.Lower.Map(va, HighPa + 0x2_0000, 3, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va + 0x48)}
                ldr x2, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(HighPa + 0x2_0048));
    }

    [Test]
    public void MmuOffAccessesAreFlatAndTurningItOnSwitchesToTheTables()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong va = DataPa + 0x5000;   // identity-mapped in a block; remap its page elsewhere
        m.Lower.Map(0x0000_0010_0000_0000UL, DataPa + 0x9000, 3, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va)}
                ldr x2, [x1]
                movq x1, 0x0000001000000010
                mrs x0, sctlr_el1
                orr x0, x0, #1
                msr sctlr_el1, x0
                isb
                ldr x3, [x1]
                bic x0, x0, #1
                msr sctlr_el1, x0
                isb
                movq x1, {Hex(DataPa + 0x7000)}
                ldr x4, [x1]
            """, mmuOn: false);
        m.AssertNoFaults();
        Assert.That(m.X(2), Is.EqualTo(va));
        Assert.That(m.X(3), Is.EqualTo(DataPa + 0x9010));
        Assert.That(m.X(4), Is.EqualTo(DataPa + 0x7000));
    }

    /// <summary>
    /// The guest remaps the VA it executes a routine from to another routine, invalidates the TLB entry, and the next
    /// call runs the new code: instruction fetch goes through the TLB like data, and translated code is found by
    /// translation, not by the old VA-to-PA binding.
    /// </summary>
    [Test]
    public void RemappingTheVaOfCodeRunsTheNewCodeAfterTlbi()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong va = TestVa(48, 12);
        ulong desc = m.Lower.Map(va, DataPa, 3, 0);   // the guest writes the real descriptors
        m.Run($"""
                adr x1, routine_one
                movq x2, {Hex(m.Attrs(AF | AttrNormal | ApRo | UXN) | 3)}
                orr x1, x1, x2
                movq x3, {Hex(desc)}
                str x1, [x3]
                dsb ishst
                movq x4, {Hex(va)}
                mov x5, #0
            1:  blr x4
                add x5, x5, x0
                cmp x5, #30
                b.lo 1b
                adr x1, routine_two
                orr x1, x1, x2
                str x1, [x3]
                dsb ishst
                lsr x6, x4, #12
                tlbi vae1, x6
                dsb ish
                isb
                blr x4
                mov x7, x0
            """, extra: """
                .balign 4096
            routine_one:
                mov x0, #1
                ret
                .balign 4096
            routine_two:
                mov x0, #2
                ret
                .balign 4096
            """);
        m.AssertNoFaults();
        Assert.That(m.X(5), Is.EqualTo(30UL));
        Assert.That(m.X(7), Is.EqualTo(2UL));
    }
}
