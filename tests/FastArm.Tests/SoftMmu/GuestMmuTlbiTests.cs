using FastArm.Jit;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.GuestMmu;
using static FastArm.Tests.SoftMmu.GuestMmuTranslationTests;

namespace FastArm.Tests.SoftMmu;

/// <summary>
/// TLB maintenance through guest code (Arm ARM D8.13, C5.5): the guest rewrites a live descriptor, and after the
/// TLBI that names the translation the new one must be used (VAE1, VALE1, VAAE1, VAALE1, ASIDE1, VMALLE1, their IS
/// and OS forms, the FEAT_TLBIRANGE forms with TG/SCALE/NUM/TTL, and the FEAT_LPA2 range encoding with DS = 1).
/// Translations a TLBI does not name must still translate correctly; ASIDs keep non-global entries of different
/// address spaces apart without any TLBI; TCR_EL1.A1 and TCR_EL1.AS choose the ASID. Where the architecture allows
/// either the old or the new translation (no TLBI yet), the tests only assert what FastArm's TLB does, and say so.
/// </summary>
[TestFixture(ExecutionEngine.Interpreter)]
[TestFixture(ExecutionEngine.Jit)]
public class GuestMmuTlbiTests(ExecutionEngine engine)
{
    private static readonly ulong A = TestVa(48, 21);      // test VAs: A, A + 4 KB, ...
    private static readonly ulong Old = DataPa + 0x1_0000, New = DataPa + 0x2_0000;

    /// <summary>
    /// Maps <paramref name="va"/> to <see cref="Old"/>, then in guest code: loads through it (x20), rewrites the
    /// descriptor to <see cref="New"/>, loads again without a TLBI (x21), runs <paramref name="tlbi"/> (the operand in
    /// x9), and loads a third time (x22).
    /// </summary>
    private GuestMmu RewriteAndInvalidate(ulong va, string tlbi, ulong operand, ulong attrs = 0, int grainShift = 12,
        int vaBits = 48, bool ds = false, ulong oldPa = 0, ulong newPa = 0)
    {
        var m = new GuestMmu(engine, grainShift, vaBits, ds: ds, ips: ds ? 6 : 5, paBits: ds ? 52 : 48);
        oldPa = oldPa == 0 ? Old : oldPa;
        newPa = newPa == 0 ? New : newPa;
        ulong a = m.Attrs(AF | AttrNormal | attrs);
        ulong desc = m.Lower.Map(va, oldPa, 3, a);
        m.Run($"""
                movq x1, {Hex(va + 0x40)}
                ldr x20, [x1]
                movq x2, {Hex(desc)}
                movq x3, {Hex(m.Leaf(newPa, 3, a))}
                str x3, [x2]
                dsb ishst
                ldr x21, [x1]
                movq x9, {Hex(operand)}
                {tlbi}
                dsb ish
                isb
                ldr x22, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(20), Is.EqualTo(oldPa + 0x40), "before the change");
        return m;
    }

    private static ulong VaOperand(ulong va, ushort asid = 0) => ((va >> 12) & 0xFFF_FFFF_FFFFUL) | ((ulong)asid << 48);

    [TestCase("tlbi vae1, x9")]
    [TestCase("tlbi vale1, x9")]
    [TestCase("tlbi vaae1, x9")]
    [TestCase("tlbi vaale1, x9")]
    [TestCase("tlbi vae1is, x9")]
    [TestCase("tlbi vale1is, x9")]
    [TestCase("tlbi vaae1is, x9")]
    [TestCase("tlbi vaale1is, x9")]
    [TestCase("sys #0, c8, c1, #1, x9")]   // TLBI VAE1OS
    [TestCase("sys #0, c8, c1, #7, x9")]   // TLBI VAALE1OS
    [TestCase("tlbi vmalle1")]
    [TestCase("tlbi vmalle1is")]
    [TestCase("sys #0, c8, c1, #0")]       // TLBI VMALLE1OS
    [TestCase("tlbi aside1, x9")]
    [TestCase("tlbi aside1is, x9")]
    public void TheTlbiThatNamesARewrittenDescriptorMakesTheNewOneVisible(string tlbi)
    {
        // Non-global, ASID 0 (TTBR0's ASID field is 0), so every form above names it.
        using var m = RewriteAndInvalidate(A, tlbi, VaOperand(A), attrs: NG);
        Assert.That(m.X(22), Is.EqualTo(New + 0x40));
    }

    [Test]
    public void WithoutATlbiTheCachedTranslationIsStillUsed()
    {
        // The Arm ARM allows either translation here (D8.13.1: a TLB may hold an entry until it is invalidated);
        // FastArm caches it, which this test pins down.
        using var m = RewriteAndInvalidate(A, "nop", 0);
        Assert.That(m.X(21), Is.EqualTo(Old + 0x40));
        Assert.That(m.X(22), Is.EqualTo(Old + 0x40));
    }

    [Test]
    public void ATlbiOfAnotherVaLeavesTheEntryAlone()
    {
        // Again FastArm-specific: invalidating A + 4 KB must not be needed for A, and FastArm does not over-invalidate.
        using var m = RewriteAndInvalidate(A, "tlbi vae1, x9", VaOperand(A + 0x1000));
        Assert.That(m.X(22), Is.EqualTo(Old + 0x40));
    }

    /// <summary>TLBI VAE1 with any ASID also removes a global entry for the VA (Arm ARM: global entries match every ASID).</summary>
    [Test]
    public void TlbiVae1WithAnyAsidRemovesAGlobalEntry()
    {
        using var m = RewriteAndInvalidate(A, "tlbi vae1, x9", VaOperand(A, asid: 0x55));
        Assert.That(m.X(22), Is.EqualTo(New + 0x40));
    }

    [Test]
    public void TlbiByVaInsideABlockRemovesTheWholeBlock()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong va = A + 0x40_0000;
        ulong a = m.Attrs(AF | AttrNormal);
        ulong desc = m.Lower.Map(va, DataPa, 2, a);
        m.Run($"""
                movq x1, {Hex(va + 0x1_0008)}
                ldr x20, [x1]
                movq x2, {Hex(desc)}
                movq x3, {Hex(m.Leaf(DataPa + 0x20_0000, 2, a))}
                str x3, [x2]
                dsb ishst
                movq x9, {Hex(VaOperand(va + 0x15_3000))}
                tlbi vale1, x9
                dsb ish
                isb
                ldr x22, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(20), Is.EqualTo(DataPa + 0x1_0008));
        Assert.That(m.X(22), Is.EqualTo(DataPa + 0x21_0008));
    }

    /// <summary>A 64K page is cached as several pieces; a TLBI by any VA inside it must drop all of them.</summary>
    [Test]
    public void TlbiByVaInsideA64KPageRemovesAllOfIt()
    {
        using var m = new GuestMmu(engine, 16, 48);
        ulong va = TestVa(48, 16);
        ulong a = m.Attrs(AF | AttrNormal);
        ulong desc = m.Lower.Map(va, DataPa, 3, a);
        m.Run($"""
                movq x1, {Hex(va)}
                ldr x20, [x1, #0x10]
                add x4, x1, #0x9000
                ldr x21, [x4]
                movq x2, {Hex(desc)}
                movq x3, {Hex(m.Leaf(DataPa + 0x1_0000, 3, a))}
                str x3, [x2]
                dsb ishst
                movq x9, {Hex(VaOperand(va + 0x3000))}
                tlbi vae1, x9
                dsb ish
                isb
                ldr x22, [x1, #0x10]
                ldr x23, [x4]
            """);
        m.AssertNoFaults();
        Assert.That((m.X(20), m.X(21)), Is.EqualTo((DataPa + 0x10, DataPa + 0x9000)));
        Assert.That((m.X(22), m.X(23)), Is.EqualTo((DataPa + 0x1_0010, DataPa + 0x1_9000)));
    }

    /// <summary>The operand holds VA[55:12]; for the TTBR1 half the VA is its sign extension from bit 55.</summary>
    [TestCase("tlbi vae1, x9")]
    [TestCase("tlbi vaale1is, x9")]
    public void TlbiByVaReachesUpperHalfEntries(string tlbi)
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: 48);
        ulong va = 0xFFFF_8765_4320_0000UL;
        ulong a = m.Attrs(AF | AttrNormal);
        ulong desc = m.Upper!.Map(va, Old, 3, a);
        m.Run($"""
                movq x1, {Hex(va + 0x18)}
                ldr x20, [x1]
                movq x2, {Hex(desc)}
                movq x3, {Hex(m.Leaf(New, 3, a))}
                str x3, [x2]
                dsb ishst
                movq x9, {Hex(VaOperand(va))}
                {tlbi}
                dsb ish
                isb
                ldr x22, [x1]
            """);
        m.AssertNoFaults();
        Assert.That((m.X(20), m.X(22)), Is.EqualTo((Old + 0x18, New + 0x18)));
    }

    /// <summary>
    /// With TCR_EL1.TBI0 the top byte is not part of the translated address (Arm ARM D8.8 "Address tagging"), so a TLBI
    /// by VA (which carries VA[55:12]) must also reach translations that were used through tagged pointers.
    /// </summary>
    [Test]
    public void TlbiByVaReachesTranslationsUsedThroughTaggedPointers()
    {
        using var m = new GuestMmu(engine, 12, 48);
        m.Tcr |= 1UL << 37;
        ulong a = m.Attrs(AF | AttrNormal);
        ulong desc = m.Lower.Map(A, Old, 3, a);
        ulong tagged = 0x5A00_0000_0000_0000UL | (A + 0x28);
        m.Run($"""
                movq x1, {Hex(tagged)}
                ldr x20, [x1]
                movq x2, {Hex(desc)}
                movq x3, {Hex(m.Leaf(New, 3, a))}
                str x3, [x2]
                dsb ishst
                movq x9, {Hex(VaOperand(A))}
                tlbi vae1, x9
                dsb ish
                isb
                ldr x22, [x1]
            """);
        m.AssertNoFaults();
        Assert.That((m.X(20), m.X(22)), Is.EqualTo((Old + 0x28, New + 0x28)));
    }

    // ---- range forms (FEAT_TLBIRANGE) ----

    /// <summary>The range operand (Arm ARM C5.5.x "TLB range operand"): ASID[63:48], TG[47:46], SCALE[45:44], NUM[43:39],
    /// TTL[38:37], BaseADDR[36:0] in granule units; covers (NUM + 1) * 2^(5 * SCALE + 1) granules.</summary>
    private static ulong RangeOperand(ulong baseVa, int grainShift, int scale, int num, int ttl = 0, ushort asid = 0, bool ds = false)
    {
        int tg = grainShift switch { 12 => 1, 14 => 2, _ => 3 };
        ulong baseAddr = ds ? (baseVa >> 16) & 0x1F_FFFF_FFFFUL : (baseVa >> grainShift) & 0x1F_FFFF_FFFFUL;
        return ((ulong)asid << 48) | ((ulong)tg << 46) | ((ulong)scale << 44) | ((ulong)num << 39) | ((ulong)ttl << 37) | baseAddr;
    }

    [TestCase("sys #0, c8, c6, #1, x9", 0, 1, 0)]    // TLBI RVAE1: 4 pages from 2 below
    [TestCase("sys #0, c8, c6, #5, x9", 0, 1, 3)]    // TLBI RVALE1, TTL = level 3
    [TestCase("sys #0, c8, c6, #3, x9", 1, 0, 0)]    // TLBI RVAAE1: 64 pages
    [TestCase("sys #0, c8, c6, #7, x9", 0, 7, 0)]    // TLBI RVAALE1: 16 pages
    [TestCase("sys #0, c8, c2, #1, x9", 2, 0, 0)]    // TLBI RVAE1IS: 2048 pages
    [TestCase("sys #0, c8, c5, #5, x9", 0, 1, 3)]    // TLBI RVALE1OS
    public void RangeTlbisCoveringTheVaMakeTheNewDescriptorVisible(string tlbi, int scale, int num, int ttl)
    {
        using var m = RewriteAndInvalidate(A + 0x2000, tlbi, RangeOperand(A, 12, scale, num, ttl), attrs: NG);
        Assert.That(m.X(22), Is.EqualTo(New + 0x40));
    }

    [TestCase(12)]
    [TestCase(14)]
    public void RangeTlbiWithTheLpa2EncodingCoversA52BitVa(int grainShift)
    {
        // With TCR_EL1.DS = 1, BaseADDR holds VA[52:16] whatever the granule.
        ulong va = TestVa(52, 16) + (3UL << grainShift);
        using var m = RewriteAndInvalidate(va, "sys #0, c8, c6, #1, x9", RangeOperand(va & ~0xFFFFUL, grainShift, 0, 7, ds: true),
            grainShift: grainShift, vaBits: 52, ds: true, oldPa: HighPa + 0x4000, newPa: HighPa + 0x8000);
        Assert.That(m.X(22), Is.EqualTo(HighPa + 0x8040));
    }

    [Test]
    public void TlbiVae1NamesA52BitVaWithLpa2()
    {
        ulong va = TestVa(52, 12);
        using var m = RewriteAndInvalidate(va, "tlbi vae1, x9", VaOperand(va), grainShift: 12, vaBits: 52, ds: true,
            oldPa: HighPa + 0x4000, newPa: HighPa + 0x8000);
        Assert.That(m.X(22), Is.EqualTo(HighPa + 0x8040));
    }

    // ---- ASIDs ----

    /// <summary>
    /// Two address spaces (two table sets, ASIDs 1 and 2) map the same VA non-global to different pages; switching TTBR0
    /// (base and ASID together, no TLBI) must show each its own page.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void AnAsidSwitchThroughTtbr0KeepsNonGlobalEntriesApart(bool asid16)
    {
        using var m = new GuestMmu(engine, 12, 48, asid16: asid16);
        ushort asid1 = asid16 ? (ushort)0x0101 : (ushort)1, asid2 = asid16 ? (ushort)0x0201 : (ushort)2;
        var second = m.NewTables(48);
        m.MapIdentity(second);
        m.Lower.Map(A, Old, 3, m.Attrs(AF | AttrNormal | NG));
        second.Map(A, New, 3, m.Attrs(AF | AttrNormal | NG));
        m.Ttbr0 = m.Lower.Ttbr(asid1);
        m.Run($"""
                movq x1, {Hex(A + 8)}
                movq x2, {Hex(m.Lower.Ttbr(asid1))}
                movq x3, {Hex(second.Ttbr(asid2))}
                ldr x20, [x1]
                msr ttbr0_el1, x3
                isb
                ldr x21, [x1]
                msr ttbr0_el1, x2
                isb
                ldr x22, [x1]
                msr ttbr0_el1, x3
                isb
                ldr x23, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(new[] { m.X(20), m.X(21), m.X(22), m.X(23) }, Is.EqualTo(new[] { Old + 8, New + 8, Old + 8, New + 8 }));
    }

    /// <summary>TCR_EL1.A1 = 1: the ASID comes from TTBR1_EL1, so changing it there (and not in TTBR0) switches address spaces.</summary>
    [Test]
    public void WithA1TheAsidComesFromTtbr1()
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: 48);
        var second = m.NewTables(48);
        m.MapIdentity(second);
        m.Lower.Map(A, Old, 3, m.Attrs(AF | AttrNormal | NG));
        second.Map(A, New, 3, m.Attrs(AF | AttrNormal | NG));
        m.Tcr |= 1UL << 22;
        m.Ttbr0 = m.Lower.Ttbr(7);         // ignored with A1 = 1
        m.Ttbr1 = m.Upper!.Ttbr(1);
        m.Run($"""
                movq x1, {Hex(A + 8)}
                ldr x20, [x1]
                movq x3, {Hex(second.Ttbr(7))}
                msr ttbr0_el1, x3
                movq x4, {Hex(m.Upper.Ttbr(2))}
                msr ttbr1_el1, x4
                isb
                ldr x21, [x1]
            """);
        m.AssertNoFaults();
        Assert.That((m.X(20), m.X(21)), Is.EqualTo((Old + 8, New + 8)));
    }

    /// <summary>
    /// ASID-tagged invalidation: rewriting the descriptors of a VA in both address spaces, TLBI VAE1 for ASID 1 must make
    /// ASID 1 see the change; TLBI ASIDE1 for ASID 2 makes ASID 2 see it; TLBI VAAE1 covers every ASID at once.
    /// With TCR_EL1.AS = 0 only ASID[7:0] count, so an operand of 0x301 names ASID 1.
    /// </summary>
    [TestCase("tlbi vae1, x5", "tlbi aside1, x6", 0x0301, 0x0002)]
    [TestCase("tlbi vaae1, x7", "nop", 0, 0)]
    [TestCase("tlbi vale1is, x5", "tlbi vae1is, x6", 0x0001, 0x0102)]
    public void AsidTaggedTlbisReachTheEntriesOfTheirAsid(string tlbi1, string tlbi2, int asidOp1, int asidOp2)
    {
        using var m = new GuestMmu(engine, 12, 48);
        var second = m.NewTables(48);
        m.MapIdentity(second);
        ulong a = m.Attrs(AF | AttrNormal | NG);
        ulong d1 = m.Lower.Map(A, Old, 3, a);
        ulong d2 = second.Map(A, Old + 0x1000, 3, a);
        m.Ttbr0 = m.Lower.Ttbr(1);
        m.Run($"""
                movq x1, {Hex(A + 8)}
                movq x2, {Hex(m.Lower.Ttbr(1))}
                movq x3, {Hex(second.Ttbr(2))}
                ldr x20, [x1]
                msr ttbr0_el1, x3
                isb
                ldr x21, [x1]
                movq x10, {Hex(m.Leaf(New, 3, a))}
                movq x11, {Hex(d1)}
                str x10, [x11]
                movq x10, {Hex(m.Leaf(New + 0x1000, 3, a))}
                movq x11, {Hex(d2)}
                str x10, [x11]
                dsb ishst
                movq x5, {Hex(VaOperand(A, (ushort)asidOp1))}
                movq x6, {Hex(VaOperand(A, (ushort)asidOp2))}
                movq x7, {Hex(VaOperand(A))}
                {tlbi1}
                {tlbi2}
                dsb ish
                isb
                ldr x23, [x1]
                msr ttbr0_el1, x2
                isb
                ldr x22, [x1]
            """);
        m.AssertNoFaults();
        Assert.That((m.X(20), m.X(21)), Is.EqualTo((Old + 8, Old + 0x1008)));
        Assert.That((m.X(22), m.X(23)), Is.EqualTo((New + 8, New + 0x1008)));
    }

    /// <summary>An entry of another ASID (not named by TLBI ASIDE1) still translates, to its own page.</summary>
    [Test]
    public void TlbiAside1LeavesOtherAsidsTranslating()
    {
        using var m = new GuestMmu(engine, 12, 48);
        var second = m.NewTables(48);
        m.MapIdentity(second);
        m.Lower.Map(A, Old, 3, m.Attrs(AF | AttrNormal | NG));
        m.Lower.Map(A + 0x1000, Old + 0x1000, 3, m.Attrs(AF | AttrNormal));     // global
        second.Map(A, New, 3, m.Attrs(AF | AttrNormal | NG));
        m.Ttbr0 = m.Lower.Ttbr(1);
        m.Run($"""
                movq x1, {Hex(A + 8)}
                add x4, x1, #0x1000
                movq x2, {Hex(m.Lower.Ttbr(1))}
                movq x3, {Hex(second.Ttbr(2))}
                ldr x20, [x1]
                ldr x21, [x4]
                movq x9, {Hex(2UL << 48)}
                tlbi aside1, x9
                dsb ish
                isb
                ldr x22, [x1]
                ldr x23, [x4]
                msr ttbr0_el1, x3
                isb
                ldr x24, [x1]
            """);
        m.AssertNoFaults();
        Assert.That(new[] { m.X(20), m.X(21), m.X(22), m.X(23), m.X(24) },
            Is.EqualTo(new[] { Old + 8, Old + 0x1008, Old + 8, Old + 0x1008, New + 8 }));
    }

    /// <summary>
    /// A global entry matches any ASID: after switching to an address space whose tables do not map the VA at all, the
    /// cached global translation may still be used (Arm ARM D8.13.2). FastArm keeps it, and this test pins that down;
    /// the TLBI VAAE1 that follows must remove it, so the access then takes the translation fault of the new tables.
    /// </summary>
    [Test]
    public void GlobalEntriesMatchEveryAsidUntilInvalidated()
    {
        using var m = new GuestMmu(engine, 12, 48);
        var second = m.NewTables(48);
        m.MapIdentity(second);
        m.Lower.Map(A, Old, 3, m.Attrs(AF | AttrNormal));
        m.Ttbr0 = m.Lower.Ttbr(1);
        m.Run($"""
                movq x1, {Hex(A + 8)}
                ldr x20, [x1]
                movq x3, {Hex(second.Ttbr(2))}
                msr ttbr0_el1, x3
                isb
                ldr x21, [x1]
                movq x9, {Hex(VaOperand(A))}
                tlbi vaae1, x9
                dsb ish
                isb
                mov x22, #0
                ldr x22, [x1]
            """);
        Assert.That((m.X(20), m.X(21), m.X(22)), Is.EqualTo((Old + 8, Old + 8, 0UL)));
        var f = m.Faults;
        // The second address space has no level 0 entry for A.
        Assert.That(f.Select(x => (x.Esr, x.Far)), Is.EqualTo(new[] { (DataAbort(0x04, false), A + 8) }));
    }
}
