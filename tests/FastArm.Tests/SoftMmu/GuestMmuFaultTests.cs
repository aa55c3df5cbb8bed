using FastArm.Jit;
using FastArm.Jit.Decode;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.GuestMmu;
using static FastArm.Tests.SoftMmu.GuestMmuTranslationTests;

namespace FastArm.Tests.SoftMmu;

/// <summary>
/// MMU faults taken by guest code and logged by its own vector handler: translation faults at each level (and
/// level -1 with FEAT_LPA2), out-of-range VAs, EPDn, TxSZ below the minimum, address size faults (TTBR, table and
/// leaf), access flag faults, with ESR_EL1 (EC, WnR, DFSC/IFSC) and FAR_EL1 (Arm ARM D8.4, D17.2.37;
/// pseudocode AArch64.S1Translate, AArch64.S1Walk).
/// </summary>
[TestFixture(ExecutionEngine.Interpreter)]
[TestFixture(ExecutionEngine.Jit)]
public class GuestMmuFaultTests(ExecutionEngine engine)
{
    private static void AssertFaults(GuestMmu m, params (ulong Esr, ulong Far)[] expected)
    {
        var got = m.Faults.Select(f => (f.Esr, f.Far)).ToArray();
        string Show((ulong Esr, ulong Far)[] l) => string.Join(", ", l.Select(x => $"(ESR 0x{x.Esr:X}, FAR 0x{x.Far:X})"));
        Assert.That(got, Is.EqualTo(expected), $"expected {Show(expected)}\n     got {Show(got)}");
    }

    /// <summary>Loads from each VA (and a store to the last one) in guest code; returns the body.</summary>
    private static string LoadEach(ulong[] vas, bool storeLast = true)
    {
        var sb = new System.Text.StringBuilder();
        foreach (ulong va in vas) sb.AppendLine($"    movq x1, {Hex(va)}\n    ldr x2, [x1]");
        if (storeLast) sb.AppendLine("    str x2, [x1]");
        return sb.ToString();
    }

    [Test]
    public void TranslationFaultsReportTheLevelOfTheInvalidDescriptorWith4K()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong a = TestVa(48, 12);
        m.Lower.Map(a, DataPa, 3, m.Attrs(AF | AttrNormal));
        ulong l3 = a + 0x1000, l2 = a + 0x20_0000, l1 = a + 0x4000_0000, l0 = a + 0x80_0000_0000;
        m.Run(LoadEach([a, l3, l2, l1, l0]));
        AssertFaults(m,
            (DataAbort(0x07, false), l3), (DataAbort(0x06, false), l2), (DataAbort(0x05, false), l1),
            (DataAbort(0x04, false), l0), (DataAbort(0x04, true), l0));
    }

    [TestCase(14, 47, 1)]
    [TestCase(16, 42, 2)]
    [TestCase(16, 48, 1)]
    public void TranslationFaultLevelsStartAtTheGranulesStartLevel(int grainShift, int vaBits, int startLevel)
    {
        using var m = new GuestMmu(engine, grainShift, vaBits);
        Assert.That(m.Lower.StartLevel, Is.EqualTo(startLevel));
        ulong a = TestVa(vaBits, grainShift);
        m.Lower.Map(a, DataPa, 3, m.Attrs(AF | AttrNormal));
        var vas = new List<ulong>();
        var expected = new List<(ulong, ulong)>();
        for (int level = 3; level >= startLevel; level--)
        {
            int shift = grainShift + (3 - level) * (grainShift - 3);
            ulong va = a ^ (1UL << shift);   // another entry of the table at this level
            vas.Add(va);
            expected.Add((DataAbort((ulong)(4 + level), false), va));
        }
        m.Run(LoadEach([.. vas], storeLast: false));
        AssertFaults(m, [.. expected]);
    }

    [Test]
    public void Lpa2TranslationFaultAtLevelMinus1HasItsOwnCode()
    {
        using var m = new GuestMmu(engine, 12, 52, ds: true, ips: 6, paBits: 52);
        ulong a = TestVa(52, 12);
        m.Lower.Map(a, DataPa, 3, m.Attrs(AF | AttrNormal));
        ulong lm1 = a ^ (1UL << 48), l0 = a ^ (1UL << 39);
        m.Run(LoadEach([a, lm1, l0]));
        AssertFaults(m, (DataAbort(FscTranslationLm1, false), lm1), (DataAbort(0x04, false), l0), (DataAbort(0x04, true), l0));
    }

    /// <summary>AArch64.VAIsOutOfRange: a VA whose bits above the range are not all 0 (TTBR0) or all 1 (TTBR1), or a
    /// disabled range (EPDn), is a level 0 Translation fault, also when the walk would start at level -1.</summary>
    [TestCase(12, 48, false, 0x0001_0000_0000_0000UL)]
    [TestCase(12, 39, false, 0x0000_0080_0000_0000UL)]
    [TestCase(16, 42, false, 0x0000_0400_0000_0000UL)]
    [TestCase(12, 39, false, 0xFFFF_FFFF_FFFF_F000UL)]   // TTBR1 disabled by EPD1
    [TestCase(12, 52, true, 0x0010_0000_0000_0000UL)]
    [TestCase(12, 52, true, 0xFFFF_FFFF_FFFF_F000UL)]    // TTBR1 disabled by EPD1, DS = 1
    public void VasOutsideTheEnabledRangesTakeALevel0TranslationFault(int grainShift, int vaBits, bool ds, ulong va)
    {
        using var m = new GuestMmu(engine, grainShift, vaBits, ds: ds, ips: ds ? 6 : 5, paBits: ds ? 52 : 48);
        // With DS, make the disabled TTBR1 range 52 bits too, so that its walk would start at level -1.
        if (ds) m.Tcr = (m.Tcr & ~(0x3FUL << 16)) | (12UL << 16);
        m.Run(LoadEach([va]));
        AssertFaults(m, (DataAbort(0x04, false), va), (DataAbort(0x04, true), va));
    }

    /// <summary>AArch64.S1TxSZFaults: with FEAT_LVA a TxSZ below the minimum (16 for 4K without DS) is a level 0
    /// Translation fault, not clamped.</summary>
    [Test]
    public void TxszBelowTheMinimumFaultsWhenTheCpuHasLva()
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: 48);
        ulong va = 0xFFFF_8000_0000_0000UL;
        m.Upper!.Map(va, DataPa, 3, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va + 8)}
                ldr x2, [x1]
                mrs x3, tcr_el1
                bic x3, x3, #(0x3F << 16)
                orr x3, x3, #(12 << 16)
                msr tcr_el1, x3
                isb
                ldr x4, [x1]
            """);
        Assert.That(m.X(2), Is.EqualTo(DataPa + 8));
        AssertFaults(m, (DataAbort(0x04, false), va + 8));
    }

    [Test]
    public void FetchingFromAnUnmappedPageIsAnInstructionAbortAtEl1AndEl0()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong a = TestVa(48, 21);
        m.Lower.Map(a, DataPa, 3, m.Attrs(AF | AttrNormal | PXN | UXN));
        ulong unmapped = a + 0x3000;
        m.Run($"""
                movq x1, {Hex(unmapped)}
                blr x1
                el0_run el0_call
            """, extra: """
            el0_call:
                blr x1
                svc #0
            """);
        var f = m.Faults;
        Assert.That(f.Take(2).Select(x => (x.Esr, x.Far, x.Elr)), Is.EqualTo(new[]
        {
            (InstructionAbort(0x07), unmapped, unmapped), (InstructionAbort(0x07, lower: true), unmapped, unmapped),
        }));
    }

    // ---- address size faults ----

    [Test]
    public void AnOutputAddressBeyondIpsIsAnAddressSizeFaultAtTheLeafLevel()
    {
        using var m = new GuestMmu(engine, 12, 48, ips: 2);   // 40-bit IPA space
        ulong page = TestVa(48, 12), block = TestVa(48, 21) + 0x20_0000;
        m.Lower.Map(page, 1UL << 44, 3, m.Attrs(AF | AttrNormal));
        m.Lower.Map(block, 1UL << 41, 2, m.Attrs(AF | AttrNormal));
        m.Run(LoadEach([page, block]));
        AssertFaults(m, (DataAbort(0x03, false), page), (DataAbort(0x02, false), block), (DataAbort(0x02, true), block));
    }

    [Test]
    public void ANextTableAddressBeyondIpsIsAnAddressSizeFaultAtTheTableDescriptorsLevel()
    {
        using var m = new GuestMmu(engine, 12, 48, ips: 2);
        ulong va = TestVa(48, 21);
        ulong l2 = m.Lower.Map(va, DataPa, 2, 0);
        m.Write(l2, (1UL << 42) | 3);     // a level 2 table descriptor pointing above 2^40
        m.Run(LoadEach([va + 0x10]));
        AssertFaults(m, (DataAbort(0x02, false), va + 0x10), (DataAbort(0x02, true), va + 0x10));
    }

    /// <summary>AArch64.S1Walk: a TTBR base address beyond the output size is an address size fault at level 0, whatever
    /// the start level of the walk.</summary>
    [TestCase(48)]
    [TestCase(39)]
    public void ATtbrBaseBeyondIpsIsALevel0AddressSizeFault(int upperBits)
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: upperBits, ips: 2);
        m.Ttbr1 = 1UL << 44;
        ulong va = ulong.MaxValue << upperBits;
        m.Run(LoadEach([va]));
        AssertFaults(m, (DataAbort(0x00, false), va), (DataAbort(0x00, true), va));
    }

    /// <summary>With TCR_EL1.DS = 1, TTBRn[5:2] hold BADDR[51:48] in all cases (TCR_EL1.DS), so with a 48-bit IPS a
    /// non-zero value there is an address size fault.</summary>
    [Test]
    public void WithDsTheTtbrHighBaseBitsCountEvenWithA48BitIps()
    {
        using var m = new GuestMmu(engine, 12, 48, upperVaBits: 48, ds: true, ips: 5, paBits: 52);
        ulong va = 0xFFFF_8000_0000_0000UL;
        m.Upper!.Map(va, DataPa, 3, m.Attrs(AF | AttrNormal));
        m.Run($"""
                movq x1, {Hex(va)}
                ldr x2, [x1]
                mrs x3, ttbr1_el1
                orr x3, x3, #(1 << 2)
                msr ttbr1_el1, x3
                isb
                tlbi vmalle1
                dsb nsh
                isb
                ldr x4, [x1]
            """);
        Assert.That(m.X(2), Is.EqualTo(DataPa));
        AssertFaults(m, (DataAbort(0x00, false), va));
    }

    // ---- access flag ----

    [Test]
    public void AClearAccessFlagFaultsEveryKindOfAccessAtTheLeafLevel()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong page = TestVa(48, 12), block = TestVa(48, 21) + 0x20_0000, code = page + 0x1000;
        m.Lower.Map(page, DataPa, 3, m.Attrs(AttrNormal));
        m.Lower.Map(block, DataPa, 2, m.Attrs(AttrNormal));
        m.Lower.Map(code, DataPa, 3, m.Attrs(AttrNormal | ApRo));
        m.Run($"""
                movq x1, {Hex(page + 0x10)}
                ldr x2, [x1]
                str x2, [x1]
                movq x1, {Hex(block + 0x1_2340)}
                ldr x2, [x1]
                movq x1, {Hex(code)}
                blr x1
            """);
        AssertFaults(m,
            (DataAbort(0x0B, false), page + 0x10), (DataAbort(0x0B, true), page + 0x10),
            (DataAbort(0x0A, false), block + 0x1_2340),
            (InstructionAbort(0x0B), code));
    }

    [Test]
    public void SettingTheAccessFlagAndInvalidatingLetsTheAccessThrough()
    {
        using var m = new GuestMmu(engine, 12, 48);
        ulong va = TestVa(48, 12);
        ulong desc = m.Lower.Map(va, DataPa + 0x3000, 3, m.Attrs(AttrNormal));
        m.Run($"""
                movq x1, {Hex(va + 0x20)}
                ldr x2, [x1]
                movq x3, {Hex(desc)}
                ldr x4, [x3]
                orr x4, x4, #(1 << 10)
                str x4, [x3]
                dsb ishst
                lsr x5, x1, #12
                tlbi vae1, x5
                dsb ish
                isb
                ldr x2, [x1]
            """);
        AssertFaults(m, (DataAbort(0x0B, false), va + 0x20));
        Assert.That(m.X(2), Is.EqualTo(DataPa + 0x3020));
    }
}
