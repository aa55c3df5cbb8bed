using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>ADR and ADRP (PC-rel. addressing). The snippet starts at 0x40000000.</summary>
public class DataProcessingPcRelativeTests
{
    [TestCase("adr x0, .", 0x4000_0000UL)]
    [TestCase("adr x0, .+1", 0x4000_0001UL)]
    [TestCase("adr x0, .+1048575", 0x400F_FFFFUL)]
    [TestCase("adr x0, .-1048576", 0x3FF0_0000UL)]
    [TestCase("add x3, x3, #0\n adr x0, .-4", 0x4000_0000UL)]
    [TestCase("add x3, x3, #0\n add x3, x3, #0\n adr x0, .+0x1235", 0x4000_123DUL)]
    [TestCase(".inst 0x70FFFFE0", 0x3FFF_FFFFUL)]           // ADR X0, imm = -1 (immlo = 3, immhi all ones)
    public void AdrAddsTheSignedOffsetToThePc(string asm, ulong expected) =>
        Assert.That(Dp.Exec(asm).X0, Is.EqualTo(expected));

    // ADRP's encodings are written out: an assembler turns "adrp x0, label" into a relocation.
    [TestCase(".inst 0x90000000", 0x4000_0000UL)]           // imm 0
    [TestCase("add x3, x3, #0\n .inst 0x90000000", 0x4000_0000UL)]     // PC 0x40000004: its low 12 bits are cleared
    [TestCase(".inst 0xB0000000", 0x4000_1000UL)]           // imm 1 (immlo = 1)
    [TestCase(".inst 0x90000020", 0x4000_4000UL)]           // imm 4 (immhi = 1)
    [TestCase(".inst 0xF0FFFFE0", 0x3FFF_F000UL)]           // imm -1
    [TestCase(".inst 0xF07FFFE0", 0x1_3FFF_F000UL)]         // imm 0xFFFFF, the largest: +4 GiB - 4 KiB
    [TestCase(".inst 0x90800000", 0xFFFF_FFFF_4000_0000UL)] // imm -0x100000, the smallest: -4 GiB, wraps
    public void AdrpAddsTheSignedPageOffsetToThePcPage(string asm, ulong expected) =>
        Assert.That(Dp.Exec(asm).X0, Is.EqualTo(expected));

    [Test]
    public void AdrAndAdrpToRegister31DiscardTheResult()
    {
        using var h = Dp.Run(".inst 0x1000001F\n .inst 0x9000001F");   // ADR XZR, . ; ADRP XZR, .
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop));
        Assert.That(h.X(0), Is.EqualTo(Dp.Sentinel));
    }

    [Test]
    public void AdrDoesNotTouchTheFlags() =>
        Assert.That(Dp.Exec("adr x0, .", flags: "NZCV").Flags, Is.EqualTo("NZCV"));
}

/// <summary>ADD, ADDS, SUB, SUBS (immediate), with their aliases MOV (to/from SP), CMP and CMN.</summary>
public class DataProcessingAddSubImmediateTests
{
    [TestCase("add x0, x1, #1", 41UL, 42UL)]
    [TestCase("add x0, x1, #4095", 1UL, 4096UL)]
    [TestCase("add x0, x1, #1, lsl #12", 1UL, 0x1001UL)]
    [TestCase("add x0, x1, #4095, lsl #12", 0UL, 0xFF_F000UL)]
    [TestCase("add x0, x1, #1", ulong.MaxValue, 0UL)]
    [TestCase("sub x0, x1, #1", 0UL, ulong.MaxValue)]
    [TestCase("sub x0, x1, #1, lsl #12", 0x1000UL, 0UL)]
    [TestCase("sub x0, x1, #4095", 0x1_0000_0000UL, 0xFFFF_F001UL)]
    [TestCase("add w0, w1, #1", 0xFFFF_FFFF_FFFF_FFFFUL, 0UL)]
    [TestCase("add w0, w1, #2", 0x1234_5678_7FFF_FFFFUL, 0x8000_0001UL)]
    [TestCase("sub w0, w1, #1", 0x1_0000_0000UL, 0xFFFF_FFFFUL)]
    [TestCase("sub w0, w1, #4095, lsl #12", 0UL, 0xFF00_1000UL)]
    public void AddAndSubComputeTheSumOnDatasizeBits(string asm, ulong x1, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1).X0, Is.EqualTo(expected));

    [TestCase("adds x0, x1, #1", 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL, "N--V")]
    [TestCase("adds x0, x1, #1", 0xFFFF_FFFF_FFFF_FFFFUL, 0UL, "-ZC-")]
    [TestCase("adds x0, x1, #0", 0UL, 0UL, "-Z--")]
    [TestCase("adds x0, x1, #2", 0xFFFF_FFFF_FFFF_FFFFUL, 1UL, "--C-")]
    [TestCase("adds x0, x1, #0xFFF, lsl #12", 1UL, 0xFF_F001UL, "----")]
    [TestCase("adds x0, x1, #1, lsl #12", 0xFFFF_FFFF_FFFF_F000UL, 0UL, "-ZC-")]
    [TestCase("subs x0, x1, #1", 0UL, 0xFFFF_FFFF_FFFF_FFFFUL, "N---")]
    [TestCase("subs x0, x1, #1", 1UL, 0UL, "-ZC-")]
    [TestCase("subs x0, x1, #0", 0UL, 0UL, "-ZC-")]
    [TestCase("subs x0, x1, #1", 0x8000_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL, "--CV")]
    [TestCase("subs x0, x1, #2", 1UL, 0xFFFF_FFFF_FFFF_FFFFUL, "N---")]
    [TestCase("subs x0, x1, #1", 0xFFFF_FFFF_FFFF_FFFFUL, 0xFFFF_FFFF_FFFF_FFFEUL, "N-C-")]
    [TestCase("adds w0, w1, #1", 0xFFFF_FFFF_7FFF_FFFFUL, 0x8000_0000UL, "N--V")]
    [TestCase("adds w0, w1, #1", 0x0000_0001_FFFF_FFFFUL, 0UL, "-ZC-")]
    [TestCase("adds w0, w1, #0", 0xFFFF_FFFF_0000_0000UL, 0UL, "-Z--")]
    [TestCase("subs w0, w1, #1", 0x1_0000_0000UL, 0xFFFF_FFFFUL, "N---")]
    [TestCase("subs w0, w1, #2", 0x8000_0001UL, 0x7FFF_FFFFUL, "--CV")]
    [TestCase("subs w0, w1, #1", 0xFFFF_FFFF_0000_0001UL, 0UL, "-ZC-")]
    [TestCase("subs w0, w1, #1, lsl #12", 0x8000_0000UL, 0x7FFF_F000UL, "--CV")]
    public void AddsAndSubsSetTheFlagsOfAddWithCarry(string asm, ulong x1, ulong expected, string flags)
    {
        var (x0, nzcv) = Dp.Exec(asm, x1, flags: "NZCV");
        Assert.That(x0, Is.EqualTo(expected));
        Assert.That(nzcv, Is.EqualTo(flags));
    }

    [TestCase("cmp x1, #5", 5UL, "-ZC-")]
    [TestCase("cmp x1, #6", 5UL, "N---")]
    [TestCase("cmn x1, #5", 0xFFFF_FFFF_FFFF_FFFBUL, "-ZC-")]
    [TestCase("cmp w1, #0", 0xFFFF_FFFF_8000_0000UL, "N-C-")]
    public void CmpAndCmnWriteOnlyTheFlagsAndLeaveSpAlone(string asm, ulong x1, string flags)
    {
        using var h = Dp.Run(asm, x1);
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo(flags));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop), "Rd = 31 of a flag-setting form is XZR, not SP");
        Assert.That(h.X(0), Is.EqualTo(Dp.Sentinel));
    }

    [Test]
    public void RegisterThirtyOneIsSpForAddAndSub()
    {
        using var h = Dp.Run("""
            add x0, sp, #0
            sub sp, sp, #16
            add x1, sp, #8
            add sp, sp, #1, lsl #12
            mov x2, sp
            """);
        Assert.That(h.X(0), Is.EqualTo(CpuHarness.StackTop));
        Assert.That(h.X(1), Is.EqualTo(CpuHarness.StackTop - 8));
        Assert.That(h.X(2), Is.EqualTo(CpuHarness.StackTop - 16 + 0x1000));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop - 16 + 0x1000));
    }

    [Test]
    public void ThirtyTwoBitWritesToWspZeroExtend()
    {
        using var h = Dp.Run("mov wsp, w1\n add w0, wsp, #1", x1: 0xFFFF_FFFF_1234_5670UL);
        Assert.That(h.Cpu.Sp, Is.EqualTo(0x1234_5670UL));
        Assert.That(h.X(0), Is.EqualTo(0x1234_5671UL));
    }

    [Test]
    public void ThirtyTwoBitReadsOfSpUseItsLowWord()
    {
        using var h = new CpuHarness();
        h.Cpu.Sp = 0x1234_5678_FFFF_FFF0UL;
        h.Run("add w0, wsp, #0x10\n sub wsp, wsp, #0x10");
        Assert.That(h.X(0), Is.EqualTo(0UL));
        Assert.That(h.Cpu.Sp, Is.EqualTo(0xFFFF_FFE0UL));
    }

    [Test]
    public void AddsAndSubsReadSpAsTheirFirstOperand()
    {
        using var h = new CpuHarness();
        h.Cpu.Sp = 0x10;
        h.Run("adds x0, sp, #0xF0\n cmp sp, #0x10");
        Assert.That(h.X(0), Is.EqualTo(0x100UL));
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo("-ZC-"));
        Assert.That(h.Cpu.Sp, Is.EqualTo(0x10UL));
    }

    // Bit 23 set: "add/subtract (immediate, with tags)" and "min/max (immediate)" in later architectures; these
    // combinations are unallocated in every one.
    [TestCase(0x1180_0020u)]   // sf = 0
    [TestCase(0xB180_0020u)]   // sf = 1, S = 1
    [TestCase(0xF1C0_0020u)]   // op = 1, S = 1, bit 22 set
    public void AddSubtractWithBit23SetIsUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>AND, ORR, EOR, ANDS (immediate) and DecodeBitMasks().</summary>
public class DataProcessingLogicalImmediateTests
{
    [TestCase("and x0, x1, #0xFF", 0x1234_5678_9ABC_DEF0UL, 0xF0UL)]
    [TestCase("and x0, x1, #0x5555555555555555", ulong.MaxValue, 0x5555_5555_5555_5555UL)]   // element size 2
    [TestCase("and x0, x1, #0x1111111111111111", ulong.MaxValue, 0x1111_1111_1111_1111UL)]   // 4
    [TestCase("and x0, x1, #0x8181818181818181", ulong.MaxValue, 0x8181_8181_8181_8181UL)]   // 8, rotated
    [TestCase("and x0, x1, #0x00FF00FF00FF00FF", ulong.MaxValue, 0x00FF_00FF_00FF_00FFUL)]   // 16
    [TestCase("and x0, x1, #0xFFFF0000FFFF0000", ulong.MaxValue, 0xFFFF_0000_FFFF_0000UL)]   // 32, rotated
    [TestCase("and x0, x1, #0x7FFFFFFFFFFFFFFE", ulong.MaxValue, 0x7FFF_FFFF_FFFF_FFFEUL)]   // 64, 62 ones rotated
    [TestCase("and x0, x1, #0x8000000000000000", ulong.MaxValue, 0x8000_0000_0000_0000UL)]
    [TestCase("and x0, x1, #0xFFFFFFFFFFFFFFFE", 0x1234_5678_9ABC_DEF1UL, 0x1234_5678_9ABC_DEF0UL)]
    [TestCase("orr x0, x1, #0x5555555555555555", 0UL, 0x5555_5555_5555_5555UL)]
    [TestCase("orr x0, x1, #1", 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0001UL)]
    [TestCase("orr x0, xzr, #0xAAAAAAAAAAAAAAAA", 0x1234UL, 0xAAAA_AAAA_AAAA_AAAAUL)]
    [TestCase("eor x0, x1, #0xFFFFFFFF00000000", 0x0123_4567_89AB_CDEFUL, 0xFEDC_BA98_89AB_CDEFUL)]
    [TestCase("eor x0, x1, #0x3", 0x1UL, 0x2UL)]
    [TestCase("and w0, w1, #0x80000001", ulong.MaxValue, 0x8000_0001UL)]
    [TestCase("and w0, w1, #0xFFFFFFFE", ulong.MaxValue, 0xFFFF_FFFEUL)]
    [TestCase("orr w0, w1, #0xFFFF0000", 0xFFFF_FFFF_0000_1234UL, 0xFFFF_1234UL)]
    [TestCase("orr w0, wzr, #0x1", 0UL, 1UL)]
    [TestCase("eor w0, w1, #0x55555555", ulong.MaxValue, 0xAAAA_AAAAUL)]
    [TestCase("eor w0, w1, #0x0F0F0F0F", 0xFFFF_FFFF_0000_0000UL, 0x0F0F_0F0FUL)]
    public void LogicalImmediatesDecodeTheirBitmask(string asm, ulong x1, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, flags: "NZCV").X0, Is.EqualTo(expected));

    [TestCase("ands x0, x1, #0x8000000000000000", ulong.MaxValue, 0x8000_0000_0000_0000UL, "N---")]
    [TestCase("ands x0, x1, #0x1", 0x2UL, 0UL, "-Z--")]
    [TestCase("ands x0, x1, #0x7FFFFFFFFFFFFFFF", ulong.MaxValue, 0x7FFF_FFFF_FFFF_FFFFUL, "----")]
    [TestCase("ands w0, w1, #0x80000000", 0x8000_0000UL, 0x8000_0000UL, "N---")]
    [TestCase("ands w0, w1, #0x1", 0x1_0000_0000UL, 0UL, "-Z--")]
    [TestCase("ands w0, w1, #0xFFFF", 0xFFFF_FFFF_8000_7FFFUL, 0x7FFFUL, "----")]
    public void AndsSetsNAndZAndClearsCAndV(string asm, ulong x1, ulong expected, string flags)
    {
        var (x0, nzcv) = Dp.Exec(asm, x1, flags: "NZCV");
        Assert.That(x0, Is.EqualTo(expected));
        Assert.That(nzcv, Is.EqualTo(flags));
    }

    [Test]
    public void TstWritesOnlyTheFlags()
    {
        using var h = Dp.Run("tst x1, #0x1", x1: 2);
        Assert.That(Dp.Picture(h.Cpu.S.Nzcv), Is.EqualTo("-Z--"));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop), "Rd = 31 of ANDS is XZR");
    }

    [Test]
    public void RegisterThirtyOneIsSpAsTheDestinationOfAndOrrEor()
    {
        using var h = Dp.Run("and sp, x1, #0xFFFFFFFFFFFFFFF0", x1: 0x4070_000FUL);
        Assert.That(h.Cpu.Sp, Is.EqualTo(0x4070_0000UL));
        using var h2 = Dp.Run("orr sp, x1, #0xF00", x1: 0x4060_0000UL);
        Assert.That(h2.Cpu.Sp, Is.EqualTo(0x4060_0F00UL));
        using var h3 = Dp.Run("eor wsp, w1, #0x1", x1: 0xFFFF_FFFF_4060_0001UL);
        Assert.That(h3.Cpu.Sp, Is.EqualTo(0x4060_0000UL), "a 32-bit write to WSP zero-extends");
        using var h4 = Dp.Run("mov sp, #0x40000000");
        Assert.That(h4.Cpu.Sp, Is.EqualTo(0x4000_0000UL));
    }

    [TestCase(0x1240_0020u)]   // AND W0, W1 with N = 1: a 64-bit element in a 32-bit register
    [TestCase(0x3240_0020u)]   // ORR (32-bit) N = 1
    [TestCase(0x5240_0020u)]   // EOR (32-bit) N = 1
    [TestCase(0x7240_0020u)]   // ANDS (32-bit) N = 1
    [TestCase(0x9240_FC20u)]   // AND (64-bit) N = 1 imms = 111111: all ones
    [TestCase(0x9200_FC20u)]   // N = 0 imms = 111111: no element size (len < 1)
    [TestCase(0x9201_FC20u)]   // same with immr = 000001
    [TestCase(0x9200_F420u)]   // N = 0 imms = 111101: 2-bit element of all ones
    [TestCase(0x9200_EC20u)]   // N = 0 imms = 111011: 4-bit element of all ones
    [TestCase(0x9200_DC20u)]   // N = 0 imms = 110111: 8-bit element of all ones
    [TestCase(0x9200_BC20u)]   // N = 0 imms = 101111: 16-bit element of all ones
    [TestCase(0x9200_7C20u)]   // N = 0 imms = 011111: 32-bit element of all ones
    [TestCase(0x1200_7C20u)]   // 32-bit form, 32-bit element of all ones
    [TestCase(0x1200_FC20u)]   // 32-bit form, no element size
    [TestCase(0xB240_FC20u)]   // ORR all ones
    [TestCase(0xD200_F420u)]   // EOR reserved
    [TestCase(0xF240_FC3Fu)]   // ANDS reserved, Rd = XZR
    [TestCase(0xB240_FC3Fu)]   // ORR reserved, Rd = SP
    public void ReservedBitmaskImmediatesAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>MOVN, MOVZ, MOVK.</summary>
public class DataProcessingMoveWideTests
{
    [TestCase("movz x0, #0", 0UL)]
    [TestCase("movz x0, #0xFFFF", 0xFFFFUL)]
    [TestCase("movz x0, #0x1234, lsl #16", 0x1234_0000UL)]
    [TestCase("movz x0, #0x1234, lsl #32", 0x1234_0000_0000UL)]
    [TestCase("movz x0, #0xFFFF, lsl #48", 0xFFFF_0000_0000_0000UL)]
    [TestCase("movz w0, #0x1234, lsl #16", 0x1234_0000UL)]
    [TestCase("movz w0, #0xFFFF", 0xFFFFUL)]
    [TestCase("movn x0, #0", 0xFFFF_FFFF_FFFF_FFFFUL)]
    [TestCase("movn x0, #0xFFFF", 0xFFFF_FFFF_FFFF_0000UL)]
    [TestCase("movn x0, #0x8000, lsl #32", 0xFFFF_7FFF_FFFF_FFFFUL)]
    [TestCase("movn x0, #0x1, lsl #48", 0xFFFE_FFFF_FFFF_FFFFUL)]
    [TestCase("movn w0, #0", 0xFFFF_FFFFUL)]
    [TestCase("movn w0, #0x1234, lsl #16", 0xEDCB_FFFFUL)]
    [TestCase("movn w0, #0xFFFF", 0xFFFF_0000UL)]
    public void MovzAndMovnWriteTheShiftedImmediate(string asm, ulong expected) =>
        Assert.That(Dp.Exec(asm, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase("movk x0, #0xBEEF", 0x1111_1111_1111_1111UL, 0x1111_1111_1111_BEEFUL)]
    [TestCase("movk x0, #0xBEEF, lsl #16", 0x1111_1111_1111_1111UL, 0x1111_1111_BEEF_1111UL)]
    [TestCase("movk x0, #0xBEEF, lsl #32", 0x1111_1111_1111_1111UL, 0x1111_BEEF_1111_1111UL)]
    [TestCase("movk x0, #0, lsl #48", ulong.MaxValue, 0x0000_FFFF_FFFF_FFFFUL)]
    [TestCase("movk w0, #0xBEEF", 0xFFFF_FFFF_1234_5678UL, 0x1234_BEEFUL)]
    [TestCase("movk w0, #0xBEEF, lsl #16", 0xFFFF_FFFF_1234_5678UL, 0xBEEF_5678UL)]
    public void MovkReplacesSixteenBitsAndKeepsTheRest(string asm, ulong x0, ulong expected) =>
        Assert.That(Dp.Exec("mov x0, x1\n" + asm, x0).X0, Is.EqualTo(expected));

    [Test]
    public void MovzToRegisterThirtyOneIsDiscarded()
    {
        using var h = Dp.Run(".inst 0xD280003F\n .inst 0xF2A0003F\n .inst 0x9280003F");   // MOVZ/MOVK/MOVN XZR
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop));
    }

    [TestCase(0x52C0_0000u)]   // MOVZ W0, hw = 10
    [TestCase(0x52E0_0000u)]   // MOVZ W0, hw = 11
    [TestCase(0x12C0_0000u)]   // MOVN W0, hw = 10
    [TestCase(0x12E0_0000u)]   // MOVN W0, hw = 11
    [TestCase(0x72C0_0000u)]   // MOVK W0, hw = 10
    [TestCase(0x72E0_0000u)]   // MOVK W0, hw = 11
    [TestCase(0x3280_0000u)]   // opc = 01 (32-bit): unallocated
    [TestCase(0xB280_0000u)]   // opc = 01 (64-bit): unallocated
    public void ReservedMoveWideEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>SBFM, BFM, UBFM and their aliases (ASR, LSL, LSR, SBFIZ, SBFX, SXTB/H/W, BFI, BFXIL, BFC, UBFIZ, UBFX, UXTB/H).</summary>
public class DataProcessingBitfieldTests
{
    [TestCase("asr x0, x1, #63", 0x8000_0000_0000_0000UL, ulong.MaxValue)]
    [TestCase("asr x0, x1, #63", 0x7FFF_FFFF_FFFF_FFFFUL, 0UL)]
    [TestCase("asr x0, x1, #4", 0x8000_0000_0000_00F0UL, 0xF800_0000_0000_000FUL)]
    [TestCase("asr x0, x1, #0", 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [TestCase("asr w0, w1, #31", 0x8000_0000UL, 0xFFFF_FFFFUL)]
    [TestCase("asr w0, w1, #4", 0xFFFF_FFFF_0000_F000UL, 0x0000_0F00UL)]
    [TestCase("asr w0, w1, #4", 0x8000_0000UL, 0xF800_0000UL)]
    [TestCase("sxtb x0, w1", 0x80UL, 0xFFFF_FFFF_FFFF_FF80UL)]
    [TestCase("sxtb x0, w1", 0xFFFF_FF7FUL, 0x7FUL)]
    [TestCase("sxtb w0, w1", 0x80UL, 0xFFFF_FF80UL)]
    [TestCase("sxth x0, w1", 0x1234_8000UL, 0xFFFF_FFFF_FFFF_8000UL)]
    [TestCase("sxth w0, w1", 0x1234_8000UL, 0xFFFF_8000UL)]
    [TestCase("sxtw x0, w1", 0xFFFF_FFFF_7FFF_FFFFUL, 0x7FFF_FFFFUL)]
    [TestCase("sxtw x0, w1", 0x8000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [TestCase("sbfx x0, x1, #4, #8", 0xF80UL, 0xFFFF_FFFF_FFFF_FFF8UL)]
    [TestCase("sbfx x0, x1, #4, #8", 0x780UL, 0x78UL)]
    [TestCase("sbfx x0, x1, #63, #1", 0x8000_0000_0000_0000UL, ulong.MaxValue)]
    [TestCase("sbfx w0, w1, #16, #16", 0x8001_0000UL, 0xFFFF_8001UL)]
    [TestCase("sbfiz x0, x1, #8, #4", 0xFUL, 0xFFFF_FFFF_FFFF_FF00UL)]
    [TestCase("sbfiz x0, x1, #8, #4", 0x17UL, 0x700UL)]
    [TestCase("sbfiz w0, w1, #28, #4", 0x7UL, 0x7000_0000UL)]
    [TestCase("sbfiz w0, w1, #28, #4", 0x8UL, 0x8000_0000UL)]
    [TestCase("sbfiz w0, w1, #4, #4", 0x8UL, 0xFFFF_FF80UL)]
    [TestCase("sbfm x0, x1, #8, #4", 0x10UL, 0xF000_0000_0000_0000UL)]   // SBFIZ lsb 56 width 5, sign bit set
    public void SbfmAndItsAliasesSignExtendTheField(string asm, ulong x1, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase("lsl x0, x1, #4", 0xF000_0000_0000_0001UL, 0x10UL)]
    [TestCase("lsl x0, x1, #63", 0x3UL, 0x8000_0000_0000_0000UL)]
    [TestCase("lsl w0, w1, #31", 0x3UL, 0x8000_0000UL)]
    [TestCase("lsl w0, w1, #1", 0xFFFF_FFFF_FFFF_FFFFUL, 0xFFFF_FFFEUL)]
    [TestCase("lsr x0, x1, #63", 0x8000_0000_0000_0000UL, 1UL)]
    [TestCase("lsr x0, x1, #1", 0xFFFF_FFFF_FFFF_FFFFUL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [TestCase("lsr w0, w1, #16", 0xFFFF_FFFF_1234_5678UL, 0x1234UL)]
    [TestCase("lsr w0, w1, #31", 0x8000_0000UL, 1UL)]
    [TestCase("ubfx x0, x1, #60, #4", 0xA000_0000_0000_0000UL, 0xAUL)]
    [TestCase("ubfx x0, x1, #0, #64", 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [TestCase("ubfx w0, w1, #4, #8", 0xFFFF_FFFF_FFFF_FABCUL, 0xABUL)]
    [TestCase("ubfiz x0, x1, #56, #8", 0x1ABUL, 0xAB00_0000_0000_0000UL)]
    [TestCase("ubfiz w0, w1, #16, #16", 0xFFFF_FFFF_FFFF_8001UL, 0x8001_0000UL)]
    [TestCase("uxtb w0, w1", 0xFFFF_FFFF_FFFF_FF80UL, 0x80UL)]
    [TestCase("uxth w0, w1", 0xFFFF_FFFF_FFFF_FF80UL, 0xFF80UL)]
    [TestCase("ubfm x0, x1, #8, #4", 0x3FUL, 0x1F00_0000_0000_0000UL)]   // UBFIZ lsb 56 width 5
    public void UbfmAndItsAliasesZeroExtendTheField(string asm, ulong x1, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase("bfi x0, x1, #8, #16", 0x1111_1111_1111_1111UL, 0xABCDUL, 0x1111_1111_11AB_CD11UL)]
    [TestCase("bfi x0, x1, #60, #4", 0x0UL, 0xFFFF_FFFF_FFFF_FFFAUL, 0xA000_0000_0000_0000UL)]
    [TestCase("bfi x0, x1, #0, #64", 0x1111UL, 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [TestCase("bfxil x0, x1, #8, #16", 0x1111_1111_1111_1111UL, 0x00AB_CD00UL, 0x1111_1111_1111_ABCDUL)]
    [TestCase("bfxil x0, x1, #63, #1", 0x0UL, 0x8000_0000_0000_0000UL, 0x1UL)]
    [TestCase("bfi w0, w1, #28, #4", 0xFFFF_FFFF_0000_0000UL, 0xAUL, 0xA000_0000UL)]
    [TestCase("bfxil w0, w1, #0, #32", 0xFFFF_FFFF_FFFF_FFFFUL, 0xFFFF_FFFF_1234_5678UL, 0x1234_5678UL)]
    [TestCase("bfxil w0, w1, #16, #8", 0xFFFF_FFFF_FFFF_FFFFUL, 0x00AB_0000UL, 0xFFFF_FFABUL)]
    [TestCase("bfc x0, #4, #8", 0xFFFF_FFFF_FFFF_FFFFUL, 0UL, 0xFFFF_FFFF_FFFF_F00FUL)]
    [TestCase("bfc w0, #31, #1", 0xFFFF_FFFF_FFFF_FFFFUL, 0UL, 0x7FFF_FFFFUL)]
    [TestCase("bfm x0, x1, #8, #4", 0x0UL, 0xFFUL, 0x1F00_0000_0000_0000UL)]   // BFI lsb 56 width 5
    public void BfmInsertsTheFieldAndKeepsTheOtherBits(string asm, ulong x0, ulong x1, ulong expected) =>
        Assert.That(Dp.Exec("mov x0, x2\n" + asm, x1, x0, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase(0x9300_0020u)]   // SBFM X, N = 0
    [TestCase(0xB300_0020u)]   // BFM X, N = 0
    [TestCase(0xD300_0020u)]   // UBFM X, N = 0
    [TestCase(0x1340_0020u)]   // SBFM W, N = 1
    [TestCase(0x3340_0020u)]   // BFM W, N = 1
    [TestCase(0x5340_0020u)]   // UBFM W, N = 1
    [TestCase(0x5320_0020u)]   // UBFM W, immr = 100000
    [TestCase(0x5300_8020u)]   // UBFM W, imms = 100000
    [TestCase(0x1320_7C20u)]   // SBFM W, immr = 100000
    [TestCase(0x3300_FC20u)]   // BFM W, imms = 111111
    [TestCase(0x7300_0020u)]   // opc = 11 (32-bit): unallocated
    [TestCase(0xF340_0020u)]   // opc = 11 (64-bit): unallocated
    public void ReservedBitfieldEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>EXTR and its alias ROR (immediate).</summary>
public class DataProcessingExtractTests
{
    [TestCase("extr x0, x1, x2, #8", 0x0123_4567_89AB_CDEFUL, 0xFEDC_BA98_7654_3210UL, 0xEFFE_DCBA_9876_5432UL)]
    [TestCase("extr x0, x1, x2, #0", 0x0123_4567_89AB_CDEFUL, 0xFEDC_BA98_7654_3210UL, 0xFEDC_BA98_7654_3210UL)]
    [TestCase("extr x0, x1, x2, #63", 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0000UL, 0x3UL)]
    [TestCase("extr x0, x1, x2, #32", 0x1111_1111_2222_2222UL, 0x3333_3333_4444_4444UL, 0x2222_2222_3333_3333UL)]
    [TestCase("ror x0, x1, #4", 0x1234_5678_9ABC_DEF0UL, 0UL, 0x0123_4567_89AB_CDEFUL)]
    [TestCase("ror x0, x1, #1", 0x1UL, 0UL, 0x8000_0000_0000_0000UL)]
    [TestCase("extr w0, w1, w2, #8", 0xFFFF_FFFF_0123_4567UL, 0xFFFF_FFFF_89AB_CDEFUL, 0x6789_ABCDUL)]
    [TestCase("extr w0, w1, w2, #0", 0xFFFF_FFFF_0123_4567UL, 0xFFFF_FFFF_89AB_CDEFUL, 0x89AB_CDEFUL)]
    [TestCase("extr w0, w1, w2, #31", 0x1UL, 0x8000_0000UL, 0x3UL)]
    [TestCase("extr w0, w1, w2, #16", 0xFFFF_FFFF_AAAA_BBBBUL, 0xFFFF_FFFF_CCCC_DDDDUL, 0xBBBB_CCCCUL)]
    [TestCase("ror w0, w1, #1", 0xFFFF_FFFF_0000_0001UL, 0UL, 0x8000_0000UL)]
    [TestCase("ror w0, w1, #31", 0x8000_0000UL, 0UL, 0x1UL)]
    public void ExtrTakesDatasizeBitsFromTheConcatenation(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [Test]
    public void ExtrReadsXzrAsZero()
    {
        Assert.That(Dp.Exec("extr x0, xzr, x1, #4", 0xFFUL).X0, Is.EqualTo(0xFUL));
        Assert.That(Dp.Exec("extr x0, x1, xzr, #60", 0xFFUL).X0, Is.EqualTo(0xFF0UL));
    }

    [TestCase(0x9380_0020u)]   // sf = 1, N = 0
    [TestCase(0x13C0_0020u)]   // sf = 0, N = 1
    [TestCase(0x1380_8020u)]   // sf = 0, imms = 100000
    [TestCase(0x1380_FC20u)]   // sf = 0, imms = 111111
    [TestCase(0x93E0_0020u)]   // o0 = 1: unallocated
    [TestCase(0xB3C0_0020u)]   // op21 = 01: unallocated
    [TestCase(0xD3C0_0020u)]   // op21 = 10: unallocated
    [TestCase(0xF3C0_0020u)]   // op21 = 11: unallocated
    public void ReservedExtractEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}
