using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Jit.State;
using FastArm.SoftMmu.Mmu;
using FastArm.Tests.SoftMmu;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>Hints, barriers, MSR (immediate), WFI/WFE/SEV and the SYS aliases DC, IC, AT, TLBI.</summary>
public unsafe class SystemInstructionTests
{
    private const ulong Code = CpuHarness.CodeBase;
    private const ulong Data = CpuHarness.DataBase;

    private static uint MsrImm(uint op1, uint crm, uint op2) => 0xD500401Fu | (op1 << 16) | (crm << 8) | (op2 << 5);
    private static uint Sys(uint op1, uint crn, uint crm, uint op2, uint rt) => 0xD5080000u | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt;

    // ---- hints ----

    [Test]
    public void EveryHintOtherThanWfeWfiSevAndSevlIsANop()
    {
        using var h = SysTest.Harness(el: 1);
        for (uint hint = 0; hint < 128; hint++)
        {
            if (hint is 2 or 3 or 4 or 5) continue;
            uint word = 0xD503201Fu | (hint << 5);
            Assert.That(h.Cpu.Decode(word)?.Name, Is.EqualTo("HINT"), $"hint #{hint}");
            SysTest.Step(h, word);
            Assert.That(h.Cpu.Pc, Is.EqualTo(Code + 4), $"hint #{hint} completes");
            Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
        }
    }

    [Test]
    public void PointerAuthenticationAndBtiHintsLeaveRegistersAlone()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(30, 0x1234_5678);
        h.Cpu.SetX(17, 0x4444);
        SysTest.AssertCompleted(h, h.Run("""
            hint #25
            hint #29
            hint #7
            hint #8
            hint #34
            hint #20
            hint #16
            """));   // PACIASP AUTIASP XPACLRI PACIA1716 BTI c CSDB ESB
        Assert.That(h.X(30), Is.EqualTo(0x1234_5678UL));
        Assert.That(h.X(17), Is.EqualTo(0x4444UL));
    }

    [Test]
    public void SevlThenWfeCompletesAndConsumesTheEvent()
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.AssertCompleted(h, h.Run("""
            sevl
            wfe
            """));
        Assert.That(h.Cpu.S.Sys.EventRegister, Is.EqualTo(0UL));
    }

    [Test]
    public void SevSetsTheEventRegisterAndTellsTheBoard()
    {
        using var h = SysTest.Harness(el: 1);
        int sent = 0;
        h.Cpu.EventSent = _ => sent++;
        SysTest.AssertCompleted(h, h.Run("sev"));
        Assert.That(h.Cpu.S.Sys.EventRegister, Is.EqualTo(1UL));
        Assert.That(sent, Is.EqualTo(1));
    }

    [Test]
    public void WfeWithTheEventRegisterSetIsNotTrapped()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 14;         // TWE
        h.Cpu.S.Sys.EventRegister = 1;
        SysTest.AssertCompleted(h, h.Run("wfe"));
        Assert.That(h.Cpu.S.Sys.EventRegister, Is.EqualTo(0UL));
    }

    [Test]
    public void WfeWithoutAnEventIsTrappedByHcrTwe()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 14;
        h.Run("wfe", maxInstructions: 2);
        SysTest.AssertSync(h, 2, 0x400, 0x01, (1u << 24) | (0xEu << 20) | 1, Code);
    }

    [Test]
    public void WfeWithoutAnEventWaitsOneIdlePeriodAndCompletes()
    {
        using var h = SysTest.Harness(el: 1);
        int idles = 0;
        h.Cpu.Idle = _ => idles++;
        SysTest.AssertCompleted(h, h.Run("wfe"));
        Assert.That(idles, Is.EqualTo(1));
    }

    [Test]
    public void WfiIsTrappedByHcrTwiWithTheWfiSyndrome()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 13;
        h.Run("wfi", maxInstructions: 2);
        SysTest.AssertSync(h, 2, 0x400, 0x01, (1u << 24) | (0xEu << 20), Code);
    }

    [Test]
    public void WfiAtEl0IsTrappedToEl1WhenSctlrNtwiIsClear()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.SCTLR[1] &= ~(1UL << 16);
        h.Run("wfi", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x01, (1u << 24) | (0xEu << 20), Code);
    }

    [Test]
    public void WfiAtEl2IsTrappedToEl3ByScrTwi()
    {
        using var h = SysTest.Harness(el: 2, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 |= 1UL << 12;
        h.Run("wfi", maxInstructions: 2);
        SysTest.AssertSync(h, 3, 0x400, 0x01, (1u << 24) | (0xEu << 20), Code);
    }

    [Test]
    public void WfiWithAPendingMaskedIrqCompletesWithoutTrapOrException()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 13;         // TWI: no trap, as an interrupt is pending
        h.Cpu.S.Daif = 0x3C0;
        h.Cpu.SetIrq(true);
        SysTest.AssertCompleted(h, h.Run("""
            wfi
            add x0, x0, #1
            """));
        Assert.That(h.X(0), Is.EqualTo(1UL));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
    }

    [Test]
    public void WfiWaitsUntilAMaskedInterruptBecomesPendingAndThenContinues()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.Daif = 0x3C0;
        int idles = 0;
        h.Cpu.Idle = cpu => { if (++idles == 3) cpu.SetIrq(true); };
        SysTest.AssertCompleted(h, h.Run("""
            wfi
            add x0, x0, #1
            """));
        Assert.That(idles, Is.EqualTo(3));
        Assert.That(h.X(0), Is.EqualTo(1UL));
    }

    // ---- barriers ----

    [Test]
    public void BarriersExecute()
    {
        using var h = SysTest.Harness(el: 0);
        SysTest.AssertCompleted(h, h.Run("""
            dsb sy
            dsb ish
            dmb ishld
            dmb oshst
            isb
            ssbb
            pssbb
            .inst 0xd503309f
            """));   // the last one is DSB with CRm = 0000 (SSBB) written as a plain word
    }

    [Test]
    public void ClrexClearsTheLocalMonitor()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.ExclusiveArmed = 1;
        SysTest.AssertCompleted(h, h.Run("clrex #5"));
        Assert.That(h.Cpu.S.ExclusiveArmed, Is.EqualTo(0));
    }

    [Test]
    public void SbIsUndefinedUnlessFeatSbIsOn()
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.Step(h, 0xD50330FF);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);

        using var h2 = SysTest.Harness(el: 1, features: Feature.Default | Feature.SB);
        SysTest.Step(h2, 0xD50330FF);
        Assert.That(h2.Cpu.Pc, Is.EqualTo(Code + 4));
        Assert.That(h2.Cpu.TryReadSysReg("ID_AA64ISAR1_EL1", out ulong isar1), Is.True);
        Assert.That((isar1 >> 36) & 0xF, Is.EqualTo(1UL), "SB advertised with the feature");
    }

    // ---- MSR (immediate) ----

    [Test]
    public void MsrSpselSwitchesTheStackPointer()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.SpEl[0] = 0x100;
        h.Cpu.S.SpEl[1] = 0x200;
        SysTest.AssertCompleted(h, h.Run("""
            msr spsel, #0
            add x0, sp, #0
            mrs x1, spsel
            msr spsel, #1
            add x2, sp, #0
            """));
        Assert.That(h.X(0), Is.EqualTo(0x100UL));
        Assert.That(h.X(1), Is.EqualTo(0UL));
        Assert.That(h.X(2), Is.EqualTo(0x200UL));
    }

    [Test]
    public void MsrDaifSetAndDaifClrChangeOnlyTheNamedMasks()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.Daif = 0;
        SysTest.AssertCompleted(h, h.Run("""
            msr daifset, #0xa
            mrs x0, daif
            msr daifclr, #0x8
            mrs x1, daif
            """));
        Assert.That(h.X(0), Is.EqualTo(0x280UL));
        Assert.That(h.X(1), Is.EqualTo(0x080UL));
    }

    [Test]
    public void DaifClrUnmaskingAPendingIrqTakesItAtTheNextInstruction()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetIrq(true);
        h.Run("""
            add x0, x0, #1
            msr daifclr, #2
            add x0, x0, #1
            """, maxInstructions: 3);
        Assert.That(h.X(0), Is.EqualTo(1UL));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x280));
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(Code + 8));
    }

    [Test]
    public void DaifSetAtEl0WithoutUmaIsTrappedWithTheMsrImmediateSyndrome()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("msr daifset, #2", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x18, SysTest.SysIss(0, 3, 4, 2, 6, 31, read: false), Code);
    }

    [Test]
    public void DaifClrAtEl0WithUmaWorks()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.SCTLR[1] |= 1UL << 9;
        h.Cpu.S.Daif = 0x3C0;
        SysTest.AssertCompleted(h, h.Run("msr daifclr, #4"));
        Assert.That(h.Cpu.S.Daif, Is.EqualTo(0x2C0u));
    }

    [Test]
    public void MsrSpselAtEl0IsUndefined()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("msr spsel, #1", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void MsrPanAndUaoSetPstateAndReadBackThroughMrs()
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.AssertCompleted(h, h.Run("""
            msr pan, #1
            msr uao, #1
            mrs x0, pan
            mrs x1, uao
            msr pan, #0
            mrs x2, pan
            """));
        Assert.That(h.X(0), Is.EqualTo(CpuState.PStatePAN));
        Assert.That(h.X(1), Is.EqualTo(CpuState.PStateUAO));
        Assert.That(h.X(2), Is.EqualTo(0UL));
    }

    [Test]
    public void MsrPanAtEl0IsUndefined()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("msr pan, #1", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void PanIsUndefinedWithoutFeatPan()
    {
        using var h = SysTest.Harness(el: 1, features: Feature.FP | Feature.AdvSIMD);
        h.Run("msr pan, #1", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void DitAndSsbsAreUndefinedUnlessTheirFeaturesAreOn()
    {
        using var h = SysTest.Harness(el: 0);
        SysTest.Step(h, MsrImm(3, 1, 2));             // MSR DIT, #1
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);

        using var h2 = SysTest.Harness(el: 0, features: Feature.Default | Feature.DIT | Feature.SSBS);
        SysTest.Step(h2, MsrImm(3, 1, 2));
        Assert.That(h2.Cpu.S.PStateOther & CpuState.PStateDIT, Is.EqualTo(CpuState.PStateDIT));
        SysTest.Step(h2, MsrImm(3, 1, 1));            // MSR SSBS, #1
        Assert.That(h2.Cpu.S.PStateOther & CpuState.PStateSSBS, Is.EqualTo(CpuState.PStateSSBS));
    }

    [TestCase(0u, 0u, 0u, TestName = "CFINV is UNDEFINED without FEAT_FlagM")]
    [TestCase(3u, 0u, 4u, TestName = "MSR TCO is UNDEFINED without FEAT_MTE")]
    [TestCase(1u, 0u, 0u, TestName = "MSR ALLINT is UNDEFINED without FEAT_NMI")]
    [TestCase(3u, 2u, 3u, TestName = "SMSTART is UNDEFINED without FEAT_SME")]
    public void UnimplementedPstateFieldsAreUndefined(uint op1, uint crm, uint op2)
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.Step(h, MsrImm(op1, crm, op2));
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    // ---- DC ----

    [Test]
    public void DcZvaZeroesTheAligned64ByteBlock()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.DeviceAlignmentWithMmuOff = false;
        h.Bus.Load(Data, Enumerable.Repeat((byte)0xAA, 256).ToArray());
        h.Cpu.SetX(0, Data + 0x48);
        SysTest.AssertCompleted(h, h.Run("dc zva, x0"));
        byte[] mem = new byte[256];
        Assert.That(h.Bus.TryReadBytes(Data, mem), Is.True);
        Assert.That(mem[0x3F], Is.EqualTo(0xAA));
        Assert.That(mem[0x40..0x80], Is.All.EqualTo(0));
        Assert.That(mem[0x80], Is.EqualTo(0xAA));
    }

    [Test]
    public void DcZvaToDeviceMemoryWithTheMmuOffTakesAnAlignmentFaultInStrictMode()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.DeviceAlignmentWithMmuOff = true;
        h.Cpu.SetX(3, Data + 0x48);
        h.Run("dc zva, x3", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x200, 0x25, (1u << 6) | 0x21, Code);
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(Data + 0x48));
    }

    [Test]
    public void DcZvaAtEl0WithoutSctlrDzeIsTrappedAndDczidShowsIt()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("""
            mrs x1, dczid_el0
            dc zva, x2
            """, maxInstructions: 3);
        Assert.That(h.X(1), Is.EqualTo(0x14UL), "BS = 4 (64 bytes), DZP = 1");
        SysTest.AssertSync(h, 1, 0x400, 0x18, SysTest.SysIss(1, 3, 7, 4, 1, 2, read: false), Code + 4);
    }

    [Test]
    public void DcZvaIsTrappedToEl2ByHcrTdz()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 28;
        h.Run("dc zva, x2", maxInstructions: 2);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(1, 3, 7, 4, 1, 2, read: false), Code);
    }

    [Test]
    public void DcIvacAtEl0IsUndefined()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("dc ivac, x0", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void DcCvacAtEl0IsTrappedWithoutSctlrUciAndAllowedWithIt()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.SetX(0, Data);
        h.Run("dc cvac, x0", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x18, SysTest.SysIss(1, 3, 7, 10, 1, 0, read: false), Code);

        using var h2 = SysTest.Harness(el: 0);
        h2.Cpu.S.SCTLR[1] |= 1UL << 26;
        h2.Cpu.SetX(0, Data);
        SysTest.AssertCompleted(h2, h2.Run("""
            dc cvac, x0
            dc civac, x0
            dc cvau, x0
            dc cvap, x0
            ic ivau, x0
            """));
    }

    [Test]
    public void CacheMaintenanceAtEl1IsAccepted()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(0, Data);
        SysTest.AssertCompleted(h, h.Run("""
            dc ivac, x0
            dc civac, x0
            dc isw, x1
            dc csw, x1
            dc cisw, x1
            ic iallu
            ic ialluis
            """));
    }

    [Test]
    public void SetWayMaintenanceIsTrappedByHcrTswAndPocMaintenanceByTpcp()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 22;
        h.Run("dc cisw, x4", maxInstructions: 2);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(1, 0, 7, 14, 2, 4, read: false), Code);

        using var h2 = SysTest.Harness(el: 1, el2: true);
        h2.Cpu.S.Sys.HCR_EL2 |= 1UL << 23;
        h2.Run("dc civac, x4", maxInstructions: 2);
        SysTest.AssertSync(h2, 2, 0x400, 0x18, SysTest.SysIss(1, 3, 7, 14, 1, 4, read: false), Code);
    }

    [Test]
    public void InstructionCacheInvalidationIsUndefinedAtEl0AndTrappedByHcrTpu()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("ic iallu", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);

        using var h2 = SysTest.Harness(el: 1, el2: true);
        h2.Cpu.S.Sys.HCR_EL2 |= 1UL << 24;
        h2.Run("ic ialluis", maxInstructions: 2);
        SysTest.AssertSync(h2, 2, 0x400, 0x18, SysTest.SysIss(1, 0, 7, 1, 0, 31, read: false), Code);
    }

    [Test]
    public void DcCivacOnAnAddressBeyondThePhysicalRangeFaultsWithCm()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(5, 1UL << 50);
        h.Run("dc civac, x5", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x200, 0x25, (1u << 8) | (1u << 6) | 0x00, Code);
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(1UL << 50));
    }

    // ---- SYS encodings ----

    [TestCase(0u, 7u, 0u, 0u, TestName = "SYS #0, C7, C0, #0 is unallocated")]
    [TestCase(0u, 9u, 0u, 0u, TestName = "SYS with CRn = 9 is unallocated")]
    [TestCase(3u, 7u, 4u, 3u, TestName = "DC GVA is UNDEFINED without FEAT_MTE")]
    [TestCase(3u, 7u, 3u, 4u, TestName = "CFP RCTX is UNDEFINED without FEAT_SPECRES")]
    [TestCase(0u, 8u, 1u, 0u, TestName = "TLBI VMALLE1OS is UNDEFINED without FEAT_TLBIOS")]
    [TestCase(0u, 8u, 6u, 1u, TestName = "TLBI RVAE1 is UNDEFINED without FEAT_TLBIRANGE")]
    [TestCase(4u, 8u, 7u, 0u, TestName = "TLBI ALLE2 is UNDEFINED at EL1")]
    [TestCase(6u, 8u, 7u, 0u, TestName = "TLBI ALLE3 is UNDEFINED at EL1")]
    [TestCase(4u, 7u, 8u, 0u, TestName = "AT S1E2R is UNDEFINED at EL1")]
    public void UnallocatedOrUnimplementedSysOperationsAreUndefined(uint op1, uint crn, uint crm, uint op2)
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        SysTest.Step(h, Sys(op1, crn, crm, op2, 0));
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void SyslIsUndefined()
    {
        using var h = SysTest.Harness(el: 1);
        SysTest.Step(h, 0xD5287500);                  // SYSL x0, #0, C7, C5, #0
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    // ---- AT ----

    [Test]
    public void AtWithTheMmuOffWritesTheFlatAddressToPar()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(0, 0x1234_5678);
        SysTest.AssertCompleted(h, h.Run("""
            at s1e1r, x0
            mrs x1, par_el1
            """));
        // PA, SH = Outer Shareable, ATTR = Device-nGnRnE, NS (no EL3: Non-secure), RES1 bit 11, F = 0.
        Assert.That(h.X(1), Is.EqualTo(0x1234_5000UL | (2UL << 7) | (1UL << 9) | (1UL << 11)));
    }

    [Test]
    public void AtBeyondThePhysicalAddressSizeReportsAnAddressSizeFaultInPar()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetX(0, 1UL << 60);
        SysTest.AssertCompleted(h, h.Run("""
            at s1e0w, x0
            mrs x1, par_el1
            """));
        Assert.That(h.X(1), Is.EqualTo(1UL | (1UL << 11)), "F = 1, FST = address size fault level 0");
    }

    [Test]
    public void AtIsUndefinedAtEl0()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("at s1e0r, x0", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    /// <summary>EL1 with the MMU on: code and vectors identity-mapped by a 2 MB block, VA 0x10000000 a user page
    /// (Device, AttrIndx 1) onto RAM + 0x300000, VA 0x10001000 a privileged page.</summary>
    private static CpuHarness MmuHarness(out PageTableBuilder pt)
    {
        var h = SysTest.Harness(el: 1);
        pt = new PageTableBuilder(h.Bus, CpuHarness.RamBase + 0x20_0000, 12, 48);
        pt.Map(CpuHarness.RamBase, CpuHarness.RamBase, 2);
        pt.Map(0x1000_0000, CpuHarness.RamBase + 0x30_0000, 3, PageTableBuilder.AF | PageTableBuilder.ApUser | (1UL << 2));
        pt.Map(0x1000_1000, CpuHarness.RamBase + 0x30_1000, 3, PageTableBuilder.AF);
        h.Cpu.S.MAIR[1] = 0x00FF;                   // index 0 Normal WB, index 1 Device-nGnRnE
        h.Cpu.S.TCR[1] = 16 | (1UL << 23) | (5UL << 32);   // T0SZ = 16, 4K, EPD1, IPS = 48 bits
        h.Cpu.S.TTBR0[1] = pt.Root;
        h.Cpu.S.SCTLR[1] |= 1;
        return h;
    }

    [Test]
    public void AtWithTheMmuOnWalksTheTablesAndReportsTheAttributes()
    {
        using var h = MmuHarness(out _);
        h.Cpu.SetX(0, 0x1000_0123);
        h.Cpu.SetX(2, 0x2000_0000);
        SysTest.AssertCompleted(h, h.Run("""
            at s1e1r, x0
            mrs x1, par_el1
            at s1e1r, x2
            mrs x3, par_el1
            """));
        Assert.That(h.X(1), Is.EqualTo((CpuHarness.RamBase + 0x30_0000) | (2UL << 7) | (1UL << 9) | (1UL << 11)), "Device: ATTR 0x00");
        Assert.That(h.X(3) & 1, Is.EqualTo(1UL), "unmapped: F = 1");
        Assert.That((h.X(3) >> 1) & 0x3C, Is.EqualTo(0x04UL), "translation fault");
    }

    [Test]
    public void AtS1e0rChecksEl0PermissionsAndS1e1rpChecksPan()
    {
        using var h = MmuHarness(out _);
        h.Cpu.SetX(0, 0x1000_1000);                 // privileged-only page
        h.Cpu.SetX(2, 0x1000_0000);                 // user page
        SysTest.AssertCompleted(h, h.Run("""
            at s1e0r, x0
            mrs x1, par_el1
            msr pan, #1
            at s1e1r, x2
            mrs x3, par_el1
            at s1e1rp, x2
            mrs x4, par_el1
            """));
        Assert.That(h.X(1) & 0x7F, Is.EqualTo(1UL | (0x0FUL << 1)), "EL0 permission fault, level 3");
        Assert.That(h.X(3) & 1, Is.EqualTo(0UL), "S1E1R ignores PAN");
        Assert.That(h.X(4) & 1, Is.EqualTo(1UL), "S1E1RP faults under PAN on a user page");
    }

    // ---- TLBI ----

    [Test]
    public void TlbiIsUndefinedAtEl0()
    {
        using var h = SysTest.Harness(el: 0);
        h.Run("tlbi vmalle1", maxInstructions: 2);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void TlbiAtEl1IsTrappedByHcrTtlb()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 25;
        h.Run("tlbi vae1is, x9", maxInstructions: 2);
        SysTest.AssertSync(h, 2, 0x400, 0x18, SysTest.SysIss(1, 0, 8, 3, 1, 9, read: false), Code);
    }

    [Test]
    public void BroadcastTlbiFormsAreDecodedAndForwarded()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        var seen = new List<(TlbiOperation Op, ulong Xt)>();
        h.Cpu.TlbiBroadcast = (_, op, xt) => seen.Add((op, xt));
        h.Cpu.SetX(1, 0x0005_0000_0001_2345);
        SysTest.AssertCompleted(h, h.Run("""
            tlbi vae1is, x1
            tlbi vmalle1
            tlbi aside1is, x1
            tlbi alle2is
            tlbi ipas2le1is, x1
            tlbi vmalls12e1is
            """));
        Assert.That(seen.Select(s => s.Op.Name), Is.EqualTo(new[] { "VAE1IS", "ASIDE1IS", "ALLE2IS", "IPAS2LE1IS", "VMALLS12E1IS" }));
        Assert.That(seen[0].Op.Kind, Is.EqualTo(TlbiKind.Va));
        Assert.That(seen[0].Op.Regime, Is.EqualTo(Regime.EL10));
        Assert.That(TlbiOperation.VaOf(seen[0].Xt), Is.EqualTo(0x1234_5000UL));
        Assert.That(TlbiOperation.AsidOf(seen[0].Xt), Is.EqualTo((ushort)5));
        Assert.That(seen[2].Op.Regime, Is.EqualTo(Regime.EL2));
        Assert.That(seen[3].Op.LastLevel, Is.True);
    }

    [Test]
    public void HcrFbMakesEl1TlbiBroadcast()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 9;
        int n = 0;
        h.Cpu.TlbiBroadcast = (_, _, _) => n++;
        SysTest.AssertCompleted(h, h.Run("tlbi vmalle1"));
        Assert.That(n, Is.EqualTo(1));
    }

    [Test]
    public void OsAndRangeFormsWorkWithTheirFeatures()
    {
        using var h = SysTest.Harness(el: 1, features: Feature.Default | Feature.TLBIOS | Feature.TLBIRANGE);
        var names = new List<string>();
        h.Cpu.TlbiBroadcast = (_, op, _) => names.Add(op.Name);
        SysTest.Step(h, Sys(0, 8, 1, 0, 31));        // TLBI VMALLE1OS
        SysTest.Step(h, Sys(0, 8, 2, 1, 0));         // TLBI RVAE1IS
        SysTest.Step(h, Sys(0, 8, 6, 3, 0));         // TLBI RVAAE1 (not broadcast)
        Assert.That(h.Cpu.Pc, Is.EqualTo(Code + 4));
        Assert.That(names, Is.EqualTo(new[] { "VMALLE1OS", "RVAE1IS" }));
    }

    [Test]
    public void TlbiVae1DropsAStaleTranslation()
    {
        using var h = MmuHarness(out var pt);
        h.Cpu.SetX(0, 0x1000_1000);
        // The first DC CIVAC caches the translation; the page is then unmapped in memory. The stale entry still
        // answers until TLBI VAE1 drops it, after which the translation faults.
        h.Run("dc civac, x0", maxInstructions: 1);
        pt.Map(0x1000_1000, CpuHarness.RamBase + 0x30_1000, 3, 0);   // now without AF: an access flag fault
        h.Cpu.SetX(1, 0x1000_1000 >> 12);
        h.Run("""
            dc civac, x0
            tlbi vae1, x1
            dc civac, x0
            """, maxInstructions: 4);
        SysTest.AssertSync(h, 1, 0x200, 0x25, (1u << 8) | (1u << 6) | 0x0B, Code + 8);
    }

    [Test]
    public void TlbiVmalle1FlushesTheEl10Tlb()
    {
        using var h = SysTest.Harness(el: 1);
        ulong before = h.Cpu.TlbStatistics().Flushes;
        SysTest.AssertCompleted(h, h.Run("tlbi vmalle1"));
        Assert.That(h.Cpu.TlbStatistics().Flushes, Is.EqualTo(before + 1));
    }

    [Test]
    public void WritingTcrFlushesTheTlbOnlyWhenItChanges()
    {
        using var h = SysTest.Harness(el: 1);
        ulong before = h.Cpu.TlbStatistics().Flushes;
        h.Cpu.SetX(0, 0x10);
        SysTest.AssertCompleted(h, h.Run("""
            msr tcr_el1, x0
            msr tcr_el1, x0
            """));
        Assert.That(h.Cpu.TlbStatistics().Flushes, Is.EqualTo(before + 1));
    }
}
