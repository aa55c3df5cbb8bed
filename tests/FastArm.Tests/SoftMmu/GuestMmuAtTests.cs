using FastArm.Jit;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.GuestMmu;
using static FastArm.Tests.SoftMmu.GuestMmuTranslationTests;

namespace FastArm.Tests.SoftMmu;

/// <summary>
/// Address translation instructions executed by the guest (Arm ARM C5.4, D24 PAR_EL1): AT S1E1R/S1E1W/S1E0R/S1E0W
/// and S1E1RP/S1E1WP write PAR_EL1 — on success F = 0 with PA[51:12], ATTR (the MAIR byte) and SH (the effective
/// shareability); on a fault F = 1 with FST — and never take an exception.
/// </summary>
[TestFixture(ExecutionEngine.Interpreter)]
[TestFixture(ExecutionEngine.Jit)]
public class GuestMmuAtTests(ExecutionEngine engine)
{
    private static readonly ulong P = TestVa(48, 21);

    /// <summary>PAR_EL1 with F = 1: FST in [6:1], PTW [8] = 0, S [9] = 0 (stage 1), bit 11 RES1.</summary>
    private static ulong FaultPar(ulong fst) => 1 | (fst << 1) | (1UL << 11);

    /// <summary>Runs "at op, x1" for each (op, va) and collects PAR_EL1 values in x20, x21, ...</summary>
    private static string AtEach(params (string Op, ulong Va)[] ats)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < ats.Length; i++)
            sb.AppendLine($"""
                    movq x1, {Hex(ats[i].Va)}
                    at {ats[i].Op}, x1
                    isb
                    mrs x{20 + i}, par_el1
                """);
        return sb.ToString();
    }

    private static void AssertSuccess(ulong par, ulong pa, ulong attr, ulong sh, string what)
    {
        Assert.That(par & 1, Is.Zero, $"{what}: F (PAR 0x{par:X})");
        Assert.That(par & 0x000F_FFFF_FFFF_F000UL, Is.EqualTo(pa & ~0xFFFUL), $"{what}: PA");
        Assert.That(par >> 56, Is.EqualTo(attr), $"{what}: ATTR");
        Assert.That((par >> 7) & 3, Is.EqualTo(sh), $"{what}: SH");
    }

    [Test]
    public void AtReportsPaAndAttributesOfPagesAndBlocks()
    {
        using var m = new GuestMmu(engine, 12, 48);
        m.Lower.Map(P, DataPa + 0x3000, 3, m.Attrs(AF | AttrNormal));
        m.Lower.Map(P + 0x1000, DataPa + 0x4000, 3, AF | AttrDevice);                    // Device: reported Outer Shareable
        m.Lower.Map(P + 0x2000, DataPa + 0x5000, 3, AF | AttrNormal);                    // Normal, Non-shareable
        m.Lower.Map(P + 0x3000, DataPa + 0x6000, 3, AF | AttrNormalNc | ShInner);        // Normal NC: Outer Shareable
        m.Lower.Map(P + 0x40_0000, DataPa, 2, m.Attrs(AF | AttrNormal | ApRo));          // 2 MiB block
        m.Run(AtEach(("s1e1r", P + 0x123), ("s1e1w", P + 0x1FF8), ("s1e1r", P + 0x2010), ("s1e1r", P + 0x3000),
            ("s1e1r", P + 0x40_0000 + 0x1_2345)));
        m.AssertNoFaults();
        AssertSuccess(m.X(20), DataPa + 0x3000, 0xFF, 3, "normal page");
        AssertSuccess(m.X(21), DataPa + 0x4000, 0x00, 2, "device page");
        AssertSuccess(m.X(22), DataPa + 0x5000, 0xFF, 0, "non-shareable page");
        AssertSuccess(m.X(23), DataPa + 0x6000, 0x44, 2, "non-cacheable page");
        AssertSuccess(m.X(24), DataPa + 0x1_2000, 0xFF, 3, "block");
    }

    [Test]
    public void AtReportsFaultsInParWithoutTakingThem()
    {
        using var m = new GuestMmu(engine, 12, 48);
        m.Lower.Map(P, DataPa, 3, m.Attrs(AF | AttrNormal | ApRo));                      // EL1 read-only
        m.Lower.Map(P + 0x1000, DataPa, 3, m.Attrs(AttrNormal));                         // access flag clear
        m.Lower.Map(P + 0x4000, DataPa + 0x1000, 3, m.Attrs(AF | AttrNormal | ApEl0));   // EL0 read/write
        m.Run(AtEach(("s1e1r", P), ("s1e1w", P), ("s1e0r", P), ("s1e1r", P + 0x1000), ("s1e1r", P + 0x2000),
            ("s1e1r", 0x0001_0000_0000_0000UL), ("s1e0r", P + 0x4008), ("s1e0w", P + 0x4008), ("s1e0w", P)));
        m.AssertNoFaults();
        AssertSuccess(m.X(20), DataPa, 0xFF, 3, "S1E1R of a read-only page");
        Assert.That(m.X(21), Is.EqualTo(FaultPar(0x0F)), "S1E1W of a read-only page");
        Assert.That(m.X(22), Is.EqualTo(FaultPar(0x0F)), "S1E0R of an EL1 page");
        Assert.That(m.X(23), Is.EqualTo(FaultPar(0x0B)), "access flag");
        Assert.That(m.X(24), Is.EqualTo(FaultPar(0x07)), "unmapped page");
        Assert.That(m.X(25), Is.EqualTo(FaultPar(0x04)), "VA out of range");
        AssertSuccess(m.X(26), DataPa + 0x1000, 0xFF, 3, "S1E0R of an EL0 page");
        AssertSuccess(m.X(27), DataPa + 0x1000, 0xFF, 3, "S1E0W of an EL0 page");
        Assert.That(m.X(28), Is.EqualTo(FaultPar(0x0F)), "S1E0W of an EL1 read-only page");
    }

    /// <summary>AT S1E1R/W ignore PSTATE.PAN; AT S1E1RP/WP (FEAT_PAN2) apply it.</summary>
    [Test]
    public void OnlyTheAtPFormsApplyPan()
    {
        using var m = new GuestMmu(engine, 12, 48);
        m.Lower.Map(P, DataPa + 0x2000, 3, m.Attrs(AF | AttrNormal | ApEl0));
        m.Run("    msr pan, #1\n" + AtEach(("s1e1r", P), ("s1e1w", P), ("s1e1rp", P), ("s1e1wp", P)) + """
                msr pan, #0
                movq x1, {P}
                at s1e1rp, x1
                isb
                mrs x24, par_el1
            """.Replace("{P}", Hex(P)));
        m.AssertNoFaults();
        AssertSuccess(m.X(20), DataPa + 0x2000, 0xFF, 3, "S1E1R");
        AssertSuccess(m.X(21), DataPa + 0x2000, 0xFF, 3, "S1E1W");
        Assert.That(m.X(22), Is.EqualTo(FaultPar(0x0F)), "S1E1RP with PAN");
        Assert.That(m.X(23), Is.EqualTo(FaultPar(0x0F)), "S1E1WP with PAN");
        AssertSuccess(m.X(24), DataPa + 0x2000, 0xFF, 3, "S1E1RP without PAN");
    }

    [Test]
    public void AtTranslatesUpperHalfAnd52BitAddresses()
    {
        using var m = new GuestMmu(engine, 12, 52, upperVaBits: 52, ds: true, ips: 6, paBits: 52);
        ulong low = TestVa(52, 12), high = 0xFFF5_4321_0000_0000UL;
        m.Lower.Map(low, HighPa + 0x7000, 3, m.Attrs(AF | AttrNormal));
        m.Upper!.Map(high, HighPa + 0x9000, 3, m.Attrs(AF | AttrNormal));
        m.Run(AtEach(("s1e1r", low + 0x10), ("s1e1r", high + 0x20), ("s1e1r", low ^ (1UL << 50))));
        m.AssertNoFaults();
        // With DS = 1 shareability comes from TCR_EL1.SH0/SH1 (Inner Shareable here).
        AssertSuccess(m.X(20), HighPa + 0x7000, 0xFF, 3, "TTBR0, 52-bit VA and PA");
        AssertSuccess(m.X(21), HighPa + 0x9000, 0xFF, 3, "TTBR1, 52-bit VA and PA");
        Assert.That(m.X(22), Is.EqualTo(FaultPar(FscTranslationLm1)), "level -1 translation fault");
    }

    [Test]
    public void AtIsUndefinedAtEl0()
    {
        using var m = new GuestMmu(engine, 12, 48);
        m.Run($"""
                movq x1, {Hex(P)}
                el0_run el0_at
            """, extra: """
            el0_at:
                at s1e1r, x1
                svc #0
            """);
        var f = m.Faults;
        Assert.That(f.Select(x => x.Ec), Is.EqualTo(new[] { 0UL, EcSvc }));
        Assert.That(f[0].Esr, Is.EqualTo(1UL << 25), "EC 0 (unknown reason), IL = 1");
    }
}
