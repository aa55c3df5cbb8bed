using FastArm.Jit;
using NUnit.Framework;
using static FastArm.Tests.SoftMmu.GuestMmu;
using static FastArm.Tests.SoftMmu.GuestMmuTranslationTests;

namespace FastArm.Tests.SoftMmu;

/// <summary>
/// Stage 1 permissions checked by guest accesses at EL1 and EL0 (Arm ARM D8.4, AArch64.S1ComputePermissions):
/// AP[2:1] for data, UXN/PXN and the implicit PXN of EL0-writable memory for instruction fetch, SCTLR_EL1.WXN,
/// APTable/UXNTable/PXNTable, PSTATE.PAN set by MSR and by exception entry (SCTLR_EL1.SPAN = 0) and restored by
/// ERET, LDTR/STTR ignoring PAN. Faults are logged by the guest's handler (ESR_EL1, FAR_EL1).
/// </summary>
[TestFixture(ExecutionEngine.Interpreter)]
[TestFixture(ExecutionEngine.Jit)]
public class GuestMmuPermissionTests(ExecutionEngine engine)
{
    // Test pages: P + n * 4 KB (4K granule, 48-bit VA), data pages at DataPa + n * 4 KB.
    private static readonly ulong P = TestVa(48, 21);
    private static readonly ulong RwEl1 = P, RoEl1 = P + 0x1000, RwEl0 = P + 0x2000, RoEl0 = P + 0x3000;
    // Code pages (each maps the page of "count_call": add x0, x0, #1; ret), by who may execute them.
    private static readonly ulong XEl1Rw = P + 0x4000;        // AP=00 UXN: EL1 only, writable
    private static readonly ulong XEl1UserRo = P + 0x5000;    // AP=11 UXN: EL1 may execute read-only user memory
    private static readonly ulong XEl0 = P + 0x6000;          // AP=11 PXN: EL0 only
    private static readonly ulong XUserRw = P + 0x7000;       // AP=01, no XN bit: EL0-writable, so never EL1-executable
    private static readonly ulong XPxn = P + 0x8000;          // AP=00 PXN
    private static readonly ulong XEl1Ro = P + 0x9000;        // AP=10 UXN: EL1 read-only, executable under WXN
    private static readonly ulong RoBlock = P + 0x20_0000;    // a 2 MiB read-only block

    private readonly List<(ulong Desc, ulong Attrs)> _codeDescs = [];

    private GuestMmu Machine()
    {
        var m = new GuestMmu(engine, 12, 48);
        _codeDescs.Clear();
        ulong xn = PXN | UXN;
        m.Lower.Map(RwEl1, DataPa, 3, m.Attrs(AF | AttrNormal | xn));
        m.Lower.Map(RoEl1, DataPa + 0x1000, 3, m.Attrs(AF | AttrNormal | ApRo | xn));
        m.Lower.Map(RwEl0, DataPa + 0x2000, 3, m.Attrs(AF | AttrNormal | ApEl0 | xn));
        m.Lower.Map(RoEl0, DataPa + 0x3000, 3, m.Attrs(AF | AttrNormal | ApEl0 | ApRo | xn));
        m.Lower.Map(RoBlock, DataPa, 2, m.Attrs(AF | AttrNormal | ApRo | xn));
        // Code pages: the guest writes their descriptors (it knows where count_call is).
        foreach (var (va, attrs) in new[]
                 {
                     (XEl1Rw, UXN), (XEl1UserRo, ApEl0 | ApRo | UXN), (XEl0, ApEl0 | ApRo | PXN), (XUserRw, ApEl0),
                     (XPxn, PXN | UXN), (XEl1Ro, ApRo | UXN),
                 })
            _codeDescs.Add((m.Lower.Map(va, DataPa, 3, 0), m.Attrs(AF | AttrNormal | attrs) | 3));
        return m;
    }

    /// <summary>Guest code that writes the code pages' descriptors and invalidates the TLB.</summary>
    private string MapCodePages()
    {
        var sb = new System.Text.StringBuilder("    adr x9, count_call\n");
        foreach (var (desc, attrs) in _codeDescs)
            sb.AppendLine($"""
                    movq x10, {Hex(attrs)}
                    orr x10, x10, x9
                    movq x11, {Hex(desc)}
                    str x10, [x11]
                """);
        sb.AppendLine("""
                dsb ishst
                tlbi vmalle1
                dsb ish
                isb
                mov x0, #0
            """);
        return sb.ToString();
    }

    private const string CountCall = """
            .balign 4096
        count_call:
            add x0, x0, #1
            ret
            .balign 4096

        """;

    private static void AssertFaults(GuestMmu m, params (ulong Esr, ulong Far)[] expected)
    {
        var got = m.Faults.Select(f => (f.Esr, f.Far)).ToArray();
        string Show((ulong Esr, ulong Far)[] l) => string.Join(", ", l.Select(x => $"(ESR 0x{x.Esr:X}, FAR 0x{x.Far:X})"));
        Assert.That(got, Is.EqualTo(expected), $"expected {Show(expected)}\n     got {Show(got)}");
    }

    private static string Va(int reg, ulong va) => $"    movq x{reg}, {Hex(va)}";

    [Test]
    public void El1DataAccessesFollowAp2()
    {
        using var m = Machine();
        m.Run($"""
            {Va(1, RwEl1)}
            {Va(2, RoEl1)}
            {Va(3, RwEl0)}
            {Va(4, RoEl0)}
                ldr x5, [x1]
                ldr x6, [x2]
                ldr x7, [x3]
                ldr x8, [x4, #8]
                str x5, [x1, #8]
                str x5, [x2, #8]
                str x5, [x3, #8]
                str x5, [x4, #16]
            """);
        AssertFaults(m, (DataAbort(0x0F, true), RoEl1 + 8), (DataAbort(0x0F, true), RoEl0 + 16));
        Assert.That((m.X(5), m.X(6), m.X(7), m.X(8)), Is.EqualTo((DataPa, DataPa + 0x1000, DataPa + 0x2000, DataPa + 0x3008)));
        Assert.That(m.Read(DataPa + 0x2008), Is.EqualTo(DataPa), "the store to the EL0 page");
    }

    [Test]
    public void El0DataAccessesFollowAp1AndAp2()
    {
        using var m = Machine();
        m.Run($"""
            {Va(1, RwEl1)}
            {Va(2, RoEl1)}
            {Va(3, RwEl0)}
            {Va(4, RoEl0)}
                movq x9, 0x1234
                el0_run el0_accesses
            """, extra: """
            el0_accesses:
                ldr x5, [x1]
                ldr x6, [x2]
                ldr x7, [x3]
                ldr x8, [x4]
                str x9, [x3, #8]
                str x9, [x4, #8]
                str x9, [x1, #8]
                svc #0
            """);
        var faults = m.Faults;
        Assert.That(faults.Select(f => (f.Esr, f.Far)), Is.EqualTo(new[]
        {
            (DataAbort(0x0F, false, lower: true), RwEl1), (DataAbort(0x0F, false, lower: true), RoEl1),
            (DataAbort(0x0F, true, lower: true), RoEl0 + 8), (DataAbort(0x0F, true, lower: true), RwEl1 + 8),
            ((EcSvc << 26) | (1UL << 25), faults[^1].Far),
        }));
        Assert.That((m.X(7), m.X(8)), Is.EqualTo((DataPa + 0x2000, DataPa + 0x3000)));
        Assert.That(m.Read(DataPa + 0x2008), Is.EqualTo(0x1234UL));
        Assert.That(m.Read(DataPa + 0x3008), Is.EqualTo(DataPa + 0x3008), "the read-only page is unchanged");
    }

    [Test]
    public void El1InstructionFetchesFollowPxnAndNeverRunEl0WritableMemory()
    {
        using var m = Machine();
        m.Run($"""
            {MapCodePages()}
            {Va(1, XEl1Rw)}
                blr x1
            {Va(1, XEl1UserRo)}
                blr x1
            {Va(1, XEl0)}
                blr x1
            {Va(1, XUserRw)}
                blr x1
            {Va(1, XPxn)}
                blr x1
            {Va(1, RwEl1)}
                blr x1
            """, extra: CountCall);
        AssertFaults(m, (InstructionAbort(0x0F), XEl0), (InstructionAbort(0x0F), XUserRw), (InstructionAbort(0x0F), XPxn),
            (InstructionAbort(0x0F), RwEl1));
        Assert.That(m.X(0), Is.EqualTo(2UL), "calls that ran");
    }

    [Test]
    public void El0InstructionFetchesFollowUxn()
    {
        using var m = Machine();
        m.Run($"""
            {MapCodePages()}
            {Va(10, XEl0)}
            {Va(11, XUserRw)}
            {Va(12, XEl1UserRo)}
            {Va(13, XEl1Rw)}
                el0_run el0_calls
            """, extra: CountCall + """
            el0_calls:
                blr x10
                blr x11
                blr x12
                blr x13
                svc #0
            """);
        var faults = m.Faults;
        Assert.That(faults.Take(2).Select(f => (f.Esr, f.Far)),
            Is.EqualTo(new[] { (InstructionAbort(0x0F, lower: true), XEl1UserRo), (InstructionAbort(0x0F, lower: true), XEl1Rw) }));
        Assert.That(faults.Count, Is.EqualTo(3));
        Assert.That(faults[2].Ec, Is.EqualTo(EcSvc));
        Assert.That(m.X(0), Is.EqualTo(2UL), "calls that ran");
    }

    /// <summary>SCTLR_EL1.WXN: memory writable at a level is execute-never at EL1, and EL0-writable memory at EL0 too.</summary>
    [Test]
    public void WxnMakesWritableMemoryExecuteNever()
    {
        using var m = Machine();
        m.Run($"""
            {MapCodePages()}
                mrs x1, sctlr_el1
                orr x1, x1, #(1 << 19)
                msr sctlr_el1, x1
                isb
            {Va(1, XEl1Rw)}
                blr x1
            {Va(1, XEl1Ro)}
                blr x1
            {Va(1, XEl1UserRo)}
                blr x1
            {Va(10, XUserRw)}
            {Va(11, XEl0)}
                el0_run el0_calls
            """, extra: CountCall + """
            el0_calls:
                blr x10
                blr x11
                svc #0
            """);
        var faults = m.Faults;
        Assert.That(faults.Take(2).Select(f => (f.Esr, f.Far)),
            Is.EqualTo(new[] { (InstructionAbort(0x0F), XEl1Rw), (InstructionAbort(0x0F, lower: true), XUserRw) }));
        Assert.That(m.X(0), Is.EqualTo(3UL), "calls that ran");
    }

    [Test]
    public void APermissionFaultOnABlockReportsItsLevel()
    {
        using var m = Machine();
        m.Run($"""
            {Va(1, RoBlock + 0x1_2345 * 8)}
                ldr x2, [x1]
                str x2, [x1]
            """);
        AssertFaults(m, (DataAbort(0x0E, true), RoBlock + 0x1_2345 * 8));
        Assert.That(m.X(2), Is.EqualTo(DataPa + 0x1_2345 * 8));
    }

    /// <summary>APTable[1] (no writes), APTable[0] (no EL0), UXNTable and PXNTable restrict everything below the table
    /// descriptor (Arm ARM D8.4.2, hierarchical permissions).</summary>
    [Test]
    public void HierarchicalTableBitsRestrictTheLeavesBelow()
    {
        using var m = Machine();
        ulong ro = 0x0000_1000_0000_0000UL, noEl0 = 0x0000_2000_0000_0000UL, noX = 0x0000_3000_0000_0000UL;
        m.Lower.Map(ro, DataPa + 0x5000, 3, m.Attrs(AF | AttrNormal | ApEl0 | PXN | UXN), tableAttrs: 1UL << 62);
        m.Lower.Map(noEl0, DataPa + 0x6000, 3, m.Attrs(AF | AttrNormal | ApEl0 | PXN | UXN), tableAttrs: 1UL << 61);
        ulong noXDesc = m.Lower.Map(noX, DataPa, 3, 0, tableAttrs: (1UL << 59) | (1UL << 60));
        m.Run($"""
                adr x9, count_call
                movq x10, {Hex(m.Attrs(AF | AttrNormal | ApEl0 | ApRo) | 3)}
                orr x10, x10, x9
                movq x11, {Hex(noXDesc)}
                str x10, [x11]
                dsb ishst
                tlbi vmalle1
                dsb ish
                isb
                mov x0, #0
            {Va(1, ro)}
            {Va(2, noEl0)}
            {Va(3, noX)}
                ldr x4, [x1]
                str x4, [x1]
                ldr x5, [x2]
                str x5, [x2, #8]
                blr x3
                el0_run el0_code
            """, extra: CountCall + """
            el0_code:
                ldr x6, [x1]
                ldr x7, [x2]
                blr x3
                svc #0
            """);
        var faults = m.Faults.Select(f => (f.Esr, f.Far)).ToArray();
        Assert.That(faults.Take(4), Is.EqualTo(new[]
        {
            (DataAbort(0x0F, true), ro), (InstructionAbort(0x0F), noX),
            (DataAbort(0x0F, false, lower: true), noEl0), (InstructionAbort(0x0F, lower: true), noX),
        }));
        Assert.That((m.X(4), m.X(5), m.X(6)), Is.EqualTo((DataPa + 0x5000, DataPa + 0x6000, DataPa + 0x5000)));
        Assert.That(m.X(0), Is.EqualTo(0UL), "no call ran");
    }

    /// <summary>TCR_EL1.HPD0 = 1 (FEAT_HPDS) disables the hierarchical table bits for the TTBR0 range.</summary>
    [Test]
    public void Hpd0IgnoresTheTableBits()
    {
        using var m = Machine();
        ulong ro = 0x0000_1000_0000_0000UL;
        m.Lower.Map(ro, DataPa + 0x5000, 3, m.Attrs(AF | AttrNormal | PXN | UXN), tableAttrs: (1UL << 62) | (1UL << 61));
        m.Tcr |= 1UL << 41;
        m.Run($"""
            {Va(1, ro)}
                movq x2, 0x99
                str x2, [x1, #8]
                ldr x3, [x1, #8]
            """);
        m.AssertNoFaults();
        Assert.That(m.X(3), Is.EqualTo(0x99UL));
    }

    /// <summary>
    /// Data cache maintenance by VA is checked by the MMU (Arm ARM D7.5.9.x): DC IVAC needs write permission, DC CVAC and
    /// CIVAC read permission, DC ZVA is a write; a fault reports CM = 1 and WnR = 1 for the maintenance instructions,
    /// CM = 0 for DC ZVA; PAN does not apply to maintenance.
    /// </summary>
    [Test]
    public void DataCacheMaintenanceByVaTakesMmuFaults()
    {
        using var m = Machine();
        ulong invalid = P + 0x10_0000;
        m.Run($"""
            {Va(1, RoEl1)}
            {Va(2, invalid)}
            {Va(3, RwEl0)}
                dc cvac, x1
                dc civac, x1
                dc ivac, x1
                dc cvac, x2
                dc zva, x1
                msr pan, #1
                dc ivac, x3
                dc cvac, x3
                msr pan, #0
            """);
        const ulong Cm = 1UL << 8;
        AssertFaults(m,
            (DataAbort(0x0F, true) | Cm, RoEl1), (DataAbort(0x07, true) | Cm, invalid), (DataAbort(0x0F, true), RoEl1));
    }

    // ---- PAN ----

    /// <summary>With PSTATE.PAN set (MSR PAN, #1), privileged data accesses to EL0-accessible memory fault; EL1-only
    /// memory, instruction fetches and LDTR/STTR are not affected; MSR PAN, #0 lifts it (Arm ARM D8.4.1.3).</summary>
    [Test]
    public void MsrPanBlocksPrivilegedDataAccessesToUserMemory()
    {
        using var m = Machine();
        m.Run($"""
            {MapCodePages()}
            {Va(1, RwEl0)}
            {Va(2, RoEl0)}
            {Va(3, RwEl1)}
            {Va(4, XEl1UserRo)}
                msr pan, #1
                mrs x20, pan
                ldr x5, [x1]
                ldr x6, [x2]
                str x5, [x1, #8]
                ldr x7, [x3]
                ldtr x8, [x1]
                movq x9, 0x77
                sttr x9, [x1, #16]
                blr x4
                msr pan, #0
                mrs x21, pan
                ldr x10, [x1]
            """, extra: CountCall);
        AssertFaults(m, (DataAbort(0x0F, false), RwEl0), (DataAbort(0x0F, false), RoEl0), (DataAbort(0x0F, true), RwEl0 + 8));
        Assert.That((m.X(20), m.X(21)), Is.EqualTo((1UL << 22, 0UL)));
        Assert.That((m.X(7), m.X(8), m.X(10)), Is.EqualTo((DataPa, DataPa + 0x2000, DataPa + 0x2000)));
        Assert.That(m.Read(DataPa + 0x2010), Is.EqualTo(0x77UL), "STTR ignores PAN");
        Assert.That(m.X(0), Is.EqualTo(1UL), "the fetch from a user read-only page ran");
    }

    /// <summary>Exception entry to EL1 sets PSTATE.PAN when SCTLR_EL1.SPAN = 0 and leaves it when SPAN = 1; ERET restores
    /// it from SPSR_EL1 (Arm ARM D1.3.1, AArch64.TakeException).</summary>
    [Test]
    public void ExceptionEntrySetsPanWhenSpanIsClearAndEretRestoresIt()
    {
        using var m = Machine();
        ulong invalid = P + 0x10_0000;
        m.Run($"""
            {Va(1, RwEl0)}
            {Va(2, invalid)}
                mrs x3, sctlr_el1
                bic x3, x3, #(1 << 23)
                msr sctlr_el1, x3
                isb
                ldr x4, [x2]
                mrs x20, pan
                ldr x5, [x1]
                el0_run el0_svc
                mrs x21, pan
                ldr x6, [x1]
                orr x3, x3, #(1 << 23)
                msr sctlr_el1, x3
                msr pan, #0
                isb
                el0_run el0_svc
                mrs x22, pan
                ldr x7, [x1]
            """, extra: """
            el0_svc:
                svc #0
            """);
        var f = m.Faults;
        Assert.That(f.Select(x => (x.Ec, x.Pan)), Is.EqualTo(new[]
        {
            (EcDabtSame, 1UL << 22),   // the translation fault: PAN set on entry
            (EcSvc, 1UL << 22),        // SVC from EL0, SPAN = 0
            (EcDabtSame, 1UL << 22),   // PAN stays set after br x28 (no ERET): the user page faults
            (EcSvc, 0UL),              // SPAN = 1
        }));
        Assert.That(f[0].Far, Is.EqualTo(invalid));
        Assert.That(f[2].Esr, Is.EqualTo(DataAbort(0x0F, false)));
        Assert.That(f[2].Far, Is.EqualTo(RwEl0));
        Assert.That((m.X(20), m.X(21), m.X(22)), Is.EqualTo((0UL, 1UL << 22, 0UL)), "PAN after ERET, after SVC entry, with SPAN = 1");
        Assert.That((m.X(5), m.X(7)), Is.EqualTo((DataPa + 0x2000, DataPa + 0x2000)));
    }
}
