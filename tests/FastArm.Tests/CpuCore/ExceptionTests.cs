using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Jit.State;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>Exception generation, routing, vectors, syndromes and exception return (Arm ARM D1.10, D1.11).</summary>
public unsafe class ExceptionTests
{
    private const ulong Code = CpuHarness.CodeBase;

    // ---- SVC ----

    [Test]
    public void SvcFromEl0EntersEl1AtTheLowerElVectorWithTheNextInstructionAsReturn()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.Nzcv = 0x6000_0000;
        h.Cpu.S.Daif = 0;
        h.Run("svc #0x1234", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x15, 0x1234, Code + 4);
        Assert.That(h.Cpu.S.SPSR[1], Is.EqualTo(0x6000_0000UL), "SPSR: NZCV, DAIF clear, EL0t");
        Assert.That(h.Cpu.S.Daif, Is.EqualTo(0x3C0u), "DAIF masked on entry");
        Assert.That(h.Cpu.S.SpSel, Is.EqualTo(1));
    }

    [Test]
    public void SvcAtEl1WithSpEl0SelectedUsesTheCurrentElSp0Vector()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.SpSel = 0;
        h.Run("svc #1", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x000, 0x15, 1, Code + 4);
        Assert.That(h.Cpu.S.SPSR[1] & 0x1F, Is.EqualTo(0x4UL), "EL1t");
    }

    [Test]
    public void SvcAtEl1WithSpElxSelectedUsesTheCurrentElSpxVector()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("svc #2", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x15, 2, Code + 4);
        Assert.That(h.Cpu.S.SPSR[1] & 0x1F, Is.EqualTo(0x5UL), "EL1h");
    }

    [Test]
    public void SvcFromEl0UnderTgeGoesToEl2()
    {
        using var h = SysTest.Harness(el: 0, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 27;
        h.Run("svc #3", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x15, 3, Code + 4);
    }

    [Test]
    public void SvcAtEl2StaysAtEl2()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Run("svc #4", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x200, 0x15, 4, Code + 4);
    }

    // ---- HVC ----

    [Test]
    public void HvcIsUndefinedAtEl0()
    {
        using var h = SysTest.Harness(el: 0, el2: true);
        h.Run("hvc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void HvcIsUndefinedWithoutEl2()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("hvc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void HvcAtEl1GoesToEl2WithItsImmediate()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Run("hvc #0xabc", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x16, 0xABC, Code + 4);
    }

    [Test]
    public void HvcIsUndefinedWhenScrEl3HceIsClear()
    {
        using var h = SysTest.Harness(el: 1, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 &= ~(1UL << 8);
        h.Run("hvc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void HvcIsUndefinedWhenHcrEl2HcdIsSetWithoutEl3()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 29;
        h.Run("hvc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void HvcIsUndefinedAtSecureEl1()
    {
        using var h = SysTest.Harness(el: 1, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 &= ~1UL;
        h.Run("hvc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void HvcAtEl3IsTakenToEl3()
    {
        using var h = SysTest.Harness(el: 3, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 |= 1UL << 8;
        h.Run("hvc #5", maxInstructions: 3);
        SysTest.AssertSync(h, 3, 0x200, 0x16, 5, Code + 4);
    }

    // ---- SMC ----

    [Test]
    public void SmcIsUndefinedAtEl0()
    {
        using var h = SysTest.Harness(el: 0, el3: true);
        h.Run("smc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void SmcIsUndefinedWithoutEl3()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 19;   // TSC cannot trap what does not exist
        h.Run("smc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void SmcGoesToEl3WithTheNextInstructionAsReturn()
    {
        using var h = SysTest.Harness(el: 1, el3: true);
        h.Run("smc #0x42", maxInstructions: 3);
        SysTest.AssertSync(h, 3, 0x400, 0x17, 0x42, Code + 4);
    }

    [Test]
    public void SmcIsUndefinedWhenScrEl3SmdIsSet()
    {
        using var h = SysTest.Harness(el: 2, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 |= 1UL << 7;
        h.Run("smc #0", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void HcrTscTrapsSmcToEl2BeforeSmdWithTheSmcAsReturn()
    {
        using var h = SysTest.Harness(el: 1, el2: true, el3: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 19;
        h.Cpu.S.Sys.SCR_EL3 |= 1UL << 7;
        h.Run("smc #7", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x17, 7, Code);
    }

    // ---- BRK, HLT, UNDEFINED ----

    [Test]
    public void BrkReportsItsImmediateAndReturnsToItself()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("brk #0x3e8", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x3C, 0x3E8, Code);
    }

    [Test]
    public void BrkAtEl1IsRoutedToEl2ByMdcrEl2Tde()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.MDCR_EL2 |= 1UL << 8;
        h.Run("brk #1", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x400, 0x3C, 1, Code);
    }

    [Test]
    public void HltIsUndefinedWithoutHaltingDebug()
    {
        using var h = SysTest.Harness(el: 1);
        h.Run("hlt #0", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x00, 0, Code);
    }

    [Test]
    public void UndefinedAtEl0UnderTgeGoesToEl2()
    {
        using var h = SysTest.Harness(el: 0, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 27;
        SysTest.Step(h, 0);
        SysTest.AssertSync(h, 2, 0x400, 0x00, 0, Code);
    }

    [Test]
    public void ExceptionEntryToEl1SetsPanUnlessSctlrSpanAndClearsUao()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.SCTLR[1] &= ~(1UL << 23);   // SPAN = 0
        h.Cpu.S.PStateOther = CpuState.PStateUAO;
        h.Run("svc #0", maxInstructions: 3);
        Assert.That(h.Cpu.S.PStateOther & CpuState.PStatePAN, Is.Not.EqualTo(0UL));
        Assert.That(h.Cpu.S.PStateOther & CpuState.PStateUAO, Is.EqualTo(0UL));
        Assert.That(h.Cpu.S.SPSR[1] & CpuState.PStateUAO, Is.Not.EqualTo(0UL), "saved in SPSR");
    }

    // ---- ERET ----

    [Test]
    public void EretReturnsToEl0WithTheSavedState()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.ELR[1] = Code + 8;
        h.Cpu.S.SPSR[1] = 0x9000_0000UL | 0x80;   // N V, I masked, EL0t
        h.Run("""
            eret
            add x0, x0, #100
            add x0, x0, #1
            """);
        Assert.That(h.Cpu.S.EL, Is.EqualTo(0));
        Assert.That(h.X(0), Is.EqualTo(1UL));
        Assert.That(h.Cpu.S.Nzcv, Is.EqualTo(0x9000_0000u));
        Assert.That(h.Cpu.S.Daif, Is.EqualTo(0x80u));
        Assert.That(h.Cpu.S.SpSel, Is.EqualTo(0));
    }

    [Test]
    public void IllegalEretToAHigherElSetsIlAndTheTargetTakesAnIllegalStateException()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.ELR[1] = Code + 8;
        h.Cpu.S.SPSR[1] = 0x2000_0000UL | 0x9;    // C, EL2h: higher than EL1
        h.Run("""
            eret
            nop
            add x0, x0, #1
            """, maxInstructions: 5);
        SysTest.AssertSync(h, 1, 0x200, 0x0E, 0, Code + 8);
        Assert.That(h.X(0), Is.EqualTo(0UL), "the instruction at the target did not execute");
        Assert.That(h.Cpu.S.SPSR[1] & CpuState.PStateIL, Is.Not.EqualTo(0UL), "SPSR_EL1.IL");
        Assert.That(h.Cpu.S.SPSR[1] & 0x1F, Is.EqualTo(0x5UL), "EL and SP unchanged by the illegal return");
        Assert.That(h.Cpu.S.SPSR[1] >> 28, Is.EqualTo(2UL), "NZCV restored even so");
        Assert.That(h.Cpu.S.PStateOther & CpuState.PStateIL, Is.EqualTo(0UL), "IL cleared on exception entry");
    }

    [TestCase(0x10UL, TestName = "ERET to AArch32 state is an illegal return")]
    [TestCase(0x1UL, TestName = "ERET to EL0 with SPSR.M[0] = 1 is an illegal return")]
    [TestCase(0x6UL, TestName = "ERET with SPSR.M[1] = 1 is an illegal return")]
    public void IllegalSpsrModesMakeIllegalReturns(ulong m)
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.ELR[1] = Code + 4;
        h.Cpu.S.SPSR[1] = m;
        h.Run("eret\nnop", maxInstructions: 3);
        SysTest.AssertSync(h, 1, 0x200, 0x0E, 0, Code + 4);
    }

    [Test]
    public void EretToEl2InSecureStateIsIllegal()
    {
        using var h = SysTest.Harness(el: 3, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 &= ~1UL;
        h.Cpu.S.ELR[3] = Code + 4;
        h.Cpu.S.SPSR[3] = 0x9;
        h.Run("eret\nnop", maxInstructions: 3);
        SysTest.AssertSync(h, 3, 0x200, 0x0E, 0, Code + 4);
    }

    [Test]
    public void EretToEl2InNonSecureStateIsLegal()
    {
        using var h = SysTest.Harness(el: 3, el2: true, el3: true);
        h.Cpu.S.Sys.SCR_EL3 |= 1UL;
        h.Cpu.S.ELR[3] = Code + 4;
        h.Cpu.S.SPSR[3] = 0x9;
        SysTest.AssertCompleted(h, h.Run("eret\nnop"));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(2));
    }

    [Test]
    public void EretToEl1WhileHcrTgeIsSetIsIllegal()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 27;
        h.Cpu.S.ELR[2] = Code + 4;
        h.Cpu.S.SPSR[2] = 0x5;
        h.Run("eret\nnop", maxInstructions: 3);
        SysTest.AssertSync(h, 2, 0x200, 0x0E, 0, Code + 4);
    }

    [Test]
    public void EretSetsTheEventRegisterAndClearsTheExclusiveMonitor()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.ExclusiveArmed = 1;
        h.Cpu.S.ELR[1] = Code + 4;
        h.Cpu.S.SPSR[1] = 0x5;
        SysTest.AssertCompleted(h, h.Run("eret\nnop"));
        Assert.That(h.Cpu.S.Sys.EventRegister, Is.EqualTo(1UL));
        Assert.That(h.Cpu.S.ExclusiveArmed, Is.EqualTo(0));
    }

    [Test]
    public void EretDropsTheTagOfTheReturnAddressUnderTopByteIgnore()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.TCR[1] |= 1UL << 37;              // TBI0
        h.Cpu.S.ELR[1] = 0x5A00_0000_0000_0000UL | (Code + 4);
        h.Cpu.S.SPSR[1] = 0;
        SysTest.AssertCompleted(h, h.Run("eret\nnop"));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(0));
    }

    [Test]
    public void EretUnmaskingAPendingIrqTakesItBeforeTheNextInstruction()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.SetIrq(true);
        h.Cpu.S.ELR[1] = Code + 4;
        h.Cpu.S.SPSR[1] = 0;                      // EL0t, DAIF clear
        h.Run("""
            eret
            add x0, x0, #1
            """, maxInstructions: 4);
        Assert.That(h.X(0), Is.EqualTo(0UL));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x480), "IRQ from a lower EL");
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(Code + 4));
    }

    // ---- interrupts ----

    [Test]
    public void IrqRoutedToEl2ByImoIsTakenEvenWhilePstateMasksIt()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= 1UL << 4;          // IMO
        h.Cpu.S.Daif = 0x3C0;
        h.Cpu.SetIrq(true);
        h.Run("nop\nnop", maxInstructions: 2);
        Assert.That(h.Cpu.S.EL, Is.EqualTo(2));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x480));
    }

    [Test]
    public void FiqRoutedToEl3ByScrFiqUsesTheFiqVector()
    {
        using var h = SysTest.Harness(el: 1, el3: true);
        h.Cpu.S.Sys.SCR_EL3 |= 1UL << 2;
        h.Cpu.SetFiq(true);
        h.Run("nop\nnop", maxInstructions: 2);
        Assert.That(h.Cpu.S.EL, Is.EqualTo(3));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x500));
    }

    [Test]
    public void IrqAtTheSameElWithSpxUsesVector280WhenUnmasked()
    {
        using var h = SysTest.Harness(el: 1);
        h.Cpu.S.Daif = 0;
        h.Cpu.SetIrq(true);
        h.Run("nop\nnop", maxInstructions: 2);
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x280));
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(Code));
    }

    [Test]
    public void SErrorFromEl0UsesVector580()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.Daif = 0;
        h.Cpu.SetSError(true);
        h.Run("nop\nnop", maxInstructions: 2);
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x580));
        Assert.That(h.Cpu.S.ESR[1] >> 26, Is.EqualTo(0x2FUL));
    }

    [Test]
    public void IrqRoutedToEl1IsNotTakenAtEl2()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Cpu.S.Daif = 0;
        h.Cpu.SetIrq(true);
        SysTest.AssertCompleted(h, h.Run("nop\nnop"));
    }

    [Test]
    public void IrqForEl1IsMaskedByPstateAtEl0()
    {
        using var h = SysTest.Harness(el: 0);
        h.Cpu.S.Daif = 0x80;
        h.Cpu.SetIrq(true);
        SysTest.AssertCompleted(h, h.Run("nop\nnop"));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(0));
    }

    [Test]
    public void VirtualIrqIsTakenAtEl1WhenHcrViAndImoAreSet()
    {
        using var h = SysTest.Harness(el: 2, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= (1UL << 7) | (1UL << 4);   // VI, IMO
        h.Cpu.S.ELR[2] = Code + 4;
        h.Cpu.S.SPSR[2] = 0x5;                              // EL1h, unmasked
        h.Run("eret\nnop\nnop", maxInstructions: 3);
        Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x280));
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(Code + 4));
    }

    [Test]
    public void VirtualIrqIsMaskedByPstateI()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Sys.HCR_EL2 |= (1UL << 7) | (1UL << 4);
        h.Cpu.S.Daif = 0x80;
        SysTest.AssertCompleted(h, h.Run("nop\nnop"));
        Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
    }

    [Test]
    public void VirtualSErrorIsTakenOnceAndClearsHcrVse()
    {
        using var h = SysTest.Harness(el: 1, el2: true);
        h.Cpu.S.Daif = 0;
        h.Cpu.SetX(0, (1UL << 8) | (1UL << 5) | (1UL << 31));   // VSE, AMO
        h.Cpu.S.EL = 2;
        h.Cpu.TryWriteSysReg("HCR_EL2", h.Cpu.GetX(0));
        h.Cpu.S.EL = 1;
        h.Run("nop\nnop", maxInstructions: 2);
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x380));
        Assert.That(h.Cpu.S.Sys.HCR_EL2 & (1UL << 8), Is.EqualTo(0UL));
    }
}
