using FastArm.Jit.State;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>
/// Loads and stores with the stage 1 MMU on (EL1&amp;0, 4 KB granule, identity map), against the results of the
/// same cases on QEMU 7.2 (docs/notes/memory-access.md): permission and translation faults of atomics and
/// exclusives, page-crossing accesses, LDTR/STTR with PAN and UAO.
/// </summary>
public unsafe class LoadStoreMmuTests
{
    // Test pages, identity mapped, at 0x40200000 + n * 4 KB.
    private const ulong Pages = CpuHarness.RamBase + 0x20_0000;
    private const ulong RwEl1 = Pages;                  // AP = 00
    private const ulong RoEl1 = Pages + 0x1000;         // AP = 10
    private const ulong Invalid = Pages + 0x2000;
    private const ulong RwEl0 = Pages + 0x3000;         // AP = 01
    private const ulong RoEl0 = Pages + 0x4000;         // AP = 11
    private const ulong DevicePage = Pages + 0x5000;    // Device-nGnRnE
    private const ulong BeforeInvalid = Pages + 0x6000; // page 7 is invalid
    private const ulong Invalid2 = Pages + 0x8000;      // page 9 is valid

    private const ulong Tables = CpuHarness.RamBase + 0x40_0000;

    private static ulong Page(ulong pa, int attr, int ap) => pa | ((ulong)attr << 2) | ((ulong)ap << 6) | (3UL << 8) | (1UL << 10) | 3;
    private static ulong Block(ulong pa, int attr, int ap) => pa | ((ulong)attr << 2) | ((ulong)ap << 6) | (3UL << 8) | (1UL << 10) | 1;

    private static CpuHarness WithMmu()
    {
        var h = LsKit.New();
        ulong l1 = Tables, l2 = Tables + 0x1000, l3 = Tables + 0x2000;
        LsKit.Write(h, l1 + 8, l2 | 3);
        for (ulong i = 0; i < 8; i++) LsKit.Write(h, l2 + i * 8, Block(CpuHarness.RamBase + (i << 21), 1, 0));
        LsKit.Write(h, l2 + 8, l3 | 3);
        for (ulong i = 0; i < 512; i++) LsKit.Write(h, l3 + i * 8, Page(Pages + (i << 12), 1, 0));
        LsKit.Write(h, l3 + 1 * 8, Page(RoEl1, 1, 2));
        LsKit.Write(h, l3 + 2 * 8, 0);
        LsKit.Write(h, l3 + 3 * 8, Page(RwEl0, 1, 1));
        LsKit.Write(h, l3 + 4 * 8, Page(RoEl0, 1, 3));
        LsKit.Write(h, l3 + 5 * 8, Page(DevicePage, 0, 0));
        LsKit.Write(h, l3 + 7 * 8, 0);
        LsKit.Write(h, l3 + 8 * 8, 0);
        for (ulong p = Pages; p < Pages + 0xA000; p += 0x1000) LsKit.Write(h, p + 0xFF8, 0x1122_3344_5566_7788UL);
        h.Cpu.S.MAIR[1] = 0xFF00;
        h.Cpu.S.TCR[1] = 25 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (5UL << 32);
        h.Cpu.S.TTBR0[1] = l1;
        h.Cpu.S.SCTLR[1] |= 1 | 4 | (1 << 12);
        return h;
    }

    private static void Fault(CpuHarness h, string asm, ulong addr, ulong esr, ulong far)
    {
        h.Cpu.SetX(1, addr);
        h.Cpu.SetX(2, 0x5555);
        h.Cpu.SetX(3, 0x6666);
        ulong got = LsKit.Faults(h, asm);
        Assert.That(got, Is.EqualTo(esr), $"{asm}: ESR 0x{got:X}");
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(far), $"{asm}: FAR");
        Assert.That(h.X(2), Is.EqualTo(0x5555UL), $"{asm}: X2");
        Assert.That(h.X(3), Is.EqualTo(0x6666UL), $"{asm}: X3");
    }

    private const ulong PermRead = 0x9600_000F, PermWrite = 0x9600_004F, TransRead = 0x9600_0007, TransWrite = 0x9600_0047;

    [TestCase("ldadd x2, x3, [x1]")]
    [TestCase("swp x2, x3, [x1]")]
    [TestCase("cas x2, x3, [x1]")]
    [TestCase("casp x2, x3, x4, x5, [x1]")]
    [TestCase("stlr x2, [x1]")]
    [TestCase("str x2, [x1]")]
    public void WritesAndAtomicsToAReadOnlyPageTakeAWritePermissionFault(string insn)
    {
        using var h = WithMmu();
        Fault(h, insn, RoEl1, PermWrite, RoEl1);
        Assert.That(LsKit.Read(h, RoEl1), Is.EqualTo(0UL));
    }

    [Test]
    public void ACompareAndSwapThatWouldNotStoreStillNeedsWritePermission()
    {
        using var h = WithMmu();
        LsKit.Write(h, RoEl1, 0x1234);
        Fault(h, "cas x2, x3, [x1]", RoEl1, PermWrite, RoEl1);
    }

    [TestCase("ldadd x2, x3, [x1]", TransRead)]
    [TestCase("swp x2, x3, [x1]", TransRead)]
    [TestCase("cas x2, x3, [x1]", TransRead)]
    [TestCase("casp x2, x3, x4, x5, [x1]", TransRead)]
    [TestCase("ldxr x2, [x1]", TransRead)]
    [TestCase("ldar x2, [x1]", TransRead)]
    [TestCase("str x2, [x1]", TransWrite)]
    [TestCase("ldr q0, [x1]", TransRead)]
    public void AccessesToAnInvalidPageTakeATranslationFault(string insn, ulong esr)
    {
        using var h = WithMmu();
        Fault(h, insn, Invalid, esr, Invalid);
    }

    [Test]
    public void ExclusivesOnAReadOnlyPageLoadButFaultOnTheArmedStore()
    {
        using var h = WithMmu();
        h.Cpu.SetX(1, RoEl1);
        LsKit.Ok(h, """
            clrex
            stxr w4, x3, [x1]
            ldxr x5, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
        h.Cpu.SetX(1, RoEl1);
        h.Cpu.SetX(2, 0x5555);
        Assert.That(LsKit.Faults(h, "stxr w2, x3, [x1]"), Is.EqualTo(PermWrite));
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
        LsKit.Ok(h, "ldxp x5, x6, [x1]");
        Assert.That(LsKit.Faults(h, "stxp w2, x5, x6, [x1]"), Is.EqualTo(PermWrite));
    }

    [Test]
    public void StoreExclusiveAndPrefetchToAnInvalidPageDoNotFault()
    {
        using var h = WithMmu();
        h.Cpu.SetX(1, Invalid + 8);
        LsKit.Ok(h, """
            clrex
            stxr w4, x3, [x1]
            prfm pldl1keep, [x1]
            """);
        Assert.That(h.X(4), Is.EqualTo(1UL));
    }

    [Test]
    public void ALoadCrossingIntoAnInvalidPageReportsThatPagesFirstByte()
    {
        using var h = WithMmu();
        Fault(h, "ldr x2, [x1]", BeforeInvalid + 0xFFC, TransRead, BeforeInvalid + 0x1000);
        Fault(h, "ldp x2, x3, [x1]", BeforeInvalid + 0xFF8, TransRead, BeforeInvalid + 0x1000);
    }

    [Test]
    public void ALoadCrossingOutOfAnInvalidPageReportsTheAccessAddress()
    {
        using var h = WithMmu();
        Fault(h, "ldr x2, [x1]", Invalid2 + 0xFFC, TransRead, Invalid2 + 0xFFC);
        Fault(h, "ldr q0, [x1]", Invalid2 + 0xFF8, TransRead, Invalid2 + 0xFF8);
    }

    [Test]
    public void ALoadCrossingBetweenTwoValidPagesWorks()
    {
        using var h = WithMmu();
        h.Cpu.SetX(1, RwEl1 + 0xFFC);
        LsKit.Ok(h, "ldr x2, [x1]");
        Assert.That(h.X(2), Is.EqualTo(0x1122_3344UL));
    }

    [TestCase("str x3, [x1, #4]", 0xFF8UL, TransWrite, 0x1000UL)]
    [TestCase("stp x3, x3, [x1]", 0xFF8UL, TransWrite, 0x1000UL)]
    [TestCase("str q0, [x1]", 0xFF8UL, TransWrite, 0x1000UL)]
    public void AStoreCrossingIntoAnInvalidPageWritesNothing(string insn, ulong offset, ulong esr, ulong farOffset)
    {
        using var h = WithMmu();
        Fault(h, insn, BeforeInvalid + offset, esr, BeforeInvalid + farOffset);
        Assert.That(LsKit.Read(h, BeforeInvalid + 0xFF8), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    [TestCase("str x3, [x1, #4]")]
    [TestCase("stp x3, x3, [x1]")]
    [TestCase("str q0, [x1]")]
    public void AStoreCrossingIntoAReadOnlyPageWritesNothing(string insn)
    {
        using var h = WithMmu();
        Fault(h, insn, RwEl1 + 0xFF8, PermWrite, RoEl1);
        Assert.That(LsKit.Read(h, RwEl1 + 0xFF8), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    [Test]
    public void AFaultingPostIndexedLoadKeepsItsBase()
    {
        using var h = WithMmu();
        h.Cpu.SetX(6, Invalid);
        LsKit.Faults(h, "ldr x2, [x6], #8");
        Assert.That(h.X(6), Is.EqualTo(Invalid));
    }

    [Test]
    public void UnalignedAccessesToDeviceMemoryDoNotFaultAsInQemu()
    {
        using var h = WithMmu();
        h.Cpu.SetX(1, DevicePage + 1);
        LsKit.Ok(h, """
            ldr x2, [x1]
            str x2, [x1, #2]
            ldr q0, [x1, #7]
            """);
    }

    // ---- unprivileged accesses ----

    [Test]
    public void LdtrAndSttrUseEl0Permissions()
    {
        using var h = WithMmu();
        Fault(h, "ldtr x2, [x1]", RwEl1, PermRead, RwEl1);
        Fault(h, "sttr x2, [x1]", RwEl1, PermWrite, RwEl1);
        Fault(h, "sttrb w2, [x1]", RoEl0, PermWrite, RoEl0);
        h.Cpu.SetX(1, RwEl0);
        h.Cpu.SetX(9, RoEl0 + 0xFF8);
        h.Cpu.SetX(4, 0xAB);
        LsKit.Ok(h, """
            sttr x4, [x1]
            ldtr x5, [x1]
            ldtrsh w6, [x9]
            """);
        Assert.That(h.X(5), Is.EqualTo(0xABUL));
        Assert.That(h.X(6), Is.EqualTo(0x7788UL));
    }

    [Test]
    public void PanStopsPrivilegedButNotUnprivilegedAccessesToEl0Memory()
    {
        using var h = WithMmu();
        h.Cpu.S.PStateOther |= CpuState.PStatePAN;
        Fault(h, "ldr x2, [x1]", RwEl0, PermRead, RwEl0);
        Fault(h, "ldtr x2, [x1]", RwEl1, PermRead, RwEl1);
        h.Cpu.SetX(1, RwEl0);
        LsKit.Ok(h, "ldtr x5, [x1]");
    }

    [Test]
    public void UaoMakesLdtrAndSttrPrivileged()
    {
        using var h = WithMmu();
        h.Cpu.S.PStateOther |= CpuState.PStateUAO;
        h.Cpu.SetX(1, RwEl1);
        h.Cpu.SetX(4, 0xCD);
        LsKit.Ok(h, """
            sttr x4, [x1]
            ldtr x5, [x1]
            """);
        Assert.That(h.X(5), Is.EqualTo(0xCDUL));
        Fault(h, "sttr x2, [x1]", RoEl1, PermWrite, RoEl1);
    }

    [Test]
    public void AtEl0EveryAccessIsUnprivileged()
    {
        using var h = WithMmu();
        // Code, vectors and stack are EL1-only in this map, so give EL0 a page of its own to run from.
        ulong code = RwEl0;
        h.Bus.Load(code, CrossTools.Assemble("""
            ldtr x5, [x1]
            ldr x6, [x1]
            ldr x7, [x2]
            """));
        // EL0 may not execute from a page it can write: map the code page read-only for EL0 (AP = 11).
        LsKit.Write(h, Tables + 0x2000 + 3 * 8, Page(RwEl0, 1, 3));
        h.Cpu.S.SPSR[1] = 0;
        h.Cpu.S.ELR[1] = code;
        h.Cpu.ExceptionReturn();
        h.Cpu.SetX(1, RoEl0 + 0xFF8);
        h.Cpu.SetX(2, RwEl1);
        h.Cpu.Run(new Jit.RunLimits(MaxInstructions: 10));
        Assert.That(h.X(5), Is.EqualTo(0x1122_3344_5566_7788UL));
        Assert.That(h.X(6), Is.EqualTo(0x1122_3344_5566_7788UL));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo((0x24UL << 26) | (1UL << 25) | 0x0F));
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(RwEl1));
    }
}
