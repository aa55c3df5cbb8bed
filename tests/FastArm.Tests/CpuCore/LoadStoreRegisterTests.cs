using FastArm.Jit;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

/// <summary>Shared helpers of the load/store fixtures.</summary>
internal static unsafe class LsKit
{
    public const ulong Data = CpuHarness.DataBase;
    /// <summary>Where a synchronous exception from EL1 with SP_EL1 lands in the harness's vector table.</summary>
    public const ulong SyncVector = CpuHarness.VectorBase + 0x200;
    /// <summary>The first address past the harness's RAM: nothing answers there (an external abort).</summary>
    public const ulong RamEnd = CpuHarness.RamBase + CpuHarness.RamSize;

    public static CpuHarness New(Jit.CpuConfig? config = null)
    {
        var h = new CpuHarness(config);
        // A recognizable pattern in the data area: byte i of the first 4 KB is 0x10 + i (mod 256).
        var bytes = new byte[0x1000];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(0x10 + i);
        h.Bus.Load(Data, bytes);
        return h;
    }

    public static ulong Read(CpuHarness h, ulong pa, int size = 8)
    {
        Assert.That(h.Bus.TryRead(pa, size, out ulong v), Is.True);
        return v;
    }

    public static void Write(CpuHarness h, ulong pa, ulong value, int size = 8) =>
        Assert.That(h.Bus.TryWrite(pa, size, value), Is.True);

    /// <summary>The little-endian value of the pattern at Data + offset.</summary>
    public static ulong Pattern(int offset, int size = 8)
    {
        ulong v = 0;
        for (int i = 0; i < size; i++) v |= (ulong)(byte)(0x10 + offset + i) << (8 * i);
        return v;
    }

    /// <summary>Runs a snippet that must end normally.</summary>
    public static void Ok(CpuHarness h, string asm)
    {
        var reason = h.Run(asm);
        Assert.That(reason, Is.EqualTo(StopReason.Address), $"snippet did not run to its end: PC=0x{h.Cpu.Pc:X}, ESR_EL1=0x{h.Cpu.S.ESR[1]:X}");
    }

    /// <summary>Runs a snippet that must take a synchronous exception to EL1; returns ESR_EL1.</summary>
    public static ulong Faults(CpuHarness h, string asm)
    {
        h.Run(asm, maxInstructions: 200);
        Assert.That(h.Cpu.Pc, Is.EqualTo(SyncVector), "no synchronous exception was taken");
        return h.Cpu.S.ESR[1];
    }

    /// <summary>Runs a single raw instruction word (for encodings the assembler refuses); true when it ran without exception.</summary>
    public static bool RunWord(CpuHarness h, uint word)
    {
        h.Bus.Load(CpuHarness.CodeBase, BitConverter.GetBytes(word));
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Step();
        return h.Cpu.Pc == CpuHarness.CodeBase + 4;
    }

    public static void AssertUndefined(CpuHarness h, uint word)
    {
        Assert.That(RunWord(h, word), Is.False, $"0x{word:X8} should be UNDEFINED");
        Assert.That(h.Cpu.Pc, Is.EqualTo(SyncVector));
        Assert.That(h.Cpu.S.ESR[1] >> 26, Is.EqualTo(0UL), $"0x{word:X8}: EC");
    }

    public const ulong EcDataAbortSame = 0x25;
    public static ulong Ec(ulong esr) => esr >> 26;
    /// <summary>ESR for a data abort from EL1 to EL1: EC 0x25, IL, ISS = DFSC | WnR.</summary>
    public static ulong DataAbortEsr(uint dfsc, bool write) => (0x25UL << 26) | (1UL << 25) | dfsc | (write ? 1UL << 6 : 0);
}

public unsafe class LoadStoreRegisterTests
{
    [Test]
    public void UnsignedOffsetLoadsEverySizeZeroExtended()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldrb w2, [x1, #3]
            ldrh w3, [x1, #4]
            ldr w4, [x1, #8]
            ldr x5, [x1, #16]
            ldr x6, [x1, #4088]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(3, 1)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(4, 2)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(8, 4)));
        Assert.That(h.X(5), Is.EqualTo(LsKit.Pattern(16)));
        Assert.That(h.X(6), Is.EqualTo(LsKit.Pattern(4088)));
    }

    [Test]
    public void SignedLoadsExtendToTheRegisterWidth()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Write(h, LsKit.Data, 0x8000_0000_8000_8080UL);
        LsKit.Write(h, LsKit.Data + 8, 0x0000_0000_7FFF_7F7FUL);
        LsKit.Ok(h, """
            ldrsb x2, [x1]
            ldrsb w3, [x1]
            ldrsh x4, [x1]
            ldrsh w5, [x1, #2]
            ldrsw x6, [x1, #4]
            ldrsb x7, [x1, #8]
            ldrsh w8, [x1, #10]
            ldrsw x9, [x1, #8]
            """);
        Assert.That(h.X(2), Is.EqualTo(0xFFFF_FFFF_FFFF_FF80UL));
        Assert.That(h.X(3), Is.EqualTo(0x0000_0000_FFFF_FF80UL));
        Assert.That(h.X(4), Is.EqualTo(0xFFFF_FFFF_FFFF_8080UL));
        Assert.That(h.X(5), Is.EqualTo(0x0000_0000_FFFF_8000UL));
        Assert.That(h.X(6), Is.EqualTo(0xFFFF_FFFF_8000_0000UL));
        Assert.That(h.X(7), Is.EqualTo(0x7FUL));
        Assert.That(h.X(8), Is.EqualTo(0x7FFFUL));
        Assert.That(h.X(9), Is.EqualTo(0x7FFF_7F7FUL));
    }

    [Test]
    public void StoresWriteOnlyTheirSize()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, 0x1122_3344_5566_7788UL);
        LsKit.Ok(h, """
            strb w2, [x1]
            strh w2, [x1, #8]
            str w2, [x1, #16]
            str x2, [x1, #24]
            """);
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo((LsKit.Pattern(0) & ~0xFFUL) | 0x88));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo((LsKit.Pattern(8) & ~0xFFFFUL) | 0x7788));
        Assert.That(LsKit.Read(h, LsKit.Data + 16), Is.EqualTo((LsKit.Pattern(16) & ~0xFFFF_FFFFUL) | 0x5566_7788));
        Assert.That(LsKit.Read(h, LsKit.Data + 24), Is.EqualTo(0x1122_3344_5566_7788UL));
    }

    [Test]
    public void UnscaledOffsetsReachNegativeAndOddAddresses()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        h.Cpu.SetX(9, 0xAABB_CCDD_EEFF_0011UL);
        LsKit.Ok(h, """
            ldur x2, [x1, #-256]
            ldur w3, [x1, #255]
            ldursb w4, [x1, #-1]
            ldursh x5, [x1, #-3]
            ldursw x6, [x1, #4]
            ldurb w7, [x1, #1]
            ldurh w8, [x1, #-2]
            stur x9, [x1, #-255]
            sturb w9, [x1, #200]
            sturh w9, [x1, #202]
            stur w9, [x1, #204]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x1FF, 4)));
        Assert.That(h.X(4), Is.EqualTo((ulong)(uint)(sbyte)LsKit.Pattern(0xFF, 1)));
        Assert.That(h.X(5), Is.EqualTo((ulong)(short)LsKit.Pattern(0xFD, 2)));
        Assert.That(h.X(6), Is.EqualTo((ulong)(int)LsKit.Pattern(0x104, 4)));
        Assert.That(h.X(7), Is.EqualTo(LsKit.Pattern(0x101, 1)));
        Assert.That(h.X(8), Is.EqualTo(LsKit.Pattern(0xFE, 2)));
        Assert.That(LsKit.Read(h, LsKit.Data + 1), Is.EqualTo(0xAABB_CCDD_EEFF_0011UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x100 + 200, 1), Is.EqualTo(0x11UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x100 + 202, 2), Is.EqualTo(0x0011UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x100 + 204, 4), Is.EqualTo(0xEEFF_0011UL));
    }

    [Test]
    public void PreIndexWritesTheNewAddressBackBeforeTheAccess()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(3, LsKit.Data + 0x40);
        h.Cpu.SetX(4, 0x55);
        LsKit.Ok(h, """
            ldr x2, [x1, #16]!
            strb w4, [x3, #-1]!
            ldrsh w5, [x1, #-6]!
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(16)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Data + 0x3F));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x3F, 1), Is.EqualTo(0x55UL));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 10));
        Assert.That(h.X(5), Is.EqualTo((ulong)(uint)(int)(short)LsKit.Pattern(10, 2)));
    }

    [Test]
    public void PostIndexAccessesTheOldAddressThenWritesBack()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(3, LsKit.Data + 0x80);
        h.Cpu.SetX(4, 0x1234_5678);
        LsKit.Ok(h, """
            ldr w2, [x1], #-4
            str w4, [x3], #255
            ldrsb x5, [x1], #1
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0, 4)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Data + 0x80 + 255));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x80, 4), Is.EqualTo(0x1234_5678UL));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data - 3));
    }

    [Test]
    public void RegisterOffsetsExtendAndScaleTheIndex()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        h.Cpu.SetX(2, 3);
        h.Cpu.SetX(3, 0xFFFF_FFFF_FFFF_FFFEUL);   // -2 as X, 0xFFFFFFFE as W
        h.Cpu.SetX(4, 0x1_0000_0010UL);            // W = 16
        LsKit.Ok(h, """
            ldr x10, [x1, x2]
            ldr x11, [x1, x2, lsl #3]
            ldr w12, [x1, w3, sxtw #2]
            ldrh w13, [x1, x3, sxtx #1]
            ldrb w14, [x1, w4, uxtw]
            ldrb w15, [x1, x2, lsl #0]
            ldrsw x16, [x1, w4, uxtw #2]
            ldr x17, [x1, x3, sxtx]
            """);
        Assert.That(h.X(10), Is.EqualTo(LsKit.Pattern(0x103)));
        Assert.That(h.X(11), Is.EqualTo(LsKit.Pattern(0x118)));
        Assert.That(h.X(12), Is.EqualTo(LsKit.Pattern(0xF8, 4)));
        Assert.That(h.X(13), Is.EqualTo(LsKit.Pattern(0xFC, 2)));
        Assert.That(h.X(14), Is.EqualTo(LsKit.Pattern(0x110, 1)));
        Assert.That(h.X(15), Is.EqualTo(LsKit.Pattern(0x103, 1)));
        Assert.That(h.X(16), Is.EqualTo((ulong)(int)LsKit.Pattern(0x140, 4)));
        Assert.That(h.X(17), Is.EqualTo(LsKit.Pattern(0xFE)));
    }

    [Test]
    public void RegisterOffsetStoresUseTheSameAddressing()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        h.Cpu.SetX(2, 0xFFFF_FFFF_FFFF_FFFFUL);   // W = -1
        h.Cpu.SetX(3, 0xFFFF_FFFF_0000_0008UL);   // W = 8
        h.Cpu.SetX(9, 0xCAFE_F00D_DEAD_BEEFUL);
        LsKit.Ok(h, """
            str x9, [x1, w2, sxtw #3]
            strh w9, [x1, w3, uxtw #1]
            strb w9, [x1, x2]
            """);
        // The byte store at -1 lands on the top byte of the doubleword at -8.
        Assert.That(LsKit.Read(h, LsKit.Data + 0xF8), Is.EqualTo(0xEFFE_F00D_DEAD_BEEFUL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x110, 2), Is.EqualTo(0xBEEFUL));
    }

    [Test]
    public void LiteralLoadsArePcRelative()
    {
        using var h = LsKit.New();
        LsKit.Ok(h, """
            b 3f
            .balign 8
            1: .quad 0x8877665544332211
            2: .word 0x80000001
            3: ldr w1, 1b
            ldr x2, 1b
            ldrsw x3, 2b
            prfm pldl1keep, 1b
            ldr w4, 4f
            b 5f
            4: .word 0x76543210
            5: ldr x5, 4b
            """);
        Assert.That(h.X(4), Is.EqualTo(0x7654_3210UL));
        Assert.That(h.X(5) & 0xFFFF_FFFF, Is.EqualTo(0x7654_3210UL));
        Assert.That(h.X(1), Is.EqualTo(0x4433_2211UL));
        Assert.That(h.X(2), Is.EqualTo(0x8877_6655_4433_2211UL));
        Assert.That(h.X(3), Is.EqualTo(0xFFFF_FFFF_8000_0001UL));
    }

    [Test]
    public void LiteralLoadReachesBackwards()
    {
        using var h = LsKit.New();
        LsKit.Ok(h, """
            b 2f
            1: .word 0x12345678
            2: ldr w1, 1b
            """);
        Assert.That(h.X(1), Is.EqualTo(0x1234_5678UL));
    }

    [Test]
    public void UnprivilegedFormsWorkAsPlainAccessesWithTheMmuOff()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data + 0x10);
        h.Cpu.SetX(9, 0xFEDC_BA98_7654_3210UL);
        LsKit.Ok(h, """
            ldtr x2, [x1, #-16]
            ldtrb w3, [x1, #1]
            ldtrh w4, [x1, #2]
            ldtrsb x5, [x1, #3]
            ldtrsb w6, [x1, #3]
            ldtrsh x7, [x1, #4]
            ldtrsh w8, [x1, #4]
            ldtrsw x10, [x1, #-4]
            ldtr w11, [x1, #255]
            sttr x9, [x1, #32]
            sttrb w9, [x1, #48]
            sttrh w9, [x1, #56]
            sttr w9, [x1, #64]
            """);
        Assert.That(h.X(2), Is.EqualTo(LsKit.Pattern(0)));
        Assert.That(h.X(3), Is.EqualTo(LsKit.Pattern(0x11, 1)));
        Assert.That(h.X(4), Is.EqualTo(LsKit.Pattern(0x12, 2)));
        Assert.That(h.X(5), Is.EqualTo(LsKit.Pattern(0x13, 1)));
        Assert.That(h.X(6), Is.EqualTo(LsKit.Pattern(0x13, 1)));
        Assert.That(h.X(7), Is.EqualTo(LsKit.Pattern(0x14, 2)));
        Assert.That(h.X(10), Is.EqualTo(LsKit.Pattern(0x0C, 4)));
        Assert.That(h.X(11), Is.EqualTo(LsKit.Pattern(0x10F, 4)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x30), Is.EqualTo(0xFEDC_BA98_7654_3210UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x40, 1), Is.EqualTo(0x10UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x48, 2), Is.EqualTo(0x3210UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x50, 4), Is.EqualTo(0x7654_3210UL));
    }

    [Test]
    public void UnprivilegedSignedLoadsExtend()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Write(h, LsKit.Data, 0x8000_0000_8000_8080UL);
        LsKit.Ok(h, """
            ldtrsb x2, [x1]
            ldtrsb w3, [x1]
            ldtrsh x4, [x1, #2]
            ldtrsh w5, [x1, #2]
            ldtrsw x6, [x1, #4]
            """);
        Assert.That(h.X(2), Is.EqualTo(0xFFFF_FFFF_FFFF_FF80UL));
        Assert.That(h.X(3), Is.EqualTo(0xFFFF_FF80UL));
        Assert.That(h.X(4), Is.EqualTo(0xFFFF_FFFF_FFFF_8000UL));
        Assert.That(h.X(5), Is.EqualTo(0xFFFF_8000UL));
        Assert.That(h.X(6), Is.EqualTo(0xFFFF_FFFF_8000_0000UL));
    }

    [Test]
    public void SpBaseIsUsedAndWrittenBack()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(9, 0x1111_2222_3333_4444UL);
        LsKit.Ok(h, """
            str x9, [sp, #-16]!
            ldr x2, [sp], #16
            ldr x3, [sp, #-16]
            """);
        Assert.That(h.X(2), Is.EqualTo(0x1111_2222_3333_4444UL));
        Assert.That(h.X(3), Is.EqualTo(0x1111_2222_3333_4444UL));
        Assert.That(h.Cpu.Sp, Is.EqualTo(CpuHarness.StackTop));
    }

    [Test]
    public void XzrAsTheDataRegisterStoresZeroAndDiscardsLoads()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            str xzr, [x1]
            ldr xzr, [x1, #8]
            """);
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0UL));
    }

    [Test]
    public void PrefetchesDecodeAndDoNothingEvenAtUnmappedAddresses()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.RamEnd + 0x1000);
        h.Cpu.SetX(2, 8);
        h.Cpu.S.SCTLR[1] |= 8;   // SA: prefetches are not checked
        h.Cpu.Sp = CpuHarness.StackTop - 4;
        LsKit.Ok(h, """
            prfm pldl1keep, [x1]
            prfm pstl3strm, [x1, #32760]
            prfm plil2keep, [x1, x2, lsl #3]
            prfm pldl1keep, [x1, w2, sxtw]
            prfum pldl2strm, [x1, #-256]
            prfm pldl1keep, [sp]
            prfm #31, [x1]
            """);
        Assert.That(h.Cpu.InstructionsExecuted, Is.EqualTo(7UL));
    }

    [Test]
    public void PrefetchRegisterWithASubwordExtendIsUndefined()
    {
        using var h = LsKit.New();
        // PRFM (register) with option = 000 (UXTB): option<1> = 0.
        LsKit.AssertUndefined(h, 0xF8A0_0820u | (2u << 16) | (1u << 5));
    }

    [TestCase(0x3820_0820u, TestName = "StrbRegisterWithOption000IsUndefined")]
    [TestCase(0xF860_2820u, TestName = "LdrRegisterWithOption001IsUndefined")]
    [TestCase(0xB8A0_A820u, TestName = "LdrswRegisterWithOption101IsUndefined")]
    public void RegisterOffsetWithSubwordExtendIsUndefined(uint word)
    {
        using var h = LsKit.New();
        LsKit.AssertUndefined(h, word);
    }

    [TestCase(0xB9C0_0020u, TestName = "Size10Opc11UnsignedOffsetIsUndefined")]
    [TestCase(0xF9C0_0020u, TestName = "Size11Opc11UnsignedOffsetIsUndefined")]
    [TestCase(0xB8C0_0020u, TestName = "Size10Opc11UnscaledIsUndefined")]
    [TestCase(0xF8C0_0420u, TestName = "Size11Opc11PostIndexIsUndefined")]
    [TestCase(0xF880_0420u, TestName = "PostIndexHasNoPrefetch")]
    [TestCase(0xF880_0C20u, TestName = "PreIndexHasNoPrefetch")]
    [TestCase(0xF880_0820u, TestName = "UnprivilegedHasNoPrefetch")]
    [TestCase(0xB8C0_0820u, TestName = "LdtrswToWIsUndefined")]
    [TestCase(0xB8E0_6820u, TestName = "Size10Opc11RegisterIsUndefined")]
    [TestCase(0x3C00_0820u, TestName = "SimdUnprivilegedIsUndefined")]
    [TestCase(0xF820_0420u, TestName = "PointerAuthLoadIsUndefinedWithoutPAuth")]
    public void UnallocatedLoadStoreRegisterEncodingsAreUndefined(uint word)
    {
        using var h = LsKit.New();
        LsKit.AssertUndefined(h, word);
    }

    // Writeback with Rn == Rt is CONSTRAINED UNPREDICTABLE; FastArm does what QEMU 7.2 does.

    [Test]
    public void LoadWithWritebackIntoTheBaseKeepsTheWrittenBackAddressAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xF840_8421u), Is.True);   // ldr x1, [x1], #8
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 8));
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xF840_8C21u), Is.True);   // ldr x1, [x1, #8]!
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 8));
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0x3840_1421u), Is.True);   // ldrb w1, [x1], #1
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 1));
    }

    [Test]
    public void StoreWithWritebackFromTheBaseStoresTheOldBaseAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xF800_8421u), Is.True);   // str x1, [x1], #8
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 8));
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(LsKit.Data));
        h.Cpu.SetX(1, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0xF800_8C21u), Is.True);   // str x1, [x1, #8]!
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 8));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(LsKit.Data));
    }

    [Test]
    public void MemoryHookSeesEachAccess()
    {
        using var h = LsKit.New();
        var seen = new List<MemoryAccess>();
        h.Cpu.MemoryHook = seen.Add;
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, 0x12AB);   // a byte store reports only its byte
        LsKit.Ok(h, """
            ldr w3, [x1, #4]
            strb w2, [x1, #1]
            """);
        Assert.That(seen, Has.Count.EqualTo(2));
        Assert.That(seen[0], Is.EqualTo(new MemoryAccess(CpuHarness.CodeBase, LsKit.Data + 4, LsKit.Data + 4, 4, false, LsKit.Pattern(4, 4))));
        Assert.That(seen[1], Is.EqualTo(new MemoryAccess(CpuHarness.CodeBase + 4, LsKit.Data + 1, LsKit.Data + 1, 1, true, 0xAB)));
    }
}
