using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>
/// Alignment faults, external aborts, page-crossing accesses and the SP alignment check, with the syndromes
/// QEMU 7.2 (-M virt -cpu max) gives for the same code (docs/notes/memory-access.md).
/// </summary>
public unsafe class LoadStoreFaultTests
{
    private const ulong AlignmentLoad = 0x9600_0021, AlignmentStore = 0x9600_0061;
    private const ulong ExternalLoad = 0x9600_0010, ExternalStore = 0x9600_0050;

    private static CpuHarness WithSctlrA()
    {
        var h = LsKit.New();
        h.Cpu.S.SCTLR[1] |= 2;
        return h;
    }

    private static void AssertFault(CpuHarness h, string asm, ulong esr, ulong far)
    {
        ulong got = LsKit.Faults(h, asm);
        Assert.That(got, Is.EqualTo(esr), $"ESR_EL1 0x{got:X}");
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(far), "FAR_EL1");
        Assert.That(h.Cpu.S.ELR[1], Is.EqualTo(CpuHarness.CodeBase), "ELR_EL1 is the faulting instruction");
    }

    // ---- SCTLR_ELx.A ----

    [Test]
    public void UnalignedLoadWithSctlrAFaultsWithTheExactAddressInFar()
    {
        using var h = WithSctlrA();
        h.Cpu.SetX(1, LsKit.Data + 1);
        h.Cpu.SetX(2, 0x5555);
        AssertFault(h, "ldr x2, [x1]", AlignmentLoad, LsKit.Data + 1);
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
    }

    [Test]
    public void UnalignedStoreWithSctlrAFaultsAsAWriteAndLeavesMemory()
    {
        using var h = WithSctlrA();
        h.Cpu.SetX(1, LsKit.Data + 4);
        h.Cpu.SetX(2, 0x5555);
        AssertFault(h, "str x2, [x1]", AlignmentStore, LsKit.Data + 4);
        Assert.That(LsKit.Read(h, LsKit.Data + 4), Is.EqualTo(LsKit.Pattern(4)));
    }

    [Test]
    public void SctlrAChecksEachPairElementAtItsOwnSize()
    {
        using var h = WithSctlrA();
        h.Cpu.SetX(1, LsKit.Data + 4);
        LsKit.Ok(h, "ldp w2, w3, [x1]");
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(8, 4)));
        AssertFault(h, "ldp x2, x3, [x1]", AlignmentLoad, LsKit.Data + 4);
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(8, 4)));
    }

    [Test]
    public void SctlrAChecksQRegistersForSixteenByteAlignment()
    {
        using var h = WithSctlrA();
        h.Cpu.SetX(1, LsKit.Data + 8);
        AssertFault(h, "ldr q0, [x1]", AlignmentLoad, LsKit.Data + 8);
        AssertFault(h, "ldp q0, q1, [x1]", AlignmentLoad, LsKit.Data + 8);
        AssertFault(h, "str q0, [x1]", AlignmentStore, LsKit.Data + 8);
        AssertFault(h, "ldnp q0, q1, [x1]", AlignmentLoad, LsKit.Data + 8);
        LsKit.Ok(h, "ldr d0, [x1]");
        h.Cpu.SetX(1, LsKit.Data + 4);
        AssertFault(h, "ldr d0, [x1]", AlignmentLoad, LsKit.Data + 4);
        AssertFault(h, "ldp d0, d1, [x1]", AlignmentLoad, LsKit.Data + 4);
    }

    [Test]
    public void ByteAccessesNeverTakeAlignmentFaults()
    {
        using var h = WithSctlrA();
        h.Cpu.SetX(1, LsKit.Data + 1);
        LsKit.Ok(h, """
            ldrb w2, [x1]
            strb w2, [x1, #2]
            ldr b0, [x1]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(1, 1)));
    }

    [Test]
    public void AFaultingPostIndexedLoadDoesNotWriteTheBaseBack()
    {
        using var h = WithSctlrA();
        h.Cpu.SetX(6, LsKit.Data + 4);
        h.Cpu.SetX(2, 0x5555);
        AssertFault(h, "ldr x2, [x6], #8", AlignmentLoad, LsKit.Data + 4);
        Assert.That(h.X(6), Is.EqualTo(LsKit.Data + 4));
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
        AssertFault(h, "str x2, [x6, #2]!", AlignmentStore, LsKit.Data + 6);
        Assert.That(h.X(6), Is.EqualTo(LsKit.Data + 4));
    }

    // ---- MMU off, SCTLR_ELx.A = 0 ----

    [Test]
    public void UnalignedAccessesWithTheMmuOffWorkAsInQemu()
    {
        using var h = LsKit.New();
        Assert.That(h.Cpu.DeviceAlignmentWithMmuOff, Is.False);
        h.Cpu.SetX(1, LsKit.Data + 1);
        h.Cpu.SetX(9, 0x1122_3344_5566_7788UL);
        LsKit.Ok(h, """
            ldr x2, [x1]
            ldrh w3, [x1]
            ldp x4, x5, [x1, #8]
            ldr q0, [x1]
            str x9, [x1, #2]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(1)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(1, 2)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(9)));
        Assert.That(h.X(5), Is.EqualTo(LsKit.Pattern(17)));
        Assert.That(h.Cpu.S.V[0], Is.EqualTo(LsKit.Pattern(1)));
        Assert.That(h.Cpu.S.V[1], Is.EqualTo(LsKit.Pattern(9)));
        Assert.That(LsKit.Read(h, LsKit.Data + 3), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    [Test]
    public void DeviceAlignmentWithMmuOffMakesUnalignedAccessesFault()
    {
        using var h = LsKit.New();
        h.Cpu.DeviceAlignmentWithMmuOff = true;
        h.Cpu.SetX(1, LsKit.Data + 2);
        AssertFault(h, "ldr w2, [x1]", AlignmentLoad, LsKit.Data + 2);
        AssertFault(h, "strh w2, [x1, #-1]", AlignmentStore, LsKit.Data + 1);
        LsKit.Ok(h, "ldrh w2, [x1]");
    }

    [Test]
    public void AccessesCrossingAPageInsideRamWork()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0xFFC);
        h.Cpu.SetX(9, 0x0102_0304_0506_0708UL);
        LsKit.Ok(h, """
            str x9, [x1]
            ldr x2, [x1]
            ldr q0, [x1, #-8]
            """);
        Assert.That(h.X(2), Is.EqualTo(0x0102_0304_0506_0708UL));
        Assert.That(h.Cpu.S.V[1], Is.EqualTo(0x0102_0304_0506_0708UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x1000, 4), Is.EqualTo(0x0102_0304UL));
    }

    // ---- always-aligned accesses ----

    [TestCase("ldxr x2, [x1]", 4, AlignmentLoad)]
    [TestCase("ldxr w2, [x1]", 2, AlignmentLoad)]
    [TestCase("ldaxrh w2, [x1]", 1, AlignmentLoad)]
    [TestCase("ldaxp x2, x3, [x1]", 8, AlignmentLoad)]
    [TestCase("ldxp w2, w3, [x1]", 4, AlignmentLoad)]
    [TestCase("ldar x2, [x1]", 4, AlignmentLoad)]
    [TestCase("ldarh w2, [x1]", 1, AlignmentLoad)]
    [TestCase("stlr x2, [x1]", 4, AlignmentStore)]
    [TestCase("stlrh w2, [x1]", 1, AlignmentStore)]
    [TestCase("ldadd x2, x3, [x1]", 4, AlignmentLoad)]
    [TestCase("ldsetah w2, w3, [x1]", 1, AlignmentLoad)]
    [TestCase("swp w2, w3, [x1]", 2, AlignmentLoad)]
    [TestCase("stadd x2, [x1]", 4, AlignmentLoad)]
    [TestCase("cas x2, x3, [x1]", 4, AlignmentLoad)]
    [TestCase("casp x2, x3, x4, x5, [x1]", 8, AlignmentLoad)]
    [TestCase("casp w2, w3, w4, w5, [x1]", 4, AlignmentLoad)]
    public void ExclusiveAtomicAndOrderedAccessesMustBeAlignedEvenWithSctlrAClear(string insn, int offset, ulong esr)
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + (ulong)offset);
        for (int r = 2; r <= 5; r++) h.Cpu.SetX(r, 0x5555);
        AssertFault(h, insn, esr, LsKit.Data + (ulong)offset);
        for (int r = 2; r <= 5; r++) Assert.That(h.X(r), Is.EqualTo(0x5555UL), $"X{r}");
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(LsKit.Pattern(8)));
    }

    [Test]
    public void UnalignedStoreExclusiveWithoutTheMonitorJustFailsAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 4);
        h.Cpu.SetX(5, LsKit.Data);
        LsKit.Ok(h, """
            stxr w2, x3, [x1]
            ldxr x6, [x5]
            stxr w4, x3, [x1]
            """);
        Assert.That(h.X(2), Is.EqualTo(1UL));
        Assert.That(h.X(4), Is.EqualTo(1UL));
    }

    [Test]
    public void StoreExclusiveLargerThanItsUnalignedLoadExclusiveTakesAWriteAlignmentFault()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 1);
        h.Cpu.SetX(2, 0x5555);
        LsKit.Ok(h, "ldxrb w6, [x1]");
        AssertFault(h, "stxr w2, x3, [x1]", AlignmentStore, LsKit.Data + 1);
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
    }

    // ---- external aborts ----

    [TestCase("ldr x2, [x1]", ExternalLoad)]
    [TestCase("ldrb w2, [x1]", ExternalLoad)]
    [TestCase("str x2, [x1]", ExternalStore)]
    [TestCase("ldtr x2, [x1]", ExternalLoad)]
    [TestCase("ldr q0, [x1]", ExternalLoad)]
    [TestCase("stp q0, q1, [x1]", ExternalStore)]
    [TestCase("ldxr x2, [x1]", ExternalLoad)]
    [TestCase("ldar x2, [x1]", ExternalLoad)]
    [TestCase("stlr w2, [x1]", ExternalStore)]
    [TestCase("ldadd x2, x3, [x1]", ExternalLoad)]
    [TestCase("swp x2, x3, [x1]", ExternalLoad)]
    [TestCase("cas x2, x3, [x1]", ExternalLoad)]
    public void AccessesWhereNothingAnswersTakeASynchronousExternalAbort(string insn, ulong esr)
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.RamEnd);
        h.Cpu.SetX(2, 0x5555);
        h.Cpu.SetX(3, 0x6666);
        AssertFault(h, insn, esr, LsKit.RamEnd);
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
        Assert.That(h.X(3), Is.EqualTo(0x6666UL));
    }

    [Test]
    public void StoreExclusiveAndPrefetchWhereNothingAnswersDoNotFault()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.RamEnd);
        LsKit.Ok(h, """
            stxr w2, x3, [x1]
            prfm pldl1keep, [x1]
            """);
        Assert.That(h.X(2), Is.EqualTo(1UL));
    }

    // ---- accesses crossing into nothing: FAR is the first byte past the end, nothing changes ----

    [Test]
    public void ALoadCrossingOutOfRamFaultsAtTheFirstMissingByte()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(6, LsKit.RamEnd - 4);
        h.Cpu.SetX(2, 0x5555);
        AssertFault(h, "ldr x2, [x6], #8", ExternalLoad, LsKit.RamEnd);
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
        Assert.That(h.X(6), Is.EqualTo(LsKit.RamEnd - 4));
    }

    [Test]
    public void AStoreCrossingOutOfRamWritesNothing()
    {
        using var h = LsKit.New();
        LsKit.Write(h, LsKit.RamEnd - 8, 0x1122_3344_5566_7788UL);
        h.Cpu.SetX(1, LsKit.RamEnd - 4);
        h.Cpu.SetX(2, 0x6666);
        AssertFault(h, "str x2, [x1]", ExternalStore, LsKit.RamEnd);
        Assert.That(LsKit.Read(h, LsKit.RamEnd - 8), Is.EqualTo(0x1122_3344_5566_7788UL));
        h.Cpu.SetX(1, LsKit.RamEnd - 8);
        AssertFault(h, "str q0, [x1]", ExternalStore, LsKit.RamEnd);
        Assert.That(LsKit.Read(h, LsKit.RamEnd - 8), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    [Test]
    public void APairWhoseSecondElementFaultsChangesNeitherRegistersNorMemory()
    {
        using var h = LsKit.New();
        LsKit.Write(h, LsKit.RamEnd - 8, 0x1122_3344_5566_7788UL);
        h.Cpu.SetX(1, LsKit.RamEnd - 8);
        h.Cpu.SetX(2, 0x5555);
        h.Cpu.SetX(3, 0x6666);
        h.Cpu.S.V[2] = 0x7777;
        AssertFault(h, "ldp x2, x3, [x1]", ExternalLoad, LsKit.RamEnd);
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
        AssertFault(h, "ldp d1, d2, [x1]", ExternalLoad, LsKit.RamEnd);
        Assert.That(h.Cpu.S.V[2], Is.EqualTo(0x7777UL));
        AssertFault(h, "stp x2, x3, [x1]", ExternalStore, LsKit.RamEnd);
        Assert.That(LsKit.Read(h, LsKit.RamEnd - 8), Is.EqualTo(0x1122_3344_5566_7788UL));
        AssertFault(h, "stp w2, w3, [x1, #4]", ExternalStore, LsKit.RamEnd);
        Assert.That(LsKit.Read(h, LsKit.RamEnd - 8), Is.EqualTo(0x1122_3344_5566_7788UL));
        h.Cpu.SetX(1, LsKit.RamEnd - 16);
        AssertFault(h, "stp q0, q1, [x1]", ExternalStore, LsKit.RamEnd);
        Assert.That(LsKit.Read(h, LsKit.RamEnd - 8), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    // ---- SP alignment ----

    [Test]
    public void MisalignedSpAsABaseTakesTheSpAlignmentFaultWhenSctlrSaIsSet()
    {
        using var h = LsKit.New();
        h.Cpu.S.SCTLR[1] |= 8;   // SA
        h.Cpu.Sp = CpuHarness.StackTop - 8;
        h.Cpu.SetX(2, 0x5555);
        ulong esr = LsKit.Faults(h, "ldr x2, [sp, #8]");
        Assert.That(esr, Is.EqualTo((0x26UL << 26) | (1UL << 25)));
        Assert.That(h.X(2), Is.EqualTo(0x5555UL));
        Assert.That(LsKit.Ec(LsKit.Faults(h, "stp x2, x3, [sp, #-16]!")), Is.EqualTo(0x26UL));
        Assert.That(LsKit.Ec(LsKit.Faults(h, "ldxr x2, [sp]")), Is.EqualTo(0x26UL));
        Assert.That(LsKit.Ec(LsKit.Faults(h, "ldadd x2, x3, [sp]")), Is.EqualTo(0x26UL));
        Assert.That(LsKit.Ec(LsKit.Faults(h, "ldr q0, [sp]")), Is.EqualTo(0x26UL));
    }

    [Test]
    public void MisalignedSpIsFineWhenSctlrSaIsClear()
    {
        using var h = LsKit.New();
        h.Cpu.S.SCTLR[1] &= ~8UL;
        h.Cpu.Sp = CpuHarness.StackTop - 8;
        LsKit.Ok(h, "ldr x2, [sp]");
    }

    [Test]
    public void TheSpAlignmentCheckComesBeforeTheAccessAlignmentCheck()
    {
        using var h = WithSctlrA();
        h.Cpu.S.SCTLR[1] |= 8;
        h.Cpu.Sp = CpuHarness.StackTop - 4;
        Assert.That(LsKit.Ec(LsKit.Faults(h, "ldr x2, [sp]")), Is.EqualTo(0x26UL));
    }

    // ---- faults from EL0 go to EL1 as lower-EL data aborts ----

    [Test]
    public void AFaultAtEl0IsALowerElDataAbortAtEl1()
    {
        using var h = LsKit.New();
        h.Cpu.S.SPSR[1] = 0;   // EL0t
        h.Cpu.S.ELR[1] = CpuHarness.CodeBase;
        h.Cpu.ExceptionReturn();
        h.Cpu.SetX(1, LsKit.Data + 2);
        h.Run("ldaxr w2, [x1]", maxInstructions: 50);
        Assert.That(h.Cpu.S.EL, Is.EqualTo(1));
        Assert.That(h.Cpu.Pc, Is.EqualTo(CpuHarness.VectorBase + 0x400));
        Assert.That(h.Cpu.S.ESR[1], Is.EqualTo((0x24UL << 26) | (1UL << 25) | 0x21));
        Assert.That(h.Cpu.S.FAR[1], Is.EqualTo(LsKit.Data + 2));
    }

    // ---- addresses with the MMU off ----

    [Test]
    public void AnAddressAbovePaBitsTakesAnAddressSizeFault()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, 1UL << 52);
        AssertFault(h, "ldr x2, [x1]", 0x9600_0000, 1UL << 52);
    }

    [Test]
    public void TopByteIgnoreAppliesWithTheMmuOff()
    {
        using var h = LsKit.New();
        ulong tagged = (0x5AUL << 56) | LsKit.Data;
        h.Cpu.SetX(1, tagged);
        AssertFault(h, "ldr x2, [x1]", 0x9600_0000, tagged);
        h.Cpu.S.TCR[1] = 1UL << 37;   // TBI0
        LsKit.Ok(h, "ldr x2, [x1]");
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0)));
        // Bit 55 picks TBI1 for the upper half; with only TBI0 the top byte counts.
        ulong upper = (0xFFUL << 56) | (1UL << 55) | LsKit.Data;
        h.Cpu.SetX(1, upper);
        AssertFault(h, "ldr x2, [x1]", 0x9600_0000, upper);
        h.Cpu.S.TCR[1] |= 1UL << 38;   // TBI1: bits 55..52 still must be zero
        AssertFault(h, "ldr x2, [x1]", 0x9600_0000, upper);
        h.Cpu.SetX(1, (0xFFUL << 56) | LsKit.Data);
        LsKit.Ok(h, "ldr x2, [x1]");
    }
}
