using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register) and their aliases MOV, MVN, TST.</summary>
public class DataProcessingLogicalShiftedTests
{
    [TestCase("and x0, x1, x2", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0x0F00_0F00_0F00_0F00UL)]
    [TestCase("and x0, x1, x2, lsl #4", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0xFF00_FF00_FF00_FF00UL)]
    [TestCase("and x0, x1, x2, lsl #63", ulong.MaxValue, 0x3UL, 0x8000_0000_0000_0000UL)]
    [TestCase("orr x0, x1, x2, lsr #60", 0UL, 0xF000_0000_0000_0000UL, 0xFUL)]
    [TestCase("orr x0, x1, x2, lsr #63", 0x10UL, 0x8000_0000_0000_0000UL, 0x11UL)]
    [TestCase("eor x0, x1, x2, asr #63", 0x1234UL, 0x8000_0000_0000_0000UL, 0xFFFF_FFFF_FFFF_EDCBUL)]
    [TestCase("eor x0, x1, x2, asr #4", 0UL, 0x8000_0000_0000_0010UL, 0xF800_0000_0000_0001UL)]
    [TestCase("and x0, x1, x2, ror #8", ulong.MaxValue, 0xABUL, 0xAB00_0000_0000_0000UL)]
    [TestCase("orr x0, x1, x2, ror #63", 0UL, 0x8000_0000_0000_0001UL, 0x3UL)]
    [TestCase("bic x0, x1, x2", ulong.MaxValue, 0xF0UL, 0xFFFF_FFFF_FFFF_FF0FUL)]
    [TestCase("bic x0, x1, x2, lsr #4", ulong.MaxValue, 0xF0UL, 0xFFFF_FFFF_FFFF_FFF0UL)]
    [TestCase("orn x0, x1, x2", 0x1UL, ulong.MaxValue, 0x1UL)]
    [TestCase("orn x0, x1, x2, lsl #60", 0UL, 0x1UL, 0xEFFF_FFFF_FFFF_FFFFUL)]
    [TestCase("eon x0, x1, x2", 0x5555_5555_5555_5555UL, 0x3333_3333_3333_3333UL, 0x9999_9999_9999_9999UL)]
    [TestCase("eon x0, x1, x2, ror #32", 0UL, 0xFFFF_FFFF_0000_0000UL, 0xFFFF_FFFF_0000_0000UL)]
    [TestCase("mov x0, x2", 0UL, 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [TestCase("mvn x0, x2", 0UL, 0UL, ulong.MaxValue)]
    [TestCase("mvn x0, x2, asr #1", 0UL, 0x8000_0000_0000_0000UL, 0x3FFF_FFFF_FFFF_FFFFUL)]
    [TestCase("orr w0, w1, w2, lsl #31", 0xFFFF_FFFF_0000_0000UL, 0x1UL, 0x8000_0000UL)]
    [TestCase("orr w0, wzr, w2, asr #31", 0UL, 0x8000_0000UL, 0xFFFF_FFFFUL)]
    [TestCase("orr w0, wzr, w2, asr #31", 0UL, 0xFFFF_FFFF_7FFF_FFFFUL, 0UL)]
    [TestCase("orr w0, wzr, w2, asr #4", 0UL, 0x0000_0001_8000_0000UL, 0xF800_0000UL)]
    [TestCase("orr w0, wzr, w2, lsr #16", 0UL, 0xFFFF_FFFF_1234_5678UL, 0x1234UL)]
    [TestCase("orr w0, wzr, w2, lsr #31", 0UL, 0xFFFF_FFFF_7FFF_FFFFUL, 0UL)]
    [TestCase("orr w0, wzr, w2, ror #4", 0UL, 0xFFFF_FFFF_0000_000FUL, 0xF000_0000UL)]
    [TestCase("orr w0, wzr, w2, ror #31", 0UL, 0x8000_0000UL, 0x1UL)]
    [TestCase("mvn w0, w2", 0UL, 0UL, 0xFFFF_FFFFUL)]
    [TestCase("bic w0, w1, w2", ulong.MaxValue, 0x1UL, 0xFFFF_FFFEUL)]
    [TestCase("eon w0, w1, w2", 0UL, 0UL, 0xFFFF_FFFFUL)]
    [TestCase("orn w0, w1, w2, lsl #31", 0UL, 0x1UL, 0x7FFF_FFFFUL)]
    public void LogicalShiftedRegisterComputesOnDatasizeBits(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase("ands x0, x1, x2", 0x8000_0000_0000_0001UL, ulong.MaxValue, 0x8000_0000_0000_0001UL, "N---")]
    [TestCase("ands x0, x1, x2", 0xF0UL, 0x0FUL, 0UL, "-Z--")]
    [TestCase("ands x0, x1, x2, lsl #1", 0x2UL, 0x1UL, 0x2UL, "----")]
    [TestCase("ands x0, x1, x2, ror #1", ulong.MaxValue, 0x1UL, 0x8000_0000_0000_0000UL, "N---")]
    [TestCase("bics x0, x1, x2", 0x8000_0000_0000_0001UL, 0x1UL, 0x8000_0000_0000_0000UL, "N---")]
    [TestCase("bics x0, x1, x2", 0x1UL, 0x1UL, 0UL, "-Z--")]
    [TestCase("ands w0, w1, w2", 0xFFFF_FFFF_0000_0000UL, ulong.MaxValue, 0UL, "-Z--")]
    [TestCase("ands w0, w1, w2", 0x8000_0000UL, ulong.MaxValue, 0x8000_0000UL, "N---")]
    [TestCase("ands w0, w1, w2, lsl #31", ulong.MaxValue, 0x1UL, 0x8000_0000UL, "N---")]
    [TestCase("bics w0, w1, w2", 0x8000_0000UL, 0x8000_0000UL, 0UL, "-Z--")]
    [TestCase("bics w0, w1, w2, asr #1", ulong.MaxValue, 0x8000_0000UL, 0x3FFF_FFFFUL, "----")]
    public void AndsAndBicsSetNAndZAndClearCAndV(string asm, ulong x1, ulong x2, ulong expected, string flags) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, flags)));

    [Test]
    public void TstAndRegisterThirtyOneDestinationsDiscardTheResult()
    {
        using var h = Dp.Run("tst x1, x2\n and xzr, x1, x2\n orr xzr, x1, x2", 0x1, 0x1, flags: "NZCV");
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo("----"));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop), "Rd = 31 is XZR in the shifted register forms");
        Assert.That(h.X(0), Is.EqualTo(Dp.Sentinel));
    }

    [Test]
    public void RegisterThirtyOneReadsAsZero()
    {
        // ORR X0, XZR, X1 and ORR X0, X1, XZR: Rn and Rm 31 are XZR, never SP.
        Assert.That(Dp.Exec(".inst 0xAA0103E0", 0x1234).X0, Is.EqualTo(0x1234UL));
        Assert.That(Dp.Exec(".inst 0xAA1F0020", 0x1234).X0, Is.EqualTo(0x1234UL));
        Assert.That(Dp.Exec(".inst 0xEA1F0020", 0x1234, flags: "--CV").Flags, Is.EqualTo("-Z--"));   // ANDS X0, X1, XZR
    }

    [TestCase(0x0A00_8020u)]   // AND W0, W1, W0, LSL #32
    [TestCase(0x0A02_FC20u)]   // AND W0, W1, W2, LSL #63
    [TestCase(0x0AC2_8020u)]   // AND W0, W1, W2, ROR #32
    [TestCase(0x2A22_8020u)]   // ORN W, imm6 = 32
    [TestCase(0x4A42_8020u)]   // EOR W, LSR #32
    [TestCase(0x6A82_8020u)]   // ANDS W, ASR #32
    [TestCase(0x6AA2_803Fu)]   // BICS WZR, imm6 = 32
    public void ThirtyTwoBitShiftsOfThirtyTwoOrMoreAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>ADD, ADDS, SUB, SUBS (shifted register) and their aliases NEG, NEGS, CMP, CMN.</summary>
public class DataProcessingAddSubShiftedTests
{
    [TestCase("add x0, x1, x2", 40UL, 2UL, 42UL)]
    [TestCase("add x0, x1, x2, lsl #63", 1UL, 1UL, 0x8000_0000_0000_0001UL)]
    [TestCase("add x0, x1, x2, lsr #1", 1UL, ulong.MaxValue, 0x8000_0000_0000_0000UL)]
    [TestCase("add x0, x1, x2, asr #1", 1UL, 0x8000_0000_0000_0000UL, 0xC000_0000_0000_0001UL)]
    [TestCase("add x0, x1, x2, asr #63", 1UL, 0x8000_0000_0000_0000UL, 0UL)]
    [TestCase("sub x0, x1, x2", 0UL, 1UL, ulong.MaxValue)]
    [TestCase("sub x0, x1, x2, lsl #4", 0x100UL, 0x10UL, 0UL)]
    [TestCase("neg x0, x2", 0UL, 1UL, ulong.MaxValue)]
    [TestCase("neg x0, x2", 0UL, 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL)]
    [TestCase("neg x0, x2, lsr #62", 0UL, 0xC000_0000_0000_0000UL, 0xFFFF_FFFF_FFFF_FFFDUL)]
    [TestCase("add w0, w1, w2", 0xFFFF_FFFF_FFFF_FFFFUL, 1UL, 0UL)]
    [TestCase("add w0, w1, w2, lsl #31", 0UL, 0x3UL, 0x8000_0000UL)]
    [TestCase("sub w0, w1, w2, lsr #31", 0UL, 0x8000_0000UL, 0xFFFF_FFFFUL)]
    [TestCase("sub w0, w1, w2, asr #31", 0UL, 0x8000_0000UL, 1UL)]
    [TestCase("sub w0, w1, w2, asr #31", 0UL, 0xFFFF_FFFF_7FFF_FFFFUL, 0UL)]
    [TestCase("add w0, w1, w2, lsr #4", 0UL, 0x0000_000F_F000_0000UL, 0x0F00_0000UL)]
    [TestCase("neg w0, w2", 0UL, 1UL, 0xFFFF_FFFFUL)]
    public void AddAndSubShiftedRegisterComputeOnDatasizeBits(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase("adds x0, x1, x2", 0x7FFF_FFFF_FFFF_FFFFUL, 1UL, 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("adds x0, x1, x2", ulong.MaxValue, 1UL, 0UL, "-ZC-")]
    [TestCase("adds x0, x1, x2", 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, 0UL, "-ZCV")]
    [TestCase("adds x0, x1, x2", 0UL, 0UL, 0UL, "-Z--")]
    [TestCase("adds x0, x1, x2, asr #1", 0UL, 0x8000_0000_0000_0000UL, 0xC000_0000_0000_0000UL, "N---")]
    [TestCase("adds x0, x1, x2, lsl #1", 0x8000_0000_0000_0000UL, 0x4000_0000_0000_0000UL, 0UL, "-ZCV")]
    [TestCase("subs x0, x1, x2", 5UL, 5UL, 0UL, "-ZC-")]
    [TestCase("subs x0, x1, x2", 5UL, 6UL, ulong.MaxValue, "N---")]
    [TestCase("subs x0, x1, x2", 0x8000_0000_0000_0000UL, 1UL, 0x7FFF_FFFF_FFFF_FFFFUL, "--CV")]
    [TestCase("subs x0, x1, x2", 0UL, 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("subs x0, x1, x2", 0x7FFF_FFFF_FFFF_FFFFUL, ulong.MaxValue, 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("subs x0, x1, x2", ulong.MaxValue, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL, "N-C-")]
    [TestCase("subs x0, x1, x2, lsr #63", 1UL, 0x8000_0000_0000_0000UL, 0UL, "-ZC-")]
    [TestCase("negs x0, x2", 0UL, 0UL, 0UL, "-ZC-")]
    [TestCase("negs x0, x2", 0UL, 1UL, ulong.MaxValue, "N---")]
    [TestCase("adds w0, w1, w2", 0x7FFF_FFFFUL, 1UL, 0x8000_0000UL, "N--V")]
    [TestCase("adds w0, w1, w2", 0xFFFF_FFFF_FFFF_FFFFUL, 1UL, 0UL, "-ZC-")]
    [TestCase("adds w0, w1, w2", 0x0000_0001_0000_0000UL, 0x0000_0001_0000_0000UL, 0UL, "-Z--")]
    [TestCase("adds w0, w1, w2, lsl #31", 0x8000_0000UL, 1UL, 0UL, "-ZCV")]
    [TestCase("subs w0, w1, w2", 0x8000_0000UL, 1UL, 0x7FFF_FFFFUL, "--CV")]
    [TestCase("subs w0, w1, w2", 0x1_0000_0005UL, 5UL, 0UL, "-ZC-")]
    [TestCase("subs w0, w1, w2", 0UL, 0x1_0000_0000UL, 0UL, "-ZC-")]
    [TestCase("negs w0, w2", 0UL, 0x8000_0000UL, 0x8000_0000UL, "N--V")]
    [TestCase("negs w0, w2", 0UL, 0xFFFF_FFFFUL, 1UL, "----")]
    public void AddsAndSubsShiftedRegisterSetTheFlags(string asm, ulong x1, ulong x2, ulong expected, string flags) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: flags == "----" ? "NZCV" : "----"), Is.EqualTo((expected, flags)));

    [TestCase("cmp x1, x2", 3UL, 3UL, "-ZC-")]
    [TestCase("cmp x1, x2, lsl #1", 3UL, 2UL, "N---")]
    [TestCase("cmn x1, x2", ulong.MaxValue, 1UL, "-ZC-")]
    [TestCase("cmp w1, w2", 0x1_0000_0000UL, 0UL, "-ZC-")]
    [TestCase("cmn w1, w2", 0x7FFF_FFFFUL, 1UL, "N--V")]
    public void CmpAndCmnShiftedRegisterOnlySetTheFlags(string asm, ulong x1, ulong x2, string flags)
    {
        using var h = Dp.Run(asm, x1, x2);
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo(flags));
        Assert.That(h.X(0), Is.EqualTo(Dp.Sentinel));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop));
    }

    [Test]
    public void RegisterThirtyOneIsXzrNotSp()
    {
        using var h = Dp.Run(".inst 0x8B0203E0\n .inst 0x8B02003F", x2: 5);   // ADD X0, XZR, X2 ; ADD XZR, X1, X2
        Assert.That(h.X(0), Is.EqualTo(5UL));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop));
    }

    [TestCase(0x8BC2_0020u)]   // ADD X0, X1, X2, ROR #0: shift = 11 is reserved
    [TestCase(0x8BC2_1020u)]   // ADD, ROR #4
    [TestCase(0xABC2_0020u)]   // ADDS, ROR
    [TestCase(0xCBC2_0020u)]   // SUB, ROR
    [TestCase(0xEBC2_003Fu)]   // SUBS (CMP), ROR
    [TestCase(0x0BC2_0020u)]   // ADD W, ROR
    [TestCase(0x0B02_8020u)]   // ADD W0, W1, W2, LSL #32
    [TestCase(0x4B42_FC20u)]   // SUB W, LSR #63
    [TestCase(0x2B82_8020u)]   // ADDS W, ASR #32
    [TestCase(0x6B02_803Fu)]   // SUBS W (CMP), LSL #32
    public void ReservedShiftsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>ADD, ADDS, SUB, SUBS (extended register).</summary>
public class DataProcessingAddSubExtendedTests
{
    [TestCase("add x0, x1, w2, uxtb", 0x1000UL, 0xFFFF_FFFF_FFFF_FF80UL, 0x1080UL)]
    [TestCase("add x0, x1, w2, uxth #2", 0x1000UL, 0x12345UL, 0x9D14UL)]
    [TestCase("add x0, x1, w2, uxtw #4", 0UL, ulong.MaxValue, 0xF_FFFF_FFF0UL)]
    [TestCase("add x0, x1, x2, uxtx #1", 0UL, 0x8000_0000_0000_0001UL, 0x2UL)]
    [TestCase("add x0, x1, w2, sxtb", 0x1000UL, 0x80UL, 0xF80UL)]
    [TestCase("add x0, x1, w2, sxtb #4", 0UL, 0x7FUL, 0x7F0UL)]
    [TestCase("add x0, x1, w2, sxth #1", 0x10000UL, 0x8000UL, 0UL)]
    [TestCase("add x0, x1, w2, sxtw #3", 0x10UL, 0xFFFF_FFFFUL, 0x8UL)]
    [TestCase("add x0, x1, w2, sxtw", 0UL, 0x1234_5678_8000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [TestCase("add x0, x1, x2, sxtx #4", 0UL, ulong.MaxValue, 0xFFFF_FFFF_FFFF_FFF0UL)]
    [TestCase("sub x0, x1, w2, uxtb", 0UL, 0x1FFUL, 0xFFFF_FFFF_FFFF_FF01UL)]
    [TestCase("sub x0, x1, w2, sxtb", 0UL, 0xFFUL, 1UL)]
    [TestCase("sub x0, x1, w2, uxtw #2", 0x4_0000_0000UL, 0xFFFF_FFFF_0000_0001UL, 0x3_FFFF_FFFCUL)]
    [TestCase("add w0, w1, w2, uxtb", 1UL, 0x1FFUL, 0x100UL)]
    [TestCase("add w0, w1, w2, uxth #4", 0xFFFF_FFFF_0000_0000UL, 0xFFFFUL, 0xF_FFF0UL)]
    [TestCase("add w0, w1, w2, sxth", 0UL, 0x8000UL, 0xFFFF_8000UL)]
    [TestCase("add w0, w1, w2, sxtb #4", 0UL, 0x80UL, 0xFFFF_F800UL)]
    [TestCase("add w0, w1, w2, uxtw #1", 0UL, 0x8000_0001UL, 0x2UL)]
    [TestCase("sub w0, w1, w2, sxtw", 0UL, 0xFFFF_FFFFUL, 1UL)]
    public void ExtendedRegisterOperandsAreExtendedThenShifted(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    // The 64-bit option encodings in a 32-bit instruction, written out: UXTX and SXTX use all of W2.
    [TestCase(0x0B22_6020u, 0x10UL, 0xFFFF_FFFF_0000_0001UL, 0x11UL)]       // ADD W0, W1, W2, UXTX
    [TestCase(0x0B22_E820u, 0x10UL, 0x1_8000_0001UL, 0x14UL)]               // ADD W0, W1, W2, SXTX #2
    [TestCase(0x8B3F_6020u, 0x7UL, 0x1234UL, 0x7UL)]                        // ADD X0, X1, XZR, UXTX: Rm 31 is XZR
    public void RawExtendedRegisterEncodings(uint word, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec($".inst 0x{word:X8}", x1, x2).X0, Is.EqualTo(expected));

    [TestCase("adds x0, x1, w2, sxtw", 1UL, 0xFFFF_FFFFUL, 0UL, "-ZC-")]
    [TestCase("adds x0, x1, w2, uxtw", 1UL, 0xFFFF_FFFFUL, 0x1_0000_0000UL, "----")]
    [TestCase("adds x0, x1, x2, sxtx #1", 0x4000_0000_0000_0000UL, 0x2000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("subs x0, x1, w2, uxtb", 0x80UL, 0x180UL, 0UL, "-ZC-")]
    [TestCase("subs x0, x1, w2, sxtb", 0UL, 0x80UL, 0x80UL, "----")]
    [TestCase("subs w0, w1, w2, uxtb", 0UL, 1UL, 0xFFFF_FFFFUL, "N---")]
    [TestCase("subs w0, w1, w2, uxth #1", 0x8000_0000UL, 0x8000UL, 0x7FFF_0000UL, "--CV")]
    [TestCase("adds w0, w1, w2, sxth", 0x1_0000_8000UL, 0x8000UL, 0UL, "-ZC-")]
    [TestCase("adds w0, w1, w2, sxth", 0x8000_0000UL, 0x8000UL, 0x7FFF_8000UL, "--CV")]
    public void AddsAndSubsExtendedRegisterSetTheFlags(string asm, ulong x1, ulong x2, ulong expected, string flags) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: flags == "----" ? "NZCV" : "----"), Is.EqualTo((expected, flags)));

    [Test]
    public void RnAndRdThirtyOneAreSp()
    {
        using var h = Dp.Run("""
            add sp, sp, x1
            add x0, sp, x2, lsl #2
            sub sp, sp, w2, uxtw
            """, x1: 0x100, x2: 0xFFFF_FFFF_0000_0010UL);
        Assert.That(h.X(0), Is.EqualTo(CpuHarness.StackTop + 0x100 + 0xFFFF_FFFC_0000_0040UL));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop + 0x100 - 0x10));
    }

    [Test]
    public void FlagSettingFormsReadSpButWriteXzr()
    {
        using var h = new CpuHarness();
        h.Cpu.Sp = 0x1000;
        h.Cpu.SetX(1, 0x1000);
        h.Cpu.SetX(0, Dp.Sentinel);
        h.Run("adds x2, sp, x1\n cmp sp, x1\n cmn wsp, w1");
        Assert.That(h.X(2), Is.EqualTo(0x2000UL));
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo("----"), "the last, CMN WSP, W1: 0x1000 + 0x1000");
        Assert.That(h.Cpu.Sp, Is.EqualTo(0x1000UL));
        Assert.That(h.X(0), Is.EqualTo(Dp.Sentinel));
    }

    [Test]
    public void CmpWithSpSetsTheFlagsOfTheSubtraction()
    {
        using var h = new CpuHarness();
        h.Cpu.Sp = 0x1000;
        h.Cpu.SetX(1, 0x1000);
        h.Run("cmp sp, x1");
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo("-ZC-"));
    }

    [Test]
    public void ThirtyTwoBitFormsWriteWspZeroExtended()
    {
        using var h = new CpuHarness();
        h.Cpu.Sp = 0xFFFF_FFFF_0000_1000UL;
        h.Cpu.SetX(1, 0x10);
        h.Run("add wsp, wsp, w1\n add w0, wsp, w1, uxtb");
        Assert.That(h.Cpu.Sp, Is.EqualTo(0x1010UL));
        Assert.That(h.X(0), Is.EqualTo(0x1020UL));
    }

    [TestCase(0x8B22_7420u)]   // ADD X0, X1, X2, UXTX #5
    [TestCase(0x8B22_7820u)]   // imm3 = 6
    [TestCase(0x8B22_7C20u)]   // imm3 = 7
    [TestCase(0x0B22_1420u)]   // ADD W, UXTB #5
    [TestCase(0xAB22_F43Fu)]   // ADDS (CMN), SXTX #5
    [TestCase(0xCB22_1820u)]   // SUB, imm3 = 6
    [TestCase(0xEB22_FC3Fu)]   // SUBS (CMP), imm3 = 7
    [TestCase(0x8B62_6020u)]   // opt = 01: unallocated
    [TestCase(0x8BA2_6020u)]   // opt = 10: unallocated
    [TestCase(0x8BE2_6020u)]   // opt = 11: unallocated
    public void ReservedExtendedRegisterEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>ADC, ADCS, SBC, SBCS and their aliases NGC, NGCS.</summary>
public class DataProcessingAddSubCarryTests
{
    [TestCase("adc x0, x1, x2", 1UL, 2UL, "----", 3UL)]
    [TestCase("adc x0, x1, x2", 1UL, 2UL, "--C-", 4UL)]
    [TestCase("adc x0, x1, x2", ulong.MaxValue, 0UL, "--C-", 0UL)]
    [TestCase("adc x0, x1, x2", ulong.MaxValue, ulong.MaxValue, "--C-", ulong.MaxValue)]
    [TestCase("sbc x0, x1, x2", 5UL, 3UL, "--C-", 2UL)]
    [TestCase("sbc x0, x1, x2", 5UL, 3UL, "----", 1UL)]
    [TestCase("sbc x0, x1, x2", 0UL, 0UL, "----", ulong.MaxValue)]
    [TestCase("ngc x0, x2", 0UL, 1UL, "--C-", ulong.MaxValue)]
    [TestCase("ngc x0, x2", 0UL, 0UL, "----", ulong.MaxValue)]
    [TestCase("adc w0, w1, w2", ulong.MaxValue, 0UL, "--C-", 0UL)]
    [TestCase("adc w0, w1, w2", 0xFFFF_FFFF_7FFF_FFFFUL, 0xFFFF_FFFF_0000_0000UL, "--C-", 0x8000_0000UL)]
    [TestCase("sbc w0, w1, w2", 0UL, 0UL, "----", 0xFFFF_FFFFUL)]
    [TestCase("sbc w0, w1, w2", 0x1_0000_0000UL, 0UL, "--C-", 0UL)]
    [TestCase("ngc w0, w2", 0UL, 0UL, "--C-", 0UL)]
    public void AdcAndSbcAddTheCarryAndKeepTheFlags(string asm, ulong x1, ulong x2, string flags, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: flags), Is.EqualTo((expected, flags)));

    [TestCase("adcs x0, x1, x2", ulong.MaxValue, 0UL, "--C-", 0UL, "-ZC-")]
    [TestCase("adcs x0, x1, x2", ulong.MaxValue, 0UL, "----", ulong.MaxValue, "N---")]
    [TestCase("adcs x0, x1, x2", 0x7FFF_FFFF_FFFF_FFFFUL, 0UL, "--C-", 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("adcs x0, x1, x2", 0x8000_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL, "--C-", 0UL, "-ZC-")]
    [TestCase("adcs x0, x1, x2", 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, "--C-", 1UL, "--CV")]
    [TestCase("adcs x0, x1, x2", ulong.MaxValue, ulong.MaxValue, "--C-", ulong.MaxValue, "N-C-")]
    [TestCase("sbcs x0, x1, x2", 0UL, 0UL, "----", ulong.MaxValue, "N---")]
    [TestCase("sbcs x0, x1, x2", 0UL, 0UL, "--C-", 0UL, "-ZC-")]
    [TestCase("sbcs x0, x1, x2", 5UL, 5UL, "--C-", 0UL, "-ZC-")]
    [TestCase("sbcs x0, x1, x2", 0x8000_0000_0000_0000UL, 0UL, "----", 0x7FFF_FFFF_FFFF_FFFFUL, "--CV")]
    [TestCase("sbcs x0, x1, x2", 0x7FFF_FFFF_FFFF_FFFFUL, ulong.MaxValue, "----", 0x7FFF_FFFF_FFFF_FFFFUL, "----")]
    [TestCase("ngcs x0, x2", 0UL, 0UL, "--C-", 0UL, "-ZC-")]
    [TestCase("ngcs x0, x2", 0UL, 0x8000_0000_0000_0000UL, "--C-", 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("adcs w0, w1, w2", 0x1234_5678_FFFF_FFFFUL, 0UL, "--C-", 0UL, "-ZC-")]
    [TestCase("adcs w0, w1, w2", 0x7FFF_FFFFUL, 0UL, "--C-", 0x8000_0000UL, "N--V")]
    [TestCase("adcs w0, w1, w2", 0x1_0000_0000UL, 0x1_0000_0000UL, "----", 0UL, "-Z--")]
    [TestCase("sbcs w0, w1, w2", 0x8000_0000UL, 0UL, "----", 0x7FFF_FFFFUL, "--CV")]
    [TestCase("sbcs w0, w1, w2", 0UL, 0UL, "----", 0xFFFF_FFFFUL, "N---")]
    [TestCase("sbcs w0, w1, w2", 0xFFFF_FFFF_0000_0003UL, 0x3UL, "--C-", 0UL, "-ZC-")]
    public void AdcsAndSbcsSetTheFlagsOfAddWithCarry(string asm, ulong x1, ulong x2, string flagsIn, ulong expected, string flags) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: flagsIn), Is.EqualTo((expected, flags)));

    [TestCase(0x9A02_0420u)]   // ADC X0, X1, X2 with bits 15..10 = 000001
    [TestCase(0x1A02_8020u)]   // bits 15..10 = 100000
    [TestCase(0xDA02_FC20u)]   // SBC, bits 15..10 = 111111
    [TestCase(0x3A02_0820u)]   // ADCS W, bits 15..10 = 000010
    public void CarryFormsWithNonZeroBits15To10AreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>CCMN, CCMP (register and immediate).</summary>
public class DataProcessingConditionalCompareTests
{
    [TestCase("ccmp x1, x2, #0, eq", 5UL, 5UL, "-Z--", "-ZC-")]            // condition holds: compare
    [TestCase("ccmp x1, x2, #0b1010, eq", 5UL, 5UL, "----", "N-C-")]       // fails: flags = nzcv
    [TestCase("ccmp x1, x2, #0b1111, ne", 5UL, 6UL, "----", "N---")]
    [TestCase("ccmp x1, x2, #0, ne", 5UL, 6UL, "-Z--", "----")]
    [TestCase("ccmp x1, x2, #0, mi", 0x8000_0000_0000_0000UL, 1UL, "N---", "--CV")]
    [TestCase("ccmp x1, #31, #0, ne", 31UL, 0UL, "----", "-ZC-")]
    [TestCase("ccmp x1, #0, #0, cs", 0UL, 0UL, "--C-", "-ZC-")]
    [TestCase("ccmp x1, #1, #0b0101, cc", 0UL, 0UL, "--C-", "-Z-V")]
    [TestCase("ccmn x1, x2, #0, al", ulong.MaxValue, 1UL, "----", "-ZC-")]
    [TestCase("ccmn x1, #1, #0, ge", 0x7FFF_FFFF_FFFF_FFFFUL, 0UL, "NZ-V", "N--V")]
    [TestCase("ccmn x1, #1, #0b0010, lt", 0x7FFF_FFFF_FFFF_FFFFUL, 0UL, "N--V", "--C-")]
    [TestCase("ccmp w1, w2, #0, eq", 0x1_0000_0000UL, 0UL, "-Z--", "-ZC-")]
    [TestCase("ccmp w1, #1, #0, eq", 0x8000_0000UL, 0UL, "-Z--", "--CV")]
    [TestCase("ccmp w1, #0, #0, vs", 0xFFFF_FFFF_0000_0000UL, 0UL, "---V", "-ZC-")]
    [TestCase("ccmn w1, w2, #0, vc", 0x7FFF_FFFFUL, 1UL, "----", "N--V")]
    [TestCase("ccmn w1, #31, #0, hi", 0xFFFF_FFE1UL, 0UL, "--C-", "-ZC-")]
    [TestCase("ccmn w1, #31, #0b1001, hi", 0xFFFF_FFE1UL, 0UL, "-ZC-", "N--V")]
    [TestCase("ccmp xzr, #0, #0, le", 0UL, 0UL, "-Z--", "-ZC-")]
    public void ConditionalCompareComparesOnlyWhenTheConditionHolds(string asm, ulong x1, ulong x2, string flagsIn, string flags)
    {
        using var h = Dp.Run(asm, x1, x2, flags: flagsIn);
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo(flags));
        Assert.That(h.X(0), Is.EqualTo(Dp.Sentinel));
        Assert.That(h.X(1), Is.EqualTo(x1));
    }

    [Test]
    public void ConditionNvAlwaysHoldsForConditionalCompare()
    {
        // CCMN X1, #1, #0, NV (0xBA41F820): NV (1111) behaves as AL.
        Assert.That(Dp.Exec(".inst 0xBA41F820", ulong.MaxValue, flags: "N--V").Flags, Is.EqualTo("-ZC-"));
        // CCMP W1, W2, #0b1111, NV: 0x7A42F02F.
        Assert.That(Dp.Exec(".inst 0x7A42F02F", 1, 2).Flags, Is.EqualTo("N---"));
    }

    [TestCase(0xBA41_0C20u)]   // CCMN X1, #1: o2 (bit 10) = 1
    [TestCase(0xFA42_0030u)]   // CCMP X1, X2: o3 (bit 4) = 1
    [TestCase(0xFA42_0430u)]   // CCMP X1, X2: o2 = o3 = 1
    [TestCase(0xDA42_0020u)]   // S = 0
    [TestCase(0x9A41_0820u)]   // S = 0, immediate form
    [TestCase(0x5A41_0820u)]   // CCMP W imm with S = 0
    public void ReservedConditionalCompareEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>CSEL, CSINC, CSINV, CSNEG and their aliases CSET, CSETM, CINC, CINV, CNEG.</summary>
public class DataProcessingConditionalSelectTests
{
    [TestCase("csel x0, x1, x2, eq", "-Z--", 0x1111UL)]
    [TestCase("csel x0, x1, x2, eq", "----", 0x2222UL)]
    [TestCase("csinc x0, x1, x2, ne", "----", 0x1111UL)]
    [TestCase("csinc x0, x1, x2, ne", "-Z--", 0x2223UL)]
    [TestCase("csinv x0, x1, x2, cs", "--C-", 0x1111UL)]
    [TestCase("csinv x0, x1, x2, cs", "----", 0xFFFF_FFFF_FFFF_DDDDUL)]
    [TestCase("csneg x0, x1, x2, mi", "N---", 0x1111UL)]
    [TestCase("csneg x0, x1, x2, mi", "----", 0xFFFF_FFFF_FFFF_DDDEUL)]
    [TestCase("csel w0, w1, w2, al", "----", 0x1111UL)]
    public void ConditionalSelectPicksRnOrTheModifiedRm(string asm, string flags, ulong expected) =>
        Assert.That(Dp.Exec(asm, 0x1111, 0x2222, flags: flags), Is.EqualTo((expected, flags)));

    [TestCase("csinc x0, x1, x2, ne", ulong.MaxValue, 0UL)]
    [TestCase("csneg x0, x1, x2, ne", 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL)]
    [TestCase("csneg x0, x1, x2, ne", 0UL, 0UL)]
    [TestCase("csinv x0, x1, x2, ne", 0UL, ulong.MaxValue)]
    [TestCase("csinc w0, w1, w2, ne", 0xFFFF_FFFFUL, 0UL)]
    [TestCase("csinc w0, w1, w2, ne", 0xFFFF_FFFF_7FFF_FFFFUL, 0x8000_0000UL)]
    [TestCase("csinv w0, w1, w2, ne", 0UL, 0xFFFF_FFFFUL)]
    [TestCase("csinv w0, w1, w2, ne", 0xFFFF_FFFF_0000_0000UL, 0xFFFF_FFFFUL)]
    [TestCase("csneg w0, w1, w2, ne", 1UL, 0xFFFF_FFFFUL)]
    [TestCase("csneg w0, w1, w2, ne", 0x8000_0000UL, 0x8000_0000UL)]
    [TestCase("csneg w0, w1, w2, ne", 0x1_0000_0000UL, 0UL)]
    [TestCase("csel w0, w1, w2, ne", 0xFFFF_FFFF_1234_5678UL, 0x1234_5678UL)]
    public void TheElseOperandWrapsOnDatasizeBits(string asm, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, 0x1111, x2, flags: "-Z--").X0, Is.EqualTo(expected));

    [Test]
    public void TheThenOperandIsZeroExtendedInThirtyTwoBitForms() =>
        Assert.That(Dp.Exec("csel w0, w1, w2, eq", 0xFFFF_FFFF_1234_5678UL, flags: "-Z--").X0, Is.EqualTo(0x1234_5678UL));

    // Every condition through CSET X0 (CSINC X0, XZR, XZR, invert(cond)).
    [TestCase("eq", "-Z--", 1UL)] [TestCase("eq", "N-CV", 0UL)]
    [TestCase("ne", "-Z--", 0UL)] [TestCase("ne", "N-CV", 1UL)]
    [TestCase("cs", "--C-", 1UL)] [TestCase("cs", "NZ-V", 0UL)]
    [TestCase("cc", "--C-", 0UL)] [TestCase("cc", "NZ-V", 1UL)]
    [TestCase("mi", "N---", 1UL)] [TestCase("mi", "-ZCV", 0UL)]
    [TestCase("pl", "N---", 0UL)] [TestCase("pl", "-ZCV", 1UL)]
    [TestCase("vs", "---V", 1UL)] [TestCase("vs", "NZC-", 0UL)]
    [TestCase("vc", "---V", 0UL)] [TestCase("vc", "NZC-", 1UL)]
    [TestCase("hi", "--C-", 1UL)] [TestCase("hi", "-ZC-", 0UL)] [TestCase("hi", "N--V", 0UL)]
    [TestCase("ls", "--C-", 0UL)] [TestCase("ls", "-ZC-", 1UL)] [TestCase("ls", "N--V", 1UL)]
    [TestCase("ge", "N--V", 1UL)] [TestCase("ge", "----", 1UL)] [TestCase("ge", "N---", 0UL)] [TestCase("ge", "---V", 0UL)]
    [TestCase("lt", "N--V", 0UL)] [TestCase("lt", "----", 0UL)] [TestCase("lt", "N---", 1UL)] [TestCase("lt", "---V", 1UL)]
    [TestCase("gt", "N--V", 1UL)] [TestCase("gt", "NZ-V", 0UL)] [TestCase("gt", "---V", 0UL)] [TestCase("gt", "--C-", 1UL)]
    [TestCase("le", "N--V", 0UL)] [TestCase("le", "NZ-V", 1UL)] [TestCase("le", "---V", 1UL)] [TestCase("le", "--C-", 0UL)]
    public void EveryConditionIsEvaluatedAsConditionHoldsSays(string cond, string flags, ulong expected) =>
        Assert.That(Dp.Exec($"cset x0, {cond}", flags: flags), Is.EqualTo((expected, flags)));

    [TestCase("NZCV")]
    [TestCase("----")]
    public void AlAndNvBothHold(string flags)
    {
        Assert.That(Dp.Exec("csel x0, x1, x2, al", 1, 2, flags: flags).X0, Is.EqualTo(1UL));
        Assert.That(Dp.Exec(".inst 0x9A82F020", 1, 2, flags: flags).X0, Is.EqualTo(1UL));   // CSEL X0, X1, X2, NV
    }

    [TestCase("csetm x0, eq", "-Z--", ulong.MaxValue)]
    [TestCase("csetm w0, eq", "-Z--", 0xFFFF_FFFFUL)]
    [TestCase("cset w0, eq", "-Z--", 1UL)]
    [TestCase("cinc x0, x1, eq", "-Z--", 0x1112UL)]
    [TestCase("cinv x0, x1, eq", "-Z--", 0xFFFF_FFFF_FFFF_EEEEUL)]
    [TestCase("cneg x0, x1, eq", "-Z--", 0xFFFF_FFFF_FFFF_EEEFUL)]
    [TestCase("cneg w0, w1, eq", "-Z--", 0xFFFF_EEEFUL)]
    [TestCase("cneg w0, w1, eq", "----", 0x1111UL)]
    public void AliasesFollowTheSelect(string asm, string flags, ulong expected) =>
        Assert.That(Dp.Exec(asm, 0x1111, flags: flags).X0, Is.EqualTo(expected));

    [TestCase(0xBA82_0020u)]   // CSEL with S = 1
    [TestCase(0x3A82_0420u)]   // CSINC W with S = 1
    [TestCase(0x9A82_0820u)]   // op2 = 10
    [TestCase(0xDA82_0C20u)]   // op2 = 11
    public void ReservedConditionalSelectEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}
