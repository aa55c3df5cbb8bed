using FastArm.Jit;
using FastArm.Jit.Decode;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>Data-processing (1 source): RBIT, REV16, REV32, REV (and REV64), CLZ, CLS.</summary>
public class DataProcessingOneSourceTests
{
    [TestCase("rbit x0, x1", 0x1UL, 0x8000_0000_0000_0000UL)]
    [TestCase("rbit x0, x1", 0x0123_4567_89AB_CDEFUL, 0xF7B3_D591_E6A2_C480UL)]
    [TestCase("rbit x0, x1", 0UL, 0UL)]
    [TestCase("rbit x0, x1", ulong.MaxValue, ulong.MaxValue)]
    [TestCase("rbit w0, w1", 0xFFFF_FFFF_0000_0001UL, 0x8000_0000UL)]
    [TestCase("rbit w0, w1", 0x0123_4567UL, 0xE6A2_C480UL)]
    [TestCase("rev16 x0, x1", 0x0123_4567_89AB_CDEFUL, 0x2301_6745_AB89_EFCDUL)]
    [TestCase("rev16 w0, w1", 0xFFFF_FFFF_0123_4567UL, 0x2301_6745UL)]
    [TestCase("rev32 x0, x1", 0x0123_4567_89AB_CDEFUL, 0x6745_2301_EFCD_AB89UL)]
    [TestCase("rev w0, w1", 0xFFFF_FFFF_0123_4567UL, 0x6745_2301UL)]
    [TestCase("rev x0, x1", 0x0123_4567_89AB_CDEFUL, 0xEFCD_AB89_6745_2301UL)]
    [TestCase("rev64 x0, x1", 0x0123_4567_89AB_CDEFUL, 0xEFCD_AB89_6745_2301UL)]
    [TestCase("clz x0, x1", 0UL, 64UL)]
    [TestCase("clz x0, x1", 1UL, 63UL)]
    [TestCase("clz x0, x1", 0x8000_0000_0000_0000UL, 0UL)]
    [TestCase("clz x0, x1", 0x8000_0000UL, 32UL)]
    [TestCase("clz w0, w1", 0UL, 32UL)]
    [TestCase("clz w0, w1", 0xFFFF_FFFF_0000_0001UL, 31UL)]
    [TestCase("clz w0, w1", 0x8000_0000UL, 0UL)]
    [TestCase("clz w0, w1", 0x1_0000_0000UL, 32UL)]
    [TestCase("cls x0, x1", 0UL, 63UL)]
    [TestCase("cls x0, x1", ulong.MaxValue, 63UL)]
    [TestCase("cls x0, x1", 1UL, 62UL)]
    [TestCase("cls x0, x1", 0xFFFF_FFFF_FFFF_FFFEUL, 62UL)]
    [TestCase("cls x0, x1", 0x8000_0000_0000_0000UL, 0UL)]
    [TestCase("cls x0, x1", 0x4000_0000_0000_0000UL, 0UL)]
    [TestCase("cls x0, x1", 0xC000_0000_0000_0000UL, 1UL)]
    [TestCase("cls x0, x1", 0x0000_0000_FFFF_FFFFUL, 31UL)]
    [TestCase("cls w0, w1", 0UL, 31UL)]
    [TestCase("cls w0, w1", 0xFFFF_FFFFUL, 31UL)]
    [TestCase("cls w0, w1", 0xFFFF_0000UL, 15UL)]
    [TestCase("cls w0, w1", 0xFFFF_FFFF_0000_0001UL, 30UL)]
    [TestCase("cls w0, w1", 0x7FFF_FFFFUL, 0UL)]
    [TestCase("cls w0, w1", 0xFFFF_FFFF_8000_0000UL, 0UL)]
    public void OneSourceInstructionsTransformTheOperand(string asm, ulong x1, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [Test]
    public void RegisterThirtyOneIsXzr()
    {
        using var h = Dp.Run("clz x0, xzr\n cls x1, xzr\n .inst 0xDAC0003F");   // the last: RBIT XZR, X1
        Assert.That(h.X(0), Is.EqualTo(64UL));
        Assert.That(h.X(1), Is.EqualTo(63UL));
        Assert.That(h.Cpu.Sp, Is.EqualTo(Support.CpuHarness.StackTop));
    }

    [TestCase(0x5AC0_0C20u)]   // REV with sf = 0 and opc = 11
    [TestCase(0xDAC0_1820u)]   // opcode 000110
    [TestCase(0x5AC0_1C20u)]   // opcode 000111
    [TestCase(0x5AC0_4020u)]   // opcode 010000
    [TestCase(0xDAC0_8020u)]   // opcode 100000
    [TestCase(0xFAC0_0020u)]   // RBIT with S = 1
    [TestCase(0x7AC0_1020u)]   // CLZ W with S = 1
    [TestCase(0x5AC1_0020u)]   // opcode2 = 00001 (sf = 0)
    [TestCase(0x5AD0_0020u)]   // opcode2 = 10000
    public void UnallocatedOneSourceEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>Data-processing (2 source): UDIV, SDIV, LSLV, LSRV, ASRV, RORV.</summary>
public class DataProcessingTwoSourceTests
{
    [TestCase("udiv x0, x1, x2", 100UL, 7UL, 14UL)]
    [TestCase("udiv x0, x1, x2", 100UL, 0UL, 0UL)]
    [TestCase("udiv x0, x1, x2", ulong.MaxValue, 1UL, ulong.MaxValue)]
    [TestCase("udiv x0, x1, x2", ulong.MaxValue, 0x10UL, 0x0FFF_FFFF_FFFF_FFFFUL)]
    [TestCase("udiv x0, x1, x2", 5UL, ulong.MaxValue, 0UL)]
    [TestCase("udiv x0, x1, x2", 0x8000_0000_0000_0000UL, ulong.MaxValue, 0UL)]
    [TestCase("udiv w0, w1, w2", ulong.MaxValue, 0x1_0000_0002UL, 0x7FFF_FFFFUL)]
    [TestCase("udiv w0, w1, w2", 0x8000_0000UL, 0xFFFF_FFFFUL, 0UL)]
    [TestCase("udiv w0, w1, w2", 0x1234UL, 0x1_0000_0000UL, 0UL)]
    [TestCase("sdiv x0, x1, x2", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, 0xFFFF_FFFF_FFFF_FFFDUL)]          // -7 / 2 = -3
    [TestCase("sdiv x0, x1, x2", 7UL, 0xFFFF_FFFF_FFFF_FFFEUL, 0xFFFF_FFFF_FFFF_FFFDUL)]          // 7 / -2 = -3
    [TestCase("sdiv x0, x1, x2", 0xFFFF_FFFF_FFFF_FFF9UL, 0xFFFF_FFFF_FFFF_FFFEUL, 3UL)]          // -7 / -2 = 3
    [TestCase("sdiv x0, x1, x2", 0x8000_0000_0000_0000UL, ulong.MaxValue, 0x8000_0000_0000_0000UL)]
    [TestCase("sdiv x0, x1, x2", 0x8000_0000_0000_0000UL, 1UL, 0x8000_0000_0000_0000UL)]
    [TestCase("sdiv x0, x1, x2", 0x8000_0000_0000_0000UL, 0UL, 0UL)]
    [TestCase("sdiv x0, x1, x2", 1UL, 2UL, 0UL)]
    [TestCase("sdiv w0, w1, w2", 0x8000_0000UL, 0xFFFF_FFFFUL, 0x8000_0000UL)]
    [TestCase("sdiv w0, w1, w2", 0xFFFF_FFF9UL, 2UL, 0xFFFF_FFFDUL)]
    [TestCase("sdiv w0, w1, w2", 0xFFFF_FFFF_0000_0064UL, 0xFFFF_FFFF_0000_0007UL, 14UL)]
    [TestCase("sdiv w0, w1, w2", 0x7FFF_FFFFUL, 0x1_0000_0000UL, 0UL)]
    [TestCase("sdiv w0, w1, w2", 0x8000_0000UL, 2UL, 0xC000_0000UL)]
    public void DivisionRoundsTowardsZeroAndDivisionByZeroGivesZero(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase("lslv x0, x1, x2", 1UL, 63UL, 0x8000_0000_0000_0000UL)]
    [TestCase("lslv x0, x1, x2", 1UL, 64UL, 1UL)]
    [TestCase("lslv x0, x1, x2", 1UL, 65UL, 2UL)]
    [TestCase("lsl x0, x1, x2", 0xFFUL, 0xFFFF_FFFF_FFFF_FFC4UL, 0xFF0UL)]   // amount = X2 MOD 64 = 4
    [TestCase("lslv w0, w1, w2", 0x8000_0001UL, 33UL, 2UL)]
    [TestCase("lslv w0, w1, w2", 0xFFFF_FFFF_0000_0001UL, 31UL, 0x8000_0000UL)]
    [TestCase("lslv w0, w1, w2", 0x1UL, 32UL, 1UL)]
    [TestCase("lsrv x0, x1, x2", ulong.MaxValue, 68UL, 0x0FFF_FFFF_FFFF_FFFFUL)]
    [TestCase("lsrv x0, x1, x2", 0x8000_0000_0000_0000UL, 63UL, 1UL)]
    [TestCase("lsrv w0, w1, w2", 0xFFFF_FFFF_8000_0000UL, 31UL, 1UL)]
    [TestCase("lsrv w0, w1, w2", 0xFFFF_FFFF_0000_0000UL, 1UL, 0UL)]
    [TestCase("lsrv w0, w1, w2", 0x8000_0000UL, 0x20UL, 0x8000_0000UL)]
    [TestCase("asrv x0, x1, x2", 0x8000_0000_0000_0000UL, 63UL, ulong.MaxValue)]
    [TestCase("asrv x0, x1, x2", 0x8000_0000_0000_0000UL, 127UL, ulong.MaxValue)]
    [TestCase("asrv x0, x1, x2", 0x4000_0000_0000_0000UL, 62UL, 1UL)]
    [TestCase("asrv w0, w1, w2", 0x8000_0000UL, 63UL, 0xFFFF_FFFFUL)]
    [TestCase("asrv w0, w1, w2", 0x7FFF_FFFF_7FFF_FFFFUL, 4UL, 0x07FF_FFFFUL)]
    [TestCase("asrv w0, w1, w2", 0x8000_0000UL, 4UL, 0xF800_0000UL)]
    [TestCase("rorv x0, x1, x2", 1UL, 1UL, 0x8000_0000_0000_0000UL)]
    [TestCase("rorv x0, x1, x2", 1UL, 64UL, 1UL)]
    [TestCase("rorv x0, x1, x2", 0x0123_4567_89AB_CDEFUL, 0x44UL, 0xF012_3456_789A_BCDEUL)]
    [TestCase("rorv w0, w1, w2", 0xFFFF_FFFF_0000_0001UL, 1UL, 0x8000_0000UL)]
    [TestCase("rorv w0, w1, w2", 0x1UL, 32UL, 1UL)]
    [TestCase("rorv w0, w1, w2", 0x1234_5678UL, 0x3CUL, 0x2345_6781UL)]
    public void VariableShiftsTakeTheAmountModuloDatasize(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase(0x3AC2_0820u)]   // UDIV W with S = 1
    [TestCase(0xBAC2_0C20u)]   // SDIV X with S = 1
    [TestCase(0x1AC2_0020u)]   // opcode 000000 (sf = 0)
    [TestCase(0x1AC2_0420u)]   // opcode 000001
    [TestCase(0x1AC2_1020u)]   // opcode 000100
    [TestCase(0x1AC2_1420u)]   // opcode 000101
    [TestCase(0x1AC2_3020u)]   // opcode 001100
    [TestCase(0x1AC2_3420u)]   // opcode 001101
    [TestCase(0x1AC2_8020u)]   // opcode 100000
    [TestCase(0x9AC2_FC20u)]   // opcode 111111
    public void UnallocatedTwoSourceEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}

/// <summary>CRC32B/H/W/X and CRC32CB/H/W/X (FEAT_CRC32).</summary>
public class DataProcessingCrc32Tests
{
    // X1 = "12345678" and X2 = "9" as little-endian bytes: the standard check string "123456789".
    private const ulong Check1To8 = 0x3837_3635_3433_3231UL;
    private const ulong Check9 = 0x39UL;

    // CRC-32 of "123456789" is 0xCBF43926, CRC-32C 0xE3069283 (initial value and final XOR all ones, which
    // the instructions leave to software).
    [TestCase("crc32x w0, w0, x1\n crc32b w0, w0, w2", 0xCBF4_3926UL)]
    [TestCase("crc32w w0, w0, w1\n lsr x3, x1, #32\n crc32h w0, w0, w3\n lsr x3, x1, #48\n crc32h w0, w0, w3\n crc32b w0, w0, w2", 0xCBF4_3926UL)]
    [TestCase("mov x3, x1\n .rept 8\n crc32b w0, w0, w3\n lsr x3, x3, #8\n .endr\n crc32b w0, w0, w2", 0xCBF4_3926UL)]
    [TestCase("mov x3, x1\n .rept 8\n crc32cb w0, w0, w3\n lsr x3, x3, #8\n .endr\n crc32cb w0, w0, w2", 0xE306_9283UL)]
    [TestCase("crc32cx w0, w0, x1\n crc32cb w0, w0, w2", 0xE306_9283UL)]
    [TestCase("crc32cw w0, w0, w1\n lsr x3, x1, #32\n crc32ch w0, w0, w3\n lsr x3, x1, #48\n crc32ch w0, w0, w3\n crc32cb w0, w0, w2", 0xE306_9283UL)]
    public void CrcOfTheCheckStringMatchesTheStandard(string body, ulong expected)
    {
        var (x0, _) = Dp.Exec("mov w0, #-1\n" + body + "\n mvn w0, w0", Check1To8, Check9);
        Assert.That(x0, Is.EqualTo(expected));
    }

    // One zero byte: CRC-32 "\0" = 0xD202EF8D and CRC-32C "\0" = 0x527D5351 after the final inversion.
    [TestCase("crc32b w0, w1, w2", 0xFFFF_FFFFUL, 0UL, 0x2DFD_1072UL)]
    [TestCase("crc32cb w0, w1, w2", 0xFFFF_FFFFUL, 0UL, 0xAD82_ACAEUL)]
    [TestCase("crc32b w0, w1, w2", 0xFFFF_FFFF_FFFF_FFFFUL, 0xFFFF_FF00UL, 0x2DFD_1072UL)]   // only W1 and the byte count
    [TestCase("crc32cb w0, w1, w2", 0x1234_5678_FFFF_FFFFUL, 0x1234_5600UL, 0xAD82_ACAEUL)]
    [TestCase("crc32b w0, w1, w2", 0UL, 0UL, 0UL)]
    [TestCase("crc32h w0, w1, w2", 0UL, 0UL, 0UL)]
    [TestCase("crc32w w0, w1, w2", 0UL, 0UL, 0UL)]
    [TestCase("crc32x w0, w1, x2", 0UL, 0UL, 0UL)]
    [TestCase("crc32cx w0, w1, x2", 0UL, 0UL, 0UL)]
    public void CrcUsesOnlyTheLowBitsOfItsOperands(string asm, ulong x1, ulong x2, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [Test]
    public void CrcOfOneBitIsThePolynomialStepped()
    {
        // acc = 1 and a zero byte (or acc = 0 and a byte of 1): eight steps of the bit-reflected division give the
        // entry for 1 of the usual byte-wise tables, 0x77073096 for CRC-32 and 0xF26B8303 for CRC-32C.
        Assert.That(Dp.Exec("crc32b w0, w1, w2", 1, 0).X0, Is.EqualTo(0x7707_3096UL));
        Assert.That(Dp.Exec("crc32cb w0, w1, w2", 1, 0).X0, Is.EqualTo(0xF26B_8303UL));
        // and a data byte of 1 with acc 0 gives the same.
        Assert.That(Dp.Exec("crc32b w0, w1, w2", 0, 1).X0, Is.EqualTo(0x7707_3096UL));
    }

    [TestCase(0x1AC2_4C20u)]   // CRC32X with sf = 0
    [TestCase(0x9AC2_4020u)]   // CRC32B with sf = 1
    [TestCase(0x9AC2_4420u)]   // CRC32H with sf = 1
    [TestCase(0x9AC2_4820u)]   // CRC32W with sf = 1
    [TestCase(0x1AC2_5C20u)]   // CRC32CX with sf = 0
    [TestCase(0x9AC2_5820u)]   // CRC32CW with sf = 1
    [TestCase(0x3AC2_4020u)]   // CRC32B with S = 1
    public void CrcWithSfNotMatchingTheSizeIsUndefined(uint word) => Dp.AssertUndefined(word);

    [TestCase(0x1AC2_4020u)]   // CRC32B
    [TestCase(0x9AC2_4C20u)]   // CRC32X
    [TestCase(0x1AC2_5020u)]   // CRC32CB
    [TestCase(0x9AC2_5C20u)]   // CRC32CX
    public void CrcIsUndefinedWithoutFeatCrc32(uint word) =>
        Dp.AssertUndefined(word, new CpuConfig { Features = Feature.Default & ~Feature.CRC32 });
}

/// <summary>Data-processing (3 source): MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH and aliases.</summary>
public class DataProcessingThreeSourceTests
{
    [TestCase("madd x0, x1, x2, x3", 3UL, 4UL, 5UL, 17UL)]
    [TestCase("madd x0, x1, x2, x3", 0x1_0000_0000UL, 0x1_0000_0000UL, 5UL, 5UL)]
    [TestCase("madd x0, x1, x2, x3", ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0UL)]
    [TestCase("mul x0, x1, x2", ulong.MaxValue, ulong.MaxValue, 0UL, 1UL)]
    [TestCase("mul x0, x1, x2", 0x8000_0000_0000_0000UL, 3UL, 0UL, 0x8000_0000_0000_0000UL)]
    [TestCase("msub x0, x1, x2, x3", 7UL, 14UL, 100UL, 2UL)]
    [TestCase("msub x0, x1, x2, x3", 1UL, 1UL, 0UL, ulong.MaxValue)]
    [TestCase("mneg x0, x1, x2", 3UL, 4UL, 0UL, 0xFFFF_FFFF_FFFF_FFF4UL)]
    [TestCase("madd w0, w1, w2, w3", 0xFFFF_FFFF_0000_0003UL, 5UL, 0xFFFF_FFFF_0000_0001UL, 16UL)]
    [TestCase("madd w0, w1, w2, w3", 0x1_0000UL, 0x1_0000UL, 7UL, 7UL)]
    [TestCase("mul w0, w1, w2", 0xFFFF_FFFFUL, 0xFFFF_FFFFUL, 0UL, 1UL)]
    [TestCase("mneg w0, w1, w2", 3UL, 4UL, 0UL, 0xFFFF_FFF4UL)]
    [TestCase("msub w0, w1, w2, w3", 2UL, 3UL, 0xFFFF_FFFF_0000_0006UL, 0UL)]
    [TestCase("smaddl x0, w1, w2, x3", 0x1234_5678_FFFF_FFFFUL, 2UL, 0UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [TestCase("smaddl x0, w1, w2, x3", 0x7FFF_FFFFUL, 0x7FFF_FFFFUL, 1UL, 0x3FFF_FFFF_0000_0002UL)]
    [TestCase("smull x0, w1, w2", 0x8000_0000UL, 0x8000_0000UL, 0UL, 0x4000_0000_0000_0000UL)]
    [TestCase("smull x0, w1, w2", 0x8000_0000UL, 0x7FFF_FFFFUL, 0UL, 0xC000_0000_8000_0000UL)]
    [TestCase("smsubl x0, w1, w2, x3", 0xFFFF_FFFFUL, 2UL, 0UL, 2UL)]
    [TestCase("smnegl x0, w1, w2", 0xFFFF_FFFFUL, 0xFFFF_FFFFUL, 0UL, ulong.MaxValue)]
    [TestCase("umaddl x0, w1, w2, x3", 0xFFFF_FFFFUL, 0xFFFF_FFFFUL, 1UL, 0xFFFF_FFFE_0000_0002UL)]
    [TestCase("umsubl x0, w1, w2, x3", 0xFFFF_FFFFUL, 2UL, 0UL, 0xFFFF_FFFE_0000_0002UL)]
    [TestCase("umull x0, w1, w2", 0xFFFF_FFFF_0000_0002UL, 3UL, 0UL, 6UL)]
    [TestCase("umnegl x0, w1, w2", 1UL, 0x1_0000_0001UL, 0UL, ulong.MaxValue)]
    [TestCase("smulh x0, x1, x2", ulong.MaxValue, ulong.MaxValue, 0UL, 0UL)]
    [TestCase("smulh x0, x1, x2", 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, 0UL, 0x4000_0000_0000_0000UL)]
    [TestCase("smulh x0, x1, x2", ulong.MaxValue, 1UL, 0UL, ulong.MaxValue)]
    [TestCase("smulh x0, x1, x2", 0x7FFF_FFFF_FFFF_FFFFUL, 2UL, 0UL, 0UL)]
    [TestCase("smulh x0, x1, x2", 0x8000_0000_0000_0000UL, ulong.MaxValue, 0UL, 0UL)]
    [TestCase("smulh x0, x1, x2", 0x8000_0000_0000_0000UL, 2UL, 0UL, ulong.MaxValue)]
    [TestCase("umulh x0, x1, x2", ulong.MaxValue, ulong.MaxValue, 0UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [TestCase("umulh x0, x1, x2", 0x8000_0000_0000_0000UL, 2UL, 0UL, 1UL)]
    [TestCase("umulh x0, x1, x2", 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, 0UL, 0x4000_0000_0000_0000UL)]
    [TestCase("umulh x0, x1, x2", ulong.MaxValue, 1UL, 0UL, 0UL)]
    public void MultiplyAddComputesModuloDatasize(string asm, ulong x1, ulong x2, ulong x3, ulong expected) =>
        Assert.That(Dp.Exec(asm, x1, x2, x3, flags: "NZCV"), Is.EqualTo((expected, "NZCV")));

    [TestCase(0x9B42_0C20u)]   // SMULH X0, X1, X2 with Ra = 3
    [TestCase(0x9B42_7C20u)]   // with Ra = 31
    public void SmulhIgnoresRa(uint word) =>
        Assert.That(Dp.Exec($".inst 0x{word:X8}", ulong.MaxValue, 1, 0x1234).X0, Is.EqualTo(ulong.MaxValue));

    [Test]
    public void UmulhIgnoresRa() =>
        Assert.That(Dp.Exec(".inst 0x9BC20C20", ulong.MaxValue, 2, 0x1234).X0, Is.EqualTo(1UL));   // UMULH X0, X1, X2, Ra = 3

    [TestCase(0x1B22_0C20u)]   // SMADDL with sf = 0
    [TestCase(0x1B22_8C20u)]   // SMSUBL with sf = 0
    [TestCase(0x1BA2_0C20u)]   // UMADDL with sf = 0
    [TestCase(0x1B42_7C20u)]   // SMULH with sf = 0
    [TestCase(0x1BC2_7C20u)]   // UMULH with sf = 0
    [TestCase(0xBB02_0C20u)]   // op54 = 01
    [TestCase(0xDB02_0C20u)]   // op54 = 10
    [TestCase(0xFB02_0C20u)]   // op54 = 11
    [TestCase(0x3B02_0C20u)]   // op54 = 01, sf = 0
    [TestCase(0x9B62_0C20u)]   // op31 = 011
    [TestCase(0x9B82_0C20u)]   // op31 = 100
    [TestCase(0x9BE2_0C20u)]   // op31 = 111
    [TestCase(0x9B42_FC20u)]   // SMULH with o0 = 1
    [TestCase(0x9BC2_FC20u)]   // UMULH with o0 = 1
    public void UnallocatedThreeSourceEncodingsAreUndefined(uint word) => Dp.AssertUndefined(word);
}
