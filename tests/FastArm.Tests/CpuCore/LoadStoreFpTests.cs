using FastArm.Jit;
using FastArm.Jit.Decode;
using FastArm.Tests.Support;
using NUnit.Framework;

namespace FastArm.Tests.CpuCore;

public unsafe class LoadStoreFpTests
{
    private static void FillV(CpuHarness h)
    {
        for (int i = 0; i < 64; i++) h.Cpu.S.V[i] = 0xEEEE_EEEE_EEEE_EEEEUL;
    }

    private static (ulong lo, ulong hi) V(CpuHarness h, int n) => (h.Cpu.S.V[2 * n], h.Cpu.S.V[2 * n + 1]);

    [Test]
    public void ScalarLoadsOfEverySizeZeroTheRestOfTheRegister()
    {
        using var h = LsKit.New();
        FillV(h);
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            ldr b0, [x1, #1]
            ldr h1, [x1, #2]
            ldr s2, [x1, #4]
            ldr d3, [x1, #8]
            ldr q4, [x1, #16]
            """);
        Assert.That(V(h, 0), Is.EqualTo((LsKit.Pattern(1, 1), 0UL)));
        Assert.That(V(h, 1), Is.EqualTo((LsKit.Pattern(2, 2), 0UL)));
        Assert.That(V(h, 2), Is.EqualTo((LsKit.Pattern(4, 4), 0UL)));
        Assert.That(V(h, 3), Is.EqualTo((LsKit.Pattern(8), 0UL)));
        Assert.That(V(h, 4), Is.EqualTo((LsKit.Pattern(16), LsKit.Pattern(24))));
    }

    [Test]
    public void ScalarStoresWriteOnlyTheirSize()
    {
        using var h = LsKit.New();
        h.Cpu.S.V[10] = 0x1122_3344_5566_7788UL;
        h.Cpu.S.V[11] = 0x99AA_BBCC_DDEE_FF00UL;
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, """
            str b5, [x1]
            str h5, [x1, #8]
            str s5, [x1, #16]
            str d5, [x1, #24]
            str q5, [x1, #32]
            """);
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo((LsKit.Pattern(0) & ~0xFFUL) | 0x88));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo((LsKit.Pattern(8) & ~0xFFFFUL) | 0x7788));
        Assert.That(LsKit.Read(h, LsKit.Data + 16), Is.EqualTo((LsKit.Pattern(16) & ~0xFFFF_FFFFUL) | 0x5566_7788));
        Assert.That(LsKit.Read(h, LsKit.Data + 24), Is.EqualTo(0x1122_3344_5566_7788UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 32), Is.EqualTo(0x1122_3344_5566_7788UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 40), Is.EqualTo(0x99AA_BBCC_DDEE_FF00UL));
    }

    [Test]
    public void UnscaledPreAndPostIndexedForms()
    {
        using var h = LsKit.New();
        FillV(h);
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        h.Cpu.SetX(2, LsKit.Data + 0x200);
        LsKit.Ok(h, """
            ldur q0, [x1, #-1]
            ldur h1, [x1, #3]
            ldr d2, [x1, #-8]!
            ldr s3, [x1], #12
            stur q0, [x2, #-16]
            str b1, [x2, #1]!
            str h1, [x2], #-3
            """);
        Assert.That(V(h, 0), Is.EqualTo((LsKit.Pattern(0xFF), LsKit.Pattern(0x107))));
        Assert.That(V(h, 1), Is.EqualTo((LsKit.Pattern(0x103, 2), 0UL)));
        Assert.That(V(h, 2), Is.EqualTo((LsKit.Pattern(0xF8), 0UL)));
        Assert.That(V(h, 3), Is.EqualTo((LsKit.Pattern(0xF8, 4), 0UL)));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 0x104));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x1F0), Is.EqualTo(LsKit.Pattern(0xFF)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x1F8), Is.EqualTo(LsKit.Pattern(0x107)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x201, 2), Is.EqualTo(LsKit.Pattern(0x103, 2)));
        Assert.That(h.X(2), Is.EqualTo(LsKit.Data + 0x1FE));
    }

    [Test]
    public void RegisterOffsetScalesByTheAccessSize()
    {
        using var h = LsKit.New();
        FillV(h);
        h.Cpu.SetX(1, LsKit.Data);
        h.Cpu.SetX(2, 2);
        h.Cpu.SetX(3, 0xFFFF_FFFF_0000_0003UL);
        LsKit.Ok(h, """
            ldr q0, [x1, x2, lsl #4]
            ldr d1, [x1, w3, uxtw #3]
            ldr s2, [x1, x2, lsl #2]
            ldr h3, [x1, x2, lsl #1]
            ldr b4, [x1, x2, lsl #0]
            ldr b5, [x1, x2]
            ldr q6, [x1, x2]
            str q0, [x1, w3, uxtw #4]
            """);
        Assert.That(V(h, 0), Is.EqualTo((LsKit.Pattern(32), LsKit.Pattern(40))));
        Assert.That(V(h, 1), Is.EqualTo((LsKit.Pattern(24), 0UL)));
        Assert.That(V(h, 2), Is.EqualTo((LsKit.Pattern(8, 4), 0UL)));
        Assert.That(V(h, 3), Is.EqualTo((LsKit.Pattern(4, 2), 0UL)));
        Assert.That(V(h, 4), Is.EqualTo((LsKit.Pattern(2, 1), 0UL)));
        Assert.That(V(h, 5), Is.EqualTo((LsKit.Pattern(2, 1), 0UL)));
        Assert.That(V(h, 6), Is.EqualTo((LsKit.Pattern(2), LsKit.Pattern(10))));
        Assert.That(LsKit.Read(h, LsKit.Data + 48), Is.EqualTo(LsKit.Pattern(32)));
    }

    [Test]
    public void LiteralLoadsOfSDAndQ()
    {
        using var h = LsKit.New();
        FillV(h);
        LsKit.Ok(h, """
            b 2f
            .balign 16
            1: .quad 0x8877665544332211, 0xFFEEDDCCBBAA0099
            2: ldr s0, 1b
            ldr d1, 1b
            ldr q2, 1b
            """);
        Assert.That(V(h, 0), Is.EqualTo((0x4433_2211UL, 0UL)));
        Assert.That(V(h, 1), Is.EqualTo((0x8877_6655_4433_2211UL, 0UL)));
        Assert.That(V(h, 2), Is.EqualTo((0x8877_6655_4433_2211UL, 0xFFEE_DDCC_BBAA_0099UL)));
    }

    [Test]
    public void PairsOfSDAndQWithEveryAddressingMode()
    {
        using var h = LsKit.New();
        FillV(h);
        h.Cpu.SetX(1, LsKit.Data + 0x100);
        h.Cpu.SetX(2, LsKit.Data + 0x400);
        LsKit.Ok(h, """
            ldp s0, s1, [x1, #-4]
            ldp d2, d3, [x1, #8]!
            ldp q4, q5, [x1], #-32
            ldnp d6, d7, [x1]
            stp q4, q5, [x2, #-32]!
            stnp s0, s1, [x2, #64]
            stp d2, d3, [x2], #128
            """);
        Assert.That(V(h, 0), Is.EqualTo((LsKit.Pattern(0xFC, 4), 0UL)));
        Assert.That(V(h, 1), Is.EqualTo((LsKit.Pattern(0x100, 4), 0UL)));
        Assert.That(V(h, 2), Is.EqualTo((LsKit.Pattern(0x108), 0UL)));
        Assert.That(V(h, 3), Is.EqualTo((LsKit.Pattern(0x110), 0UL)));
        Assert.That(V(h, 4), Is.EqualTo((LsKit.Pattern(0x108), LsKit.Pattern(0x110))));
        Assert.That(V(h, 5), Is.EqualTo((LsKit.Pattern(0x118), LsKit.Pattern(0x120))));
        Assert.That(h.X(1), Is.EqualTo(LsKit.Data + 0xE8));
        Assert.That(V(h, 6), Is.EqualTo((LsKit.Pattern(0xE8), 0UL)));
        Assert.That(V(h, 7), Is.EqualTo((LsKit.Pattern(0xF0), 0UL)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x3E0), Is.EqualTo(LsKit.Pattern(0x108)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x3F8), Is.EqualTo(LsKit.Pattern(0x120)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x420), Is.EqualTo(LsKit.Pattern(0xFC, 4) | (LsKit.Pattern(0x100, 4) << 32)));
        Assert.That(LsKit.Read(h, LsKit.Data + 0x3E0 + 8), Is.EqualTo(LsKit.Pattern(0x110)));
        Assert.That(h.X(2), Is.EqualTo(LsKit.Data + 0x460));
    }

    [Test]
    public void StpOfDRegistersStoresTheirLowHalves()
    {
        using var h = LsKit.New();
        h.Cpu.S.V[2] = 0x1111; h.Cpu.S.V[3] = 0x2222;
        h.Cpu.S.V[4] = 0x3333; h.Cpu.S.V[5] = 0x4444;
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.Ok(h, "stp d1, d2, [x1]");
        Assert.That(LsKit.Read(h, LsKit.Data), Is.EqualTo(0x1111UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 8), Is.EqualTo(0x3333UL));
        Assert.That(LsKit.Read(h, LsKit.Data + 16), Is.EqualTo(LsKit.Pattern(16)));
    }

    [Test]
    public void LdpIntoTheSameVRegisterKeepsTheSecondElementAsQemu()
    {
        using var h = LsKit.New();
        h.Cpu.SetX(2, LsKit.Data);
        Assert.That(LsKit.RunWord(h, 0x6D40_0441u), Is.True);   // ldp d1, d1, [x2]
        Assert.That(V(h, 1), Is.EqualTo((LsKit.Pattern(8), 0UL)));
        Assert.That(LsKit.RunWord(h, 0xAD40_0441u), Is.True);   // ldp q1, q1, [x2]
        Assert.That(V(h, 1), Is.EqualTo((LsKit.Pattern(16), LsKit.Pattern(24))));
    }

    [TestCase(0x7CC0_0020u, TestName = "LdurHWithOpc1xIsUndefined")]
    [TestCase(0x7D80_0020u, TestName = "StrHWithOpc1xIsUndefined")]
    [TestCase(0xFCE0_6820u, TestName = "LdrDRegisterWithOpc11IsUndefined")]
    [TestCase(0xBC80_0420u, TestName = "StrSPostWithOpc10IsUndefined")]
    [TestCase(0xDC00_0000u, TestName = "LdrLiteralSimdWithOpc11IsUndefined")]
    [TestCase(0x3C60_0820u, TestName = "LdrBRegisterWithOption000IsUndefined")]
    public void UnallocatedSimdEncodingsAreUndefined(uint word)
    {
        using var h = LsKit.New();
        LsKit.AssertUndefined(h, word);
    }

    [Test]
    public void SimdLoadsAreUndefinedWithoutFp()
    {
        using var h = LsKit.New(new CpuConfig { Features = Feature.Default & ~(Feature.FP | Feature.AdvSIMD) });
        h.Cpu.SetX(1, LsKit.Data);
        LsKit.AssertUndefined(h, 0x3DC0_0020u);   // ldr q0, [x1]
        LsKit.AssertUndefined(h, 0x6D40_0441u);   // ldp d1, d1, [x2]
        LsKit.AssertUndefined(h, 0x1C00_0000u);   // ldr s0, .
    }
}
